"""The SQL behind the service-report figures: few passes over a period's reports, each an aggregation.

`cells` counts every figure per period bucket, category, channel, team and working days in one pass (summed by
portal.figures.cells); the grades and outcomes take one more pass, the causes one. Each function takes a Scope (the
UTC range of receipt, optionally one team). No function loops over report rows in Python; the definitions of the
figures are in portal.figures.service_report.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Date,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from portal.database import UTCDateTime
from portal.extensions import db
from portal.reports.models import OPEN_STATUSES, ContactPreference, Report, ReportStatus, report_causes


@dataclass(frozen=True)
class Scope:
    """The reports a figure is about: received in [start, end) (UTC), optionally only one team's."""

    start: datetime
    end: datetime
    team_id: int | None = None

    def where(self):
        clauses = [Report.received_at >= self.start, Report.received_at < self.end]
        if self.team_id is not None:
            clauses.append(Report.team_id == self.team_id)
        return clauses


def bucket(bounds):
    """0 for the first period, 1 for the next...: a CASE over the UTC moments at which local periods begin.

    `bounds` holds each period's start and, last, the end of the last one. Comparisons on received_at alone keep
    the range condition of Scope on its index; the bucket numbers are literals, so the expression reads the same
    in the select list and in GROUP BY.
    """
    return case(*[(Report.received_at < upper, literal_column(str(number))) for number, upper in
                  enumerate(bounds[1:])])


def _count(condition):
    return func.count().filter(condition)


def count_columns(c, today: date, cut_moment, cut_day, letter_category_id):
    """The counting figures of portal.stats, as aggregate columns over the report columns `c`.

    `cut_moment` (UTC) and `cut_day` (local) are the end of the period, or the start of today for a period not yet
    over: the moment at which "open at the end of the period" is taken.
    """
    not_dismissed = c.status != ReportStatus.DISMISSED
    is_open = c.status.in_(OPEN_STATUSES)
    # Only a resident who asked for contact has a first-contact term (portal.reports.terms, "wants contact").
    wants_contact = c.contact_preference != ContactPreference.NONE
    no_contact_at_cut = and_(wants_contact, or_(c.first_contact_at.is_(None), c.first_contact_at >= cut_moment))
    open_at_cut = and_(
        not_dismissed, c.received_at < cut_moment, or_(c.closed_at.is_(None), c.closed_at >= cut_moment),
    )
    term_at_cut = case((no_contact_at_cut, c.first_contact_due), else_=c.closing_due)
    letters = c.category_id == letter_category_id if letter_category_id is not None else false()
    return [
        _count(not_dismissed).label("received"),
        _count(c.status == ReportStatus.DISMISSED).label("dismissed"),
        _count(c.status == ReportStatus.CLOSED).label("closed"),
        _count(and_(not_dismissed, wants_contact, c.first_contact_on_time.is_(True))).label("first_contact_on_time"),
        _count(and_(not_dismissed, wants_contact, or_(
            c.first_contact_on_time.is_(False),
            and_(is_open, c.first_contact_at.is_(None), c.first_contact_due < today),
        ))).label("first_contact_late"),
        _count(and_(not_dismissed, c.closed_on_time.is_(True))).label("closing_on_time"),
        _count(and_(not_dismissed, or_(
            c.closed_on_time.is_(False),
            and_(is_open, c.closing_due < today),
        ))).label("closing_late"),
        _count(open_at_cut).label("open_at_end"),
        _count(and_(open_at_cut, term_at_cut < cut_day)).label("overdue_at_end"),
        _count(and_(not_dismissed, c.extended_at.isnot(None))).label("extended"),
        _count(and_(not_dismissed, c.grade.isnot(None))).label("graded"),
        func.avg(c.grade).filter(not_dismissed).label("grade_mean"),
        func.sum(c.grade).filter(not_dismissed).label("grade_sum"),
        _count(and_(not_dismissed, c.grade >= 8)).label("grade_high"),
        _count(and_(not_dismissed, letters)).label("letters"),
        _count(and_(c.status == ReportStatus.CLOSED, c.closed_at_first_line.is_(True))).label("first_line_closed"),
    ]


# The report columns the counting figures read.
COUNTED = ("status", "contact_preference", "received_at", "closed_at", "first_contact_at", "first_contact_due",
           "closing_due", "first_contact_on_time", "closed_on_time", "extended_at", "grade", "category_id",
           "closed_at_first_line")


def cells(bounds, cut_moments, cut_days, scope: Scope, *, today, letter_category_id):
    """One pass over the reports of a run of periods: the counting figures per period bucket, category, channel,
    team, and working days to first contact and to closing (portal.figures.cells adds them up).

    A subquery gives each report its bucket and the moment (and day) at which its period's "open at the end" is
    taken, each a CASE over the period boundaries evaluated once per report. OFFSET 0 keeps both databases from
    merging the subquery into the aggregation, which would evaluate those CASEs again in every aggregate.
    """
    def per_period(values_, type_):
        return case(*[(Report.received_at < upper, literal(value, type_))
                      for upper, value in zip(bounds[1:], values_, strict=True)])

    table = Report.__table__.c
    reports = (
        select(bucket(bounds).label("grp"), per_period(cut_moments, UTCDateTime).label("cut_moment"),
               per_period(cut_days, Date).label("cut_day"), *[table[name] for name in COUNTED],
               table.channel, table.team_id, table.first_contact_working_days.label("fc_days"),
               table.closing_working_days.label("cl_days"))
        .where(*scope.where())
        .offset(0)
        .subquery("bucketed")
    )
    dimensions = [reports.c[name] for name in ("grp", "category_id", "channel", "team_id", "fc_days", "cl_days")]
    statement = (
        select(*dimensions, *count_columns(reports.c, today, reports.c.cut_moment, reports.c.cut_day,
                                           letter_category_id))
        .group_by(*dimensions)
    )
    return [dict(row._mapping) for row in db.session.execute(statement)]


def grades_and_outcomes(scope: Scope):
    """One pass for the grades and the outcomes: [(grade, grade channel, outcome, status, number of reports)]."""
    statement = (
        select(Report.grade, Report.grade_channel, Report.outcome, Report.status, func.count())
        .where(*scope.where(), or_(Report.grade.isnot(None), Report.outcome.isnot(None)))
        .group_by(Report.grade, Report.grade_channel, Report.outcome, Report.status)
    )
    return db.session.execute(statement).all()


def causes(scope: Scope):
    """{cause id: number of closed reports naming it}.

    The closed reports of the scope first; the causes are then read only between their lowest and highest id (a
    range on the causes' primary key): reports are numbered in the order they come in, so a month's causes lie
    together, and the join never reads the causes of every other year.
    """
    closed = select(Report.id).where(*scope.where(), Report.status == ReportStatus.CLOSED).cte("closed")
    statement = (
        select(report_causes.c.cause_id, func.count())
        .join_from(report_causes, closed, closed.c.id == report_causes.c.report_id)
        .where(report_causes.c.report_id.between(select(func.min(closed.c.id)).scalar_subquery(),
                                                 select(func.max(closed.c.id)).scalar_subquery()))
        .group_by(report_causes.c.cause_id)
    )
    return dict(db.session.execute(statement).all())
