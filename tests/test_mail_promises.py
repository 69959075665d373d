"""Every mail Meldpunt sends reaches any standards-following server, or shows up as failed where a person sees it."""
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from portal.mail import outbox
from portal.models import OutboxMessage, OutboxStatus
from tests.conftest import free_port

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
    from datetime import timedelta

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
