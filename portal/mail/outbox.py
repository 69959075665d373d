"""The outbox: the one way e-mail leaves Meldpunt, queued in the database and sent with retries."""
import re
import smtplib
import socket
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email import charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import jinja2
from flask import current_app
from flask_babel import force_locale, get_translations
from sqlalchemy import insert, select, update

from portal.calendar.clock import now_utc
from portal.extensions import db, mail
from portal.mail.models import OutboxMessage, OutboxStatus

MAX_BACKOFF = timedelta(hours=6)
QUOTED_PRINTABLE_UTF8 = charset.Charset("utf-8")
QUOTED_PRINTABLE_UTF8.body_encoding = charset.QP
BATCH_SIZE = 500


def queue_mail(recipient, template, language, report=None, reply_to=None, **context):
    """Render an e-mail in the recipient's language and add it to the outbox (no flush, no commit).

    It is written in the same transaction as the change it tells about: a rollback never sends it,
    a commit always does, eventually.
    """
    message = OutboxMessage(
        recipient=recipient,
        reply_to=reply_to or _reply_address(report),
        template=template,
        report=report,
        **render_mail(template, language, report=report, **context),
    )
    db.session.add(message)
    return message


def mail_row(recipient, template, language, *, report_id, reply_to, **context):
    """The outbox row queue_mail would add, as the values of a plain INSERT (MAIL_ROW_COLUMNS), for a report written
    without the ORM (the intake, portal.reports.intake): rendered now, pending, due now."""
    now = now_utc()
    return {
        "recipient": recipient, "reply_to": reply_to, "template": template, "report_id": report_id,
        "created_at": now, "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": now,
        **render_mail(template, language, **context),
    }


MAIL_ROW_COLUMNS = ("recipient", "reply_to", "template", "report_id", "created_at", "status", "attempts",
                    "next_attempt_at", "subject", "body_text", "body_html")


def insert_mail(row):
    """A mail_row INSERTed at once on the session's connection, in its transaction: a rollback never sends it."""
    db.session.connection().execute(_INSERT_MAIL, row)


_INSERT_MAIL = insert(OutboxMessage.__table__)  # built once, its values given as parameters (the intake is hot)


def render_mail(template, language, **context):
    """Subject (on one line), plain text and HTML of `mail/<template>/` in the recipient's language.

    Rendered by Jinja itself, not Flask's render_template: a mail reads only what it is given (and the template
    globals), never the request, session or logged-in user that a page's context processors add, so it comes out
    the same from a page and from the scheduler, and cheaper.
    """
    with force_locale(language):  # for the dates, and the catalogue of _mail_environment
        environment = _mail_environment(language)
        subject, body_text, body_html = (
            environment.get_template(f"mail/{template}/{part}").render(context)
            for part in ("subject.txt", "body.txt", "body.html")
        )
    return {"subject": " ".join(subject.split()), "body_text": body_text, "body_html": body_html}


def _mail_environment(language):
    """A Jinja environment for mail in one language, made once per app from the pages' one (their loader, filters,
    globals and escaping): its gettext is that language's catalogue itself rather than Flask-Babel's look-up of the
    current locale at every call (a third of a mail's rendering, and every new report sends one)."""
    environments = current_app.extensions.setdefault(_MAIL_ENVIRONMENTS, {})
    environment = environments.get(language)
    if environment is None:
        pages = current_app.jinja_env
        # A new environment rather than an overlay: an overlay shares the pages' globals and installs its gettext
        # there, so every page would speak the language of the last mail.
        environment = jinja2.Environment(loader=pages.loader, autoescape=pages.autoescape,
                                         auto_reload=pages.auto_reload, extensions=["jinja2.ext.i18n"])
        environment.filters.update(pages.filters)
        environment.tests.update(pages.tests)
        environment.policies.update(pages.policies)
        environment.globals.update(pages.globals)
        environment.install_gettext_translations(get_translations(), newstyle=True)
        environments[language] = environment
    return environment


_MAIL_ENVIRONMENTS = "meldpunt.mail_environments"


def _reply_address(report):
    """A reply about a report goes to its team, or to the KCC while it has none: a resident's reply never bounces."""
    if report is None:
        return None
    return (report.team.email if report.team else None) or current_app.config["KCC_EMAIL"]


def external_url(endpoint, **values):
    """An absolute address for e-mails, built from MELDPUNT_BASE_URL rather than the current request."""
    base_url = current_app.config["BASE_URL"]
    bound = current_app.extensions.get(_EXTERNAL_URLS)
    if bound is None or bound[0] != base_url:
        # Bound once per app and address (a new request context for every link cost as much as a query).
        base = urlsplit(base_url)
        bound = (base_url, current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme))
        current_app.extensions[_EXTERNAL_URLS] = bound
    return bound[1].build(endpoint, values, force_external=True)


_EXTERNAL_URLS = "meldpunt.external_urls"


def backoff(attempts):
    """Wait 1, 2, 4, ... minutes between tries, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0  # tried and not sent; pending again for a later try, or refused for good
    not_tried: int = 0  # left pending because the mail server could not be reached


@contextmanager
def _socket_timeout(seconds):
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def stale_claim_age():
    """A message claimed longer ago than this belongs to a sender that died mid-send: try it again."""
    return timedelta(seconds=current_app.config["OUTBOX_CLAIM_TIMEOUT_SECONDS"])


def _release_stale_claims(now):
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - stale_claim_age())
        .values(status=OutboxStatus.PENDING, claimed_at=None)
    )
    db.session.commit()


def _claim(message_id, now):
    """Take one message for this sender; a conditional UPDATE, so two senders never both get it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _as_mail(message):
    """The outbox row as an e-mail any standards-following server accepts.

    Flask-Mail would send the bodies as 7bit or 8bit, so one long HTML line (a busy team's digest) breaks the
    998-octet limit of RFC 5321 and the server refuses it. Here both parts are quoted-printable (lines of at most
    76 characters, plain ASCII on the wire) and the subject is RFC 2047-encoded and folded. (The stdlib's newer
    `EmailMessage` folds long non-ASCII subjects wrongly, dropping spaces; `Header` does not.)
    """
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    mail_message = MIMEMultipart("alternative")
    mail_message.attach(MIMEText(message.body_text, "plain", QUOTED_PRINTABLE_UTF8))
    if message.body_html:
        mail_message.attach(MIMEText(message.body_html, "html", QUOTED_PRINTABLE_UTF8))
    mail_message["Subject"] = Header(message.subject, "utf-8")
    mail_message["From"] = sender
    mail_message["To"] = message.recipient
    if message.reply_to:
        mail_message["Reply-To"] = message.reply_to
    mail_message["Date"] = format_datetime(now_utc())
    # One Message-ID per outbox row, so that a rare second delivery after a crash is recognisable.
    mail_message["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=sender.rpartition("@")[2] or None)
    return mail_message


def _deliver(connection, message):
    """Hand the mail to the server; a connection with no host is Flask-Mail's MAIL_SUPPRESS_SEND."""
    if connection.host is not None:
        connection.host.send_message(_as_mail(message))


def _as_text(answer):
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def error_text(error, recipient):
    """What went wrong, for the record: the error's kind, the server's code and words, never the address itself
    (the record outlives an erasure request otherwise)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, answer = next(iter(error.recipients.values()))
        detail = f"{code} {_as_text(answer)}"
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_as_text(error.smtp_error)}"
    else:
        detail = str(error)
    text = f"{type(error).__name__}: {detail}"
    if recipient:
        text = re.sub(re.escape(recipient), "[recipient]", text, flags=re.IGNORECASE)
    return text[:2000]


def _record_failure(message, error, now, permanent):
    message.last_error = error_text(error, message.recipient)
    message.claimed_at = None
    if permanent:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = now + backoff(message.attempts)
    db.session.commit()


def _is_permanent(error):
    # A 5xx answer about this message or its recipient is final (RFC 5321); 4xx and lost connections pass.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _connection_lost(error):
    # SMTPException is itself an OSError: a plain socket error or a dropped or closing session means
    # the connection is gone, while an SMTP answer about one message leaves it usable.
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421
    return not isinstance(error, smtplib.SMTPException)


def send_pending(*, ignore_backoff=False, limit=None):
    """Send every pending message that is due (or every pending one), each at most once per call."""
    now = now_utc()
    _release_stale_claims(now)
    query = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)
    if not ignore_backoff:
        query = query.where(OutboxMessage.next_attempt_at <= now)
    ids = db.session.scalars(query.order_by(OutboxMessage.id).limit(limit or BATCH_SIZE)).all()
    result = SendResult()
    if not ids:
        return result

    with _socket_timeout(current_app.config["MAIL_TIMEOUT_SECONDS"]):
        connection = None
        try:
            for position, message_id in enumerate(ids):
                if not _claim(message_id, now_utc()):
                    continue
                message = db.session.get(OutboxMessage, message_id)
                try:
                    if connection is None:
                        connection = mail.connect().__enter__()
                    _deliver(connection, message)
                except (smtplib.SMTPException, OSError) as error:
                    _record_failure(message, error, now_utc(), permanent=_is_permanent(error))
                    result.failed += 1
                    if connection is None or _connection_lost(error):
                        # The server is not there: leave the rest for the next run rather than
                        # knocking on a closed door once per message.
                        result.not_tried = len(ids) - position - 1
                        break
                    continue
                message.status = OutboxStatus.SENT
                message.sent_at = now_utc()
                message.last_error = None
                db.session.commit()
                result.sent += 1
        finally:
            if connection is not None:
                try:
                    connection.__exit__(None, None, None)
                except (smtplib.SMTPException, OSError):
                    pass
    return result
