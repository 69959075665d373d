"""The outbox as admins review it: every mail with its status, what went wrong in words, and sending again.

A mail our own server or the recipient's refused for good must never fail silently: the admins see it here, and
the KCC gets one notice a day while failed mails exist (portal.operations.jobs).
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.mail.models import OutboxMessage, OutboxStatus

PAGE_SIZE = 50
_CODE = re.compile(r"\b([245][0-9]{2})\b")

TEMPLATE_LABELS = {
    "confirmation": _l("Confirmation to the resident"),
    "closed": _l("Answer to the resident at closing"),
    "extended": _l("Extension of the term, to the resident"),
    "message": _l("Message to the resident"),
    "digest": _l("Daily list for a team"),
    "escalation": _l("Term passed, to the team and the KCC"),
    "monthly": _l("Monthly figures to a manager"),
    "assigned": _l("Report sent to a team"),
    "failed_mail": _l("Failed e-mails, to the KCC"),
}
STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting to be sent"),
    OutboxStatus.SENDING: _l("Being sent"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
}


def template_label(template):
    return TEMPLATE_LABELS.get(template, template)


def error_in_words(last_error):
    """What the stored error means for an admin, or None when there is none."""
    if not last_error:
        return None
    kind = last_error.partition(":")[0]
    code_match = _CODE.search(last_error)
    code = int(code_match.group(1)) if code_match else None
    if "Line too long" in last_error or (code in (500, 501, 552, 554) and kind == "SMTPDataError"):
        return _l("The receiving mail server refused the message itself. This is an error in Meldpunt: "
                  "report it to the application's maintainers, then send it again.")
    if kind == "SMTPRecipientsRefused" or code in (550, 551, 553):
        return _l("The receiving mail server says this address does not exist or does not accept mail. "
                  "Check the address; reach the person another way.")
    if kind == "SMTPSenderRefused":
        return _l("The mail server does not accept Meldpunt's sender address. Check MAIL_DEFAULT_SENDER.")
    if kind == "SMTPAuthenticationError":
        return _l("Meldpunt could not log in to the mail server. Check MAIL_USERNAME and MAIL_PASSWORD.")
    if code is not None and 400 <= code < 500:
        return _l("The mail server was busy or temporarily unavailable. Meldpunt tries again by itself.")
    if kind in ("ConnectionRefusedError", "SMTPServerDisconnected", "SMTPConnectError", "TimeoutError",
                "socket.gaierror", "gaierror", "OSError"):
        return _l("Meldpunt could not reach the mail server. It tries again by itself; check MAIL_SERVER if "
                  "this lasts.")
    return _l("The mail server refused the message.")


@dataclass
class OutboxPage:
    messages: list
    next_cursor: int | None
    counts: dict


def page(status=None, after=None, size=PAGE_SIZE):
    """Newest first, by keyset on the id; `status` limits to one status."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if after is not None:
        query = query.where(OutboxMessage.id < after)
    rows = db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    return OutboxPage(rows, rows[-1].id if more else None, counts())


def counts():
    by_status = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: by_status.get(status, 0) for status in OutboxStatus}


def failed_count():
    return db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED))


def resend(message_ids=None):
    """Failed mails back in the queue, to be sent at the next run (all failed ones when no ids are given).

    A conditional UPDATE on the status: a mail that is no longer failed (sent meanwhile, or resent by a colleague)
    is left alone, so pressing twice never sends twice. Returns how many were put back.
    """
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, next_attempt_at=now_utc(), claimed_at=None)
    )
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(message_ids))
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
