"""E-mail leaves through the outbox to a real SMTP server on loopback: once, and never lost."""
import threading
from datetime import timedelta

import time_machine
from sqlalchemy import select

from portal.calendar.clock import now_utc
from portal.mail import outbox
from portal.models import OutboxMessage, OutboxStatus


def test_the_confirmation_reaches_the_smtp_server_with_the_reference(client, db, report_form_data, runner, smtp):
    client.post(
        "/melden", data=report_form_data(email="anna@example.nl", name="Anna", contact_preference="email", consent="y")
    )
    result = runner.invoke(args=["outbox", "send"])
    assert "sent: 1, failed: 0" in result.output
    [message] = smtp.messages
    reference = db.session.scalar(select(OutboxMessage)).report.reference
    assert message["To"] == "anna@example.nl"
    assert message["From"] == "meldpunt@dronten.example"
    assert reference in message["Subject"]
    bodies = smtp.catcher.bodies(message)
    assert reference in bodies["text/plain"] and reference in bodies["text/html"]
    assert f"http://meldpunt.test/status?code={reference}" in bodies["text/plain"]
    assert "Anna" in bodies["text/plain"]


def test_sending_twice_sends_once(make_report, runner, smtp, db):
    make_report(email="anna@example.nl")
    first = runner.invoke(args=["outbox", "send"])
    second = runner.invoke(args=["outbox", "send"])
    assert "sent: 1" in first.output and "sent: 0" in second.output
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT


def test_a_mail_server_that_is_down_keeps_the_mail_pending_and_a_later_run_delivers_it(make_report, runner, smtp, db):
    make_report(email="anna@example.nl")
    make_report(email="bram@example.nl")
    smtp.stop()
    down = runner.invoke(args=["outbox", "send"])
    assert "sent: 0, failed: 1, not tried: 1" in down.output
    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.status for m in messages] == [OutboxStatus.PENDING, OutboxStatus.PENDING]
    assert "Connection refused" in messages[0].last_error or "ConnectionRefused" in messages[0].last_error
    assert messages[0].next_attempt_at > now_utc(), "a failed mail must wait before its next try"

    smtp.start()
    up = runner.invoke(args=["outbox", "send"])
    assert "sent: 2, failed: 0" in up.output
    assert sorted(m["To"] for m in smtp.messages) == ["anna@example.nl", "bram@example.nl"]


def test_a_temporary_refusal_is_retried_with_growing_waits(make_report, smtp, db, app):
    make_report(email="anna@example.nl")
    smtp.catcher.refuse_with = "451 Try again later"
    first = outbox.send_pending()
    message = db.session.scalar(select(OutboxMessage))
    assert (first.sent, first.failed, message.status, message.attempts) == (0, 1, OutboxStatus.PENDING, 1)
    first_wait = message.next_attempt_at - now_utc()

    assert outbox.send_pending().failed == 0, "the scheduler's run must respect the waiting time"
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        outbox.send_pending()
        db.session.refresh(message)
        assert message.attempts == 2
        assert message.next_attempt_at - now_utc() > first_wait

    smtp.catcher.refuse_with = None
    with time_machine.travel(message.next_attempt_at + timedelta(seconds=1)):
        assert outbox.send_pending().sent == 1
    assert len(smtp.messages) == 1


def test_an_address_refused_for_good_is_marked_failed_and_the_rest_still_goes(make_report, smtp, db, app):
    make_report(email="anna@example.nl")
    make_report(email="bram@example.nl")
    original = smtp.catcher.handle_DATA

    async def refuse_anna(server, session, envelope):
        if envelope.rcpt_tos == ["anna@example.nl"]:
            return "550 No such user"
        return await original(server, session, envelope)

    smtp.catcher.handle_DATA = refuse_anna
    try:
        result = outbox.send_pending()
    finally:
        smtp.catcher.handle_DATA = original
    statuses = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.status)).all())
    # A 550 after DATA is an answer about this message; the connection stays usable for the next one.
    assert result.sent == 1
    assert statuses["bram@example.nl"] is OutboxStatus.SENT
    assert statuses["anna@example.nl"] is OutboxStatus.FAILED
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
    assert "550" in failed.last_error
    assert [m["To"] for m in smtp.messages] == ["bram@example.nl"]


def test_a_message_claimed_by_another_sender_is_not_sent_again(make_report, smtp, db, app):
    make_report(email="anna@example.nl")
    message = db.session.scalar(select(OutboxMessage))
    assert outbox._claim(message.id, now_utc())
    assert outbox.send_pending().sent == 0
    assert smtp.messages == []


def test_a_claim_left_by_a_crashed_sender_is_released_later(make_report, smtp, db, app):
    make_report(email="anna@example.nl")
    message = db.session.scalar(select(OutboxMessage))
    outbox._claim(message.id, now_utc())
    with time_machine.travel(now_utc() + outbox.stale_claim_age() + timedelta(minutes=1)):
        assert outbox.send_pending().sent == 1
    assert len(smtp.messages) == 1


def test_two_senders_at_once_send_each_mail_once(make_report, smtp, db, app):
    for number in range(20):
        make_report(email=f"resident{number}@example.nl")

    def run():
        with app.app_context():
            outbox.send_pending()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == sorted(f"resident{number}@example.nl" for number in range(20))


def test_a_report_is_stored_even_when_no_mail_server_exists(client, db, report_form_data, smtp):
    smtp.stop()
    response = client.post(
        "/melden", data=report_form_data(email="anna@example.nl", contact_preference="email", consent="y")
    )
    assert response.status_code == 303
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.PENDING
