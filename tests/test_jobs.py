"""The scheduler's jobs: the outbox goes out from the scheduler, and a failing job never stops it."""
from sqlalchemy import select

from portal.models import OutboxMessage, OutboxStatus
from portal.operations import jobs


def test_the_scheduler_has_the_outbox_job_every_minute(app):
    scheduler = jobs.build_scheduler(app)
    [job] = [job for job in scheduler.get_jobs() if job.id == "send-outbox"]
    assert job.trigger.interval.total_seconds() == 60
    assert job.max_instances == 1


def test_the_outbox_job_delivers_pending_mail(app, make_report, smtp, db):
    make_report(email="anna@example.nl")
    job = next(j for j in jobs.job_definitions() if j.name == "send-outbox")
    jobs.run_in_app_context(app, job)()
    assert [m["To"] for m in smtp.messages] == ["anna@example.nl"]
    assert db.session.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT


def test_a_failing_job_is_logged_and_does_not_raise(app, caplog):
    def broken():
        raise RuntimeError("database went away")

    jobs.run_in_app_context(app, jobs.Job("broken", broken, None))()
    assert "job broken failed" in caplog.text
