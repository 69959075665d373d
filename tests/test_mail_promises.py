"""Every mail Meldpunt sends reaches any standards-following server, or shows up as failed where a person sees it."""
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from portal.mail import outbox
from portal.models import OutboxMessage, OutboxStatus
from tests.conftest import csrf_token_from, free_port

RFC_5321_LINE_LIMIT = 998  # octets, without the CRLF


@dataclass
class StrictServer:
    """Keeps every message as the octets that came over the wire; aiosmtpd refuses lines over 998 octets itself."""

    raw: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content)
        return "250 Message accepted for delivery"


@pytest.fixture
def strict_smtp(app):
    handler = StrictServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    previous = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = port
    app.extensions["mail"].port = port
    yield handler
    app.config["MAIL_PORT"] = previous
    app.extensions["mail"].port = previous
    controller.stop()


def test_a_mail_with_very_long_lines_is_delivered_with_no_line_over_998_octets(strict_smtp, db, app):
    long_html = "<table>" + "".join(f"<tr><td>MC-{n:04d}-ABCD</td><td>Ik ben niet teruggebeld</td></tr>"
                                    for n in range(200)) + "</table>"
    long_text = "Één regel zonder einde: " + "woord " * 900
    subject = "Meldingen van Burgerzaken die vandaag of morgen aflopen: " + "ééé " * 40
    outbox_row = OutboxMessage(recipient="bz@dronten.example", template="digest", subject=subject,
                               body_text=long_text, body_html=long_html)
    db.session.add(outbox_row)
    db.session.commit()
    result = outbox.send_pending()
    assert (result.sent, result.failed) == (1, 0)
    [raw] = strict_smtp.raw
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= RFC_5321_LINE_LIMIT
    assert all(byte < 128 for byte in raw), "8-bit data needs 8BITMIME, which not every server offers"
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == subject
    bodies = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    assert bodies["text/plain"].rstrip() == long_text.rstrip()
    assert bodies["text/html"].rstrip("\n") == long_html
    db.session.refresh(outbox_row)
    assert outbox_row.status is OutboxStatus.SENT


def test_a_busy_teams_digest_reaches_a_strict_server(strict_smtp, db, app, make_team, make_report):
    from portal.calendar.clock import local_today, now_utc
    from portal.operations import jobs
    from portal.reports import workflow
    from portal.staff.models import User

    team = make_team("BZ", "Burgerzaken")
    kcc = User(email="k@dronten.example", name="Karin", role="kcc", password_hash="x", session_token="t")
    db.session.add(kcc)
    for _ in range(80):
        report = make_report(received_at=now_utc() - timedelta(days=30), commit=False)
        workflow.assign(report, team=team, by=None)
    db.session.commit()
    today = local_today()
    while not jobs.deadlines.is_working_day(today):
        today += timedelta(days=1)
    assert jobs.send_team_digests(today=today) == 1
    outbox.send_pending()
    digest = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "digest"))
    assert digest.status is OutboxStatus.SENT, digest.last_error
    assert len(strict_smtp.raw) >= 1


def refused_for_good(smtp, make_report, db, email="jan.jansen@example.nl"):
    """A confirmation that the recipient's server refuses for good (550), as a failed outbox row."""
    make_report(email=email)
    smtp.catcher.refuse_with = f"550 5.1.1 <{email}>: Recipient address rejected"
    outbox.send_pending()
    smtp.catcher.refuse_with = None
    message = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert message.status is OutboxStatus.FAILED
    return message


@pytest.fixture
def admin(make_staff, login):
    user = make_staff("admin", name="Anouk Admin")
    login(user)
    return user


def test_the_stored_error_never_holds_the_address(smtp, make_report, db):
    message = refused_for_good(smtp, make_report, db, email="Jan.Jansen@Example.nl")
    assert "550" in message.last_error
    assert "jan.jansen" not in message.last_error.lower()


def test_an_admin_sees_a_failed_mail_in_words_and_sends_it_again_after_a_fix(client, admin, smtp, make_report, db):
    message = refused_for_good(smtp, make_report, db)
    page = client.get("/admin/outbox?status=failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "jan.jansen@example.nl" in html
    assert "bestaat niet" in html or "does not exist" in html, "the reason is given in words"
    resent = client.post(f"/admin/outbox/{message.id}/resend", data={"csrf_token": csrf_token_from(html)})
    assert resent.status_code == 303
    db.session.refresh(message)
    assert message.status is OutboxStatus.PENDING
    again = client.post(f"/admin/outbox/{message.id}/resend", data={"csrf_token": csrf_token_from(html)})
    assert again.status_code == 303, "a second press changes nothing and says so"
    outbox.send_pending()
    db.session.refresh(message)
    assert message.status is OutboxStatus.SENT
    assert len(smtp.messages) == 1, "sent once, however often the button was pressed"


def test_all_failed_mails_are_sent_again_in_one_action(client, admin, smtp, make_report, db):
    refused_for_good(smtp, make_report, db, email="a@example.nl")
    refused_for_good(smtp, make_report, db, email="b@example.nl")
    html = client.get("/admin/outbox").get_data(as_text=True)
    assert client.post("/admin/outbox/resend-failed", data={"csrf_token": csrf_token_from(html)}).status_code == 303
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED)) == 0
    assert client.post("/admin/outbox/resend-failed", data={}).status_code == 400, "CSRF is required"


def test_the_kcc_is_told_once_a_day_while_failed_mails_exist(smtp, make_report, db, app):
    from portal.operations import jobs

    today = date(2026, 12, 2)
    assert jobs.notify_failed_mail(today=today) == 0, "no notice without failed mail"
    refused_for_good(smtp, make_report, db)
    assert jobs.notify_failed_mail(today=today) == 1
    assert jobs.notify_failed_mail(today=today) == 0, "once a day"
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "failed_mail"))
    assert notice.recipient == app.config["KCC_EMAIL"]
    assert "/admin/outbox?status=failed" in notice.body_text
    assert jobs.notify_failed_mail(today=today + timedelta(days=1)) == 1, "and again the next day"
