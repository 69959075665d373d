"""Provisional figures: the periods not yet published (this month and quarter, and the last ones while their
correction window runs) worked out by the scheduler every few minutes, for every report and each team, so that
their pages, exports and the overview read them instead of counting a month of reports on every visit. Published
figures replace them; a page whose provisional figures are missing or stale counts the period itself.
"""
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.calendar.clock import local_today, now_utc
from portal.extensions import db
from portal.figures import service_report, snapshots
from portal.figures.models import ProvisionalFigures, PublishedFigures
from portal.figures.periods import MONTH, QUARTER, Period
from portal.staff.models import Team


def periods_to_refresh(today=None):
    """The current month and quarter, and the month and quarter before while they are not published."""
    today = today or local_today()
    published = set(db.session.scalars(select(PublishedFigures.period).where(PublishedFigures.team_id.is_(None))))
    periods = []
    for kind in (MONTH, QUARTER):
        current = Period.containing(kind, today)
        periods += [p for p in (current.previous(), current) if p.key not in published]
    return periods


def refresh(today=None):
    """Work out and store the provisional figures of periods_to_refresh(), each scope in its own transaction;
    returns how many were stored. Another scheduler storing the same scope at once wins; this one skips it."""
    today = today or local_today()
    stored = 0
    team_ids = [None, *db.session.scalars(select(Team.id).order_by(Team.id))]
    for period in periods_to_refresh(today):
        for team_id in team_ids:
            figures = service_report.period_figures(period, team_id, today, live=True)
            try:
                _replace(period, team_id, today, snapshots.to_data(figures))
                db.session.commit()
                stored += 1
            except IntegrityError:
                db.session.rollback()
    _forget_published()
    return stored


def _replace(period, team_id, today, data):
    scope = ProvisionalFigures.team_id.is_(None) if team_id is None else ProvisionalFigures.team_id == team_id
    db.session.execute(delete(ProvisionalFigures).where(ProvisionalFigures.period == period.key, scope))
    db.session.add(ProvisionalFigures(period=period.key, team_id=team_id, computed_at=now_utc(), figures_of=today,
                                      data=data))
    db.session.flush()


def _forget_published():
    """Provisional figures of a period that has since been published are of no use any more."""
    published = select(PublishedFigures.period).where(PublishedFigures.team_id.is_(None))
    db.session.execute(delete(ProvisionalFigures).where(ProvisionalFigures.period.in_(published)))
    db.session.commit()


