"""Two real scheduler processes against one PostgreSQL database: every mail reaches the SMTP server once,
and a scheduler killed in the middle of a run, once restarted, sends what was missing and nothing twice."""
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.calendar import deadlines
from portal.calendar.clock import local_today, now_utc
from portal.models import Cause, Channel, OutboxMessage, OutboxStatus, Outcome, Report
from portal.reports import workflow

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="runs against PostgreSQL (TEST_DATABASE_URL)"
)


@pytest.fixture
def workload(make_report, make_team, make_staff, db):
    """Overdue reports (escalations), closed ones (closing mails) and new ones (confirmations)."""
    team = make_team("BZ", "Burgerzaken", "bz@dronten.example")
    kcc = make_staff("kcc")
    cause = db.session.scalar(select(Cause).limit(1))
    long_ago = now_utc() - timedelta(days=40)
    for number in range(6):
        report = make_report(email=f"late{number}@example.nl", received_at=long_ago)
        workflow.assign(report, team=team, by=kcc)
    for number in range(6):
        report = make_report(email=f"done{number}@example.nl", received_at=long_ago)
        workflow.assign(report, team=team, by=kcc)
        workflow.record_first_contact(report, channel=Channel.PHONE, at=long_ago + timedelta(hours=2),
                                      summary="Gebeld.", by=kcc)
        workflow.close(report, outcome=Outcome.RESOLVED, causes=[cause], summary="Opgelost.", by=kcc)
    for number in range(6):
        make_report(email=f"new{number}@example.nl")
    db.session.commit()


def scheduler(app, smtp, **env):
    variables = {
        **os.environ,
        "MELDPUNT_ENV": "testing",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp.port),
        "MAIL_DEFAULT_SENDER": "meldpunt@dronten.example",
        "MELDPUNT_KCC_EMAIL": "kcc@dronten.example",
        **env,
    }
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "--once"], env=variables,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def expected_mails(db):
    """Every mail the run must deliver: what the outbox holds once the jobs have queued everything."""
    return Counter((m.recipient, m.subject) for m in db.session.scalars(select(OutboxMessage)))


def delivered(smtp):
    return Counter((m["To"], " ".join(m["Subject"].split())) for m in smtp.messages)


def test_two_schedulers_at_once_deliver_every_mail_exactly_once(app, smtp, workload, db):
    first, second = scheduler(app, smtp), scheduler(app, smtp)
    for process in (first, second):
        assert process.wait(timeout=120) == 0, process.stdout.read().decode()
    db.session.expire_all()
    expected = expected_mails(db)
    # 18 confirmations, 12 reports sent to the team, 6 closing mails; on a working day also the team's morning
    # digest (the late reports are due), whatever the day the suite runs.
    by_template = Counter(m.template for m in db.session.scalars(select(OutboxMessage)))
    digest = 1 if deadlines.is_working_day(local_today()) else 0
    assert (by_template["confirmation"], by_template["assigned"], by_template["closed"], by_template["digest"]) == (
        18, 12, 6, digest)
    # The 6 late reports x 2 passed terms, each escalated once, to the team and the KCC: one mail per address per
    # scheduler run (each of the two runs may have claimed some), every late report listed once per address.
    escalations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "escalation")).all()
    assert {m.recipient for m in escalations} == {"bz@dronten.example", "kcc@dronten.example"}
    assert len(escalations) <= 4
    late = db.session.scalars(select(Report.reference).where(Report.closing_escalated_at.isnot(None))).all()
    assert len(late) == 6
    for address in ("bz@dronten.example", "kcc@dronten.example"):
        listed = " ".join(m.body_text for m in escalations if m.recipient == address)
        assert all(listed.count(reference) == 2 for reference in late), "each late report once per passed term"
    assert delivered(smtp) == expected
    assert all(count == 1 for count in delivered(smtp).values())
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {OutboxStatus.SENT}


def test_a_scheduler_killed_mid_run_sends_the_rest_once_after_a_restart(app, smtp, workload, db):
    process = scheduler(app, smtp, MELDPUNT_OUTBOX_CLAIM_TIMEOUT_SECONDS="1")
    original = smtp.catcher.handle_DATA
    seen = []

    async def kill_at_the_fifth(server, session, envelope):
        seen.append(envelope.rcpt_tos)
        if len(seen) == 5:
            # The scheduler dies while the server is still answering: this message is not accepted.
            os.kill(process.pid, signal.SIGKILL)
            return "421 Closing connection"
        return await original(server, session, envelope)

    smtp.catcher.handle_DATA = kill_at_the_fifth
    try:
        assert process.wait(timeout=120) == -signal.SIGKILL
    finally:
        smtp.catcher.handle_DATA = original
    assert len(smtp.messages) == 4
    time.sleep(1.2)  # the dead sender's claim expires
    restarted = scheduler(app, smtp, MELDPUNT_OUTBOX_CLAIM_TIMEOUT_SECONDS="1")
    assert restarted.wait(timeout=120) == 0, restarted.stdout.read().decode()
    db.session.expire_all()
    assert delivered(smtp) == expected_mails(db)
    assert all(count == 1 for count in delivered(smtp).values())


