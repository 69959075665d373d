"""Publishing a period's figures: once a month (or quarter) is over and its correction window has passed, its
figures are worked out one last time and stored; pages, exports, the command and the monthly mail read them from
there, so a council report written in January still matches the page in June (Awb 9:12a: the register of
complaints is published; published figures do not shift). A correction is a new version with a reason, stored
beside the first. The current period and periods within their window are worked out live.
"""
from datetime import timedelta

from sqlalchemy import func, select

from portal.calendar import deadlines
from portal.calendar.clock import local_date, local_today, now_utc, start_of_local_day
from portal.extensions import db
from portal.figures import service_report, snapshots
from portal.figures.models import FigureSettings, PublishedFigures
from portal.figures.periods import MONTH, QUARTER, Period
from portal.reports.models import Report
from portal.staff.models import Team

DEFAULT_CORRECTION_DAYS = 5
MAX_CORRECTION_DAYS = 30


def correction_working_days():
    """The working days after a period's end in which late registrations and corrections still count."""
    settings = db.session.get(FigureSettings, 1)
    return settings.correction_working_days if settings else DEFAULT_CORRECTION_DAYS


def set_correction_working_days(days):
    settings = db.session.get(FigureSettings, 1)
    if settings is None:
        settings = FigureSettings(id=1)
        db.session.add(settings)
    settings.correction_working_days = days
    db.session.flush()


def window_end(period: Period, days=None):
    """The last day on which the period's figures may still change: `days` working days after its last day."""
    days = correction_working_days() if days is None else days
    return deadlines.due_date(start_of_local_day(period.end - timedelta(days=1)), days)


def is_due(period: Period, today=None, days=None):
    """Whether the period is over and past its correction window, so that it is (or should be) published."""
    today = today or local_today()
    return period.is_over(today) and window_end(period, days) < today


def is_published(period: Period):
    return db.session.scalar(select(func.count()).select_from(PublishedFigures).where(
        PublishedFigures.period == period.key, PublishedFigures.team_id.is_(None))) > 0


def publish(period: Period, *, today=None, by=None, reason=None):
    """Work out and store the period's figures (every report, and each team's) as the next version.

    The first version is the publication; a later one is a correction and needs a reason. Flushes; the caller
    commits. Two publishers at once: the unique index on (period, version, team) lets only one of them in.
    """
    today = today or local_today()
    version = (db.session.scalar(select(func.max(PublishedFigures.version)).where(
        PublishedFigures.period == period.key)) or 0) + 1
    if version > 1 and not (reason or "").strip():
        raise ValueError("a correction needs a reason")
    moment = now_utc()
    team_ids = [None, *db.session.scalars(select(Team.id).order_by(Team.id))]
    for team_id in team_ids:
        figures = service_report.period_figures(period, team_id, today, live=True)
        db.session.add(PublishedFigures(
            period=period.key, version=version, team_id=team_id, published_at=moment, figures_of=today,
            published_by_id=by.id if by else None, published_by=by.name if by else None,
            reason=reason.strip() if version > 1 else None, data=snapshots.to_data(figures),
        ))
    db.session.flush()
    return version


def first_period(kind):
    """The period of the first report received, or None while there are none."""
    first = db.session.scalar(select(func.min(Report.received_at)))
    return Period.containing(kind, local_date(first)) if first else None


def due_unpublished(kind, today=None):
    """The periods of this kind that are due but not yet published, the oldest first."""
    today = today or local_today()
    period = first_period(kind)
    if period is None:
        return []
    published = set(db.session.scalars(select(PublishedFigures.period).where(PublishedFigures.team_id.is_(None))))
    days = correction_working_days()
    result = []
    while is_due(period, today, days):
        if period.key not in published:
            result.append(period)
        period = period.next()
    return result


def due_periods(today=None):
    """Every month and quarter due for publication, in the order to publish them (a quarter after its months)."""
    months = due_unpublished(MONTH, today)
    quarters = due_unpublished(QUARTER, today)
    return sorted(months + quarters, key=lambda p: (p.end, p.kind == QUARTER))
