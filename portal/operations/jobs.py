"""Scheduled work: a declarative table of jobs that `flask scheduler` runs, each safe to run twice.

Safety comes from the database, not from the scheduler: a job for a period (a day, a month) first inserts
its JobRun row, in the same transaction as its work, so a second scheduler or a rerun after a crash finds
the row and does nothing; per-report work claims its report with a conditional UPDATE.
"""
import logging
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.calendar import deadlines
from portal.calendar.clock import LOCAL_ZONE, local_today, start_of_local_day
from portal.callbacks import late as late_callbacks
from portal.callbacks import retention as callback_retention
from portal.extensions import db
from portal.mail import outbox, review
from portal.mail.outbox import external_url, queue_mail
from portal.operations.models import JobRun
from portal.reports import retention
from portal.reports.escalations import escalate_passed_terms
from portal.reports.models import OPEN_STATUSES, Report
from portal.staff.models import Role, Team, User

log = logging.getLogger("meldpunt.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    function: object
    trigger: object


def claim_period(job, period):
    """True once per job and period: the JobRun row is inserted in the caller's transaction."""
    try:
        with db.session.begin_nested():
            db.session.add(JobRun(job=job, period=period))
    except IntegrityError:
        return False
    return True


def send_outbox():
    result = outbox.send_pending()
    if result.sent or result.failed:
        log.info("outbox: sent %s, failed %s, not tried %s", result.sent, result.failed, result.not_tried)


def _next_working_day(day):
    return deadlines.due_date(start_of_local_day(day), 1)


def send_team_digests(today=None):
    """Each working morning: per team, the open reports whose next term ends today or on the next working day,
    and the callback requests not yet called whose term ends then (or has passed)."""
    today = today or local_today()
    if not deadlines.is_working_day(today) or not claim_period("team-digest", today.isoformat()):
        db.session.rollback()
        return 0
    tomorrow = _next_working_day(today)
    sent = 0
    for team in db.session.scalars(select(Team).where(Team.active, Team.email.isnot(None))):
        reports = db.session.scalars(
            select(Report)
            .where(Report.team_id == team.id, Report.status.in_(OPEN_STATUSES), Report.next_due <= tomorrow)
            .order_by(Report.next_due, Report.id)
        ).all()
        # The team's callback requests still waiting for a call go into the same mail.
        callbacks = late_callbacks.due_soon(team, tomorrow)
        if reports or callbacks:
            queue_mail(team.email, "digest", "nl", team=team, reports=reports, today=today, tomorrow=tomorrow,
                       queue_url=external_url("admin.team_queue"), callbacks=callbacks,
                       callbacks_url=external_url("admin.callbacks", view="team"))
            sent += 1
    db.session.commit()
    return sent


def publish_figures(today=None):
    """Each morning: publish every month and quarter past its correction window, each in its own transaction;
    the newest month published goes to every active manager by mail, with the figures as published. Returns
    the periods published."""
    from portal.figures import publication

    today = today or local_today()
    due = publication.due_periods(today)
    published = []
    for period in due:
        if not claim_period("publish-figures", period.key):
            db.session.rollback()
            continue
        publication.publish(period, today=today)
        newest_month = period == max((p for p in due if p.kind == "month"), default=None)
        if newest_month:
            _mail_monthly_figures(period)
        db.session.commit()
        published.append(period)
    return published


def _mail_monthly_figures(month):
    from portal.figures import service_report

    figures = service_report.period_figures(month)
    managers = db.session.scalars(select(User).where(User.active, User.role == Role.MANAGER)).all()
    for manager in managers:
        queue_mail(manager.email, "monthly", "nl", figures=figures, month=month.start,
                   stats_url=external_url("admin.stats_month", month=month.key))


def refresh_figures(today=None):
    """Every five minutes: the provisional figures of the periods not yet published (portal.figures.provisional)."""
    from portal.figures import provisional

    return provisional.refresh(today)


def notify_failed_mail(today=None):
    """Once a day while failed e-mails exist: tell the KCC, so that a refused mail never fails silently."""
    today = today or local_today()
    count = review.failed_count()
    if not count or not claim_period("failed-mail-notice", today.isoformat()):
        db.session.rollback()
        return 0
    queue_mail(current_app.config["KCC_EMAIL"], "failed_mail", "nl", count=count,
               outbox_url=external_url("admin.outbox", status="failed"))
    db.session.commit()
    return count


def apply_retention(today=None):
    """Each night: personal data of reports and callback requests past their retention term, and staff actions
    past theirs; returns how many reports and callback requests were anonymised."""
    today = today or local_today()
    if not claim_period("retention", today.isoformat()):
        db.session.rollback()
        return 0
    count = retention.anonymise_expired()
    count += callback_retention.anonymise_expired()
    retention.remove_expired_staff_actions()
    db.session.commit()
    return count


def job_definitions():
    return [
        Job("send-outbox", send_outbox, IntervalTrigger(minutes=1, timezone=LOCAL_ZONE)),
        Job("escalate-passed-terms", escalate_passed_terms, IntervalTrigger(minutes=10, timezone=LOCAL_ZONE)),
        Job("team-digest", send_team_digests, CronTrigger(day_of_week="mon-fri", hour=7, minute=30,
                                                           timezone=LOCAL_ZONE)),
        Job("publish-figures", publish_figures, CronTrigger(hour=6, minute=30, timezone=LOCAL_ZONE)),
        Job("refresh-figures", refresh_figures, IntervalTrigger(minutes=5, timezone=LOCAL_ZONE)),
        Job("failed-mail-notice", notify_failed_mail, CronTrigger(hour=8, minute=0, timezone=LOCAL_ZONE)),
        Job("retention", apply_retention, CronTrigger(hour=2, minute=30, timezone=LOCAL_ZONE)),
    ]


def run_in_app_context(app, job):
    """Each run gets its own app context and session; a failure is logged and retried at the next run."""

    def run():
        with app.app_context():
            try:
                job.function()
            except Exception:
                log.exception("job %s failed; it runs again at its next time", job.name)
                db.session.rollback()

    return run


def run_all_once(app):
    """Every job once, now (`flask scheduler --once`), the outbox last so that it sends what the others queued."""
    for job in sorted(job_definitions(), key=lambda job: job.name == "send-outbox"):
        run_in_app_context(app, job)()


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
