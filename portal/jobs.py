"""Scheduled work: a declarative table of jobs that `flask scheduler` runs, each safe to run twice."""
import logging
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from portal import outbox
from portal.clock import LOCAL_ZONE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    function: object
    trigger: object


def send_outbox():
    result = outbox.send_pending()
    if result.sent or result.failed:
        log.info("outbox: sent %s, failed %s, not tried %s", result.sent, result.failed, result.not_tried)


def job_definitions():
    return [
        # Claims rows one by one with a conditional UPDATE, so an overlapping run sends nothing twice.
        Job("send-outbox", send_outbox, IntervalTrigger(minutes=1, timezone=LOCAL_ZONE)),
    ]


def run_in_app_context(app, job):
    """Each run gets its own app context and session; a failure is logged and retried at the next run."""

    def run():
        with app.app_context():
            try:
                job.function()
            except Exception:
                log.exception("job %s failed; it runs again at its next time", job.name)
                from portal.extensions import db

                db.session.rollback()

    return run


def build_scheduler(app):
    scheduler = BlockingScheduler(timezone=LOCAL_ZONE)
    for job in job_definitions():
        scheduler.add_job(
            run_in_app_context(app, job),
            job.trigger,
            id=job.name,
            name=job.name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=300,
        )
    return scheduler
