"""The SQL behind portal.stats: one aggregation per figure family, grouped by period bucket or by breakdown.

Each function takes a grouping expression (the period bucket for trends, or a column such as the team for a
breakdown) and a Scope (the UTC range of receipt, optionally one team), and returns plain dicts keyed by group.
No function loops over report rows in Python; the definitions of the figures are in portal.stats.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Date,
    Float,
    Integer,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)

from portal.database import UTCDateTime
from portal.extensions import db
from portal.reports.models import OPEN_STATUSES, ContactPreference, Report, ReportStatus, report_causes

NOT_DISMISSED = Report.status != ReportStatus.DISMISSED
# The working days each step took, written by portal.followup when the step happened.
MEASURES = (("first_contact", Report.first_contact_working_days), ("closing", Report.closing_working_days))
# Each percentile as a fraction (numerator, denominator): exact integer arithmetic in SQL, no float noise.
PERCENTILES = (("median", 1, 2), ("p90", 9, 10))


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
        _count(and_(not_dismissed, c.grade >= 8)).label("grade_high"),
        _count(and_(not_dismissed, letters)).label("letters"),
        _count(and_(c.status == ReportStatus.CLOSED, c.closed_at_first_line.is_(True))).label("first_line_closed"),
    ]


# The report columns the counting figures read.
COUNTED = ("status", "contact_preference", "received_at", "closed_at", "first_contact_at", "first_contact_due",
           "closing_due", "first_contact_on_time", "closed_on_time", "extended_at", "grade", "category_id",
           "closed_at_first_line")


def counts_by(group, scope: Scope, *, today, cut_moment, cut_day, letter_category_id):
    """{group: {figure: number}} for the counting figures of one period, grouped by a column (a breakdown)."""
    grp = group.label("grp")
    columns = count_columns(Report.__table__.c, today, literal(cut_moment, UTCDateTime), literal(cut_day, Date),
                            letter_category_id)
    statement = select(grp, *columns).where(*scope.where()).group_by(grp)
    return {row.grp: dict(row._mapping) for row in db.session.execute(statement)}


def counts_by_period(bounds, cut_moments, cut_days, scope: Scope, *, today, letter_category_id):
    """{bucket: {figure: number}} for a run of periods in one pass over their reports.

    A subquery gives each report its bucket and the moment (and day) at which its period's "open at the end" is
    taken, each a CASE over the period boundaries evaluated once per report. OFFSET 0 keeps both databases from
    merging the subquery into the aggregation, which would evaluate those CASEs again in every aggregate.
    """
    def per_period(values_, type_):
        return case(*[(Report.received_at < upper, literal(value, type_))
                      for upper, value in zip(bounds[1:], values_, strict=True)])

    reports = (
        select(bucket(bounds).label("grp"), per_period(cut_moments, UTCDateTime).label("cut_moment"),
               per_period(cut_days, Date).label("cut_day"), *[Report.__table__.c[name] for name in COUNTED])
        .where(*scope.where())
        .offset(0)
        .subquery("bucketed")
    )
    statement = (
        select(reports.c.grp, *count_columns(reports.c, today, reports.c.cut_moment, reports.c.cut_day,
                                             letter_category_id))
        .group_by(reports.c.grp)
    )
    return {row.grp: dict(row._mapping) for row in db.session.execute(statement)}


def spreads_by(group, scope: Scope):
    """{group: {measure: (count, median, p90)}} of the working days to first contact and to closing."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _spreads_postgresql(group, scope)
    return _spreads_histogram(group, scope)


def _spreads_postgresql(group, scope):
    grp = group.label("grp")
    columns = []
    for name, column_ in MEASURES:
        columns.append(func.count(column_).label(f"{name}_n"))
        for label, numerator, denominator in PERCENTILES:
            columns.append(
                func.percentile_cont(numerator / denominator).within_group(column_).label(f"{name}_{label}"))
    statement = select(grp, *columns).where(*scope.where(), NOT_DISMISSED).group_by(grp)
    result = {}
    for row in db.session.execute(statement):
        values_ = row._mapping
        result[row.grp] = {
            name: (values_[f"{name}_n"], values_[f"{name}_median"], values_[f"{name}_p90"]) for name, _ in MEASURES
        }
    return result


def _lower(n, numerator, denominator):
    """floor((n - 1) * p) for p = numerator / denominator: an integer division, the same on every database
    (a CAST to INTEGER truncates on SQLite but rounds on PostgreSQL)."""
    return (n - 1) * numerator // denominator


def _spreads_histogram(group, scope):
    """The same percentiles where there is no percentile_cont (SQLite), by window functions and interpolation.

    percentile_cont(p) over n values is the value at position h = (n - 1) * p: between the values ranked
    floor(h) + 1 and floor(h) + 2, weighted by h - floor(h). Working days are whole numbers, so the reports are
    first counted per group and number of days (a histogram of a few rows per period); a running count over it
    (SUM ... OVER, ordered by days) gives each value's highest rank, so the value at rank k is the smallest whose
    running count reaches k. Exact, and no sort of every report.
    """
    legs = [
        select(literal_column(f"'{name}'").label("measure"), group.label("grp"), column_.label("x"),
               func.count().label("c"))
        .where(*scope.where(), NOT_DISMISSED, column_.isnot(None))
        .group_by(group, column_)
        for name, column_ in MEASURES
    ]
    histogram = union_all(*legs).subquery("histogram")
    partition = (histogram.c.measure, histogram.c.grp)
    running = select(
        histogram.c.measure, histogram.c.grp, histogram.c.x,
        # Whole numbers (PostgreSQL's SUM gives numeric), so that _lower() divides as integers.
        cast(func.sum(histogram.c.c).over(partition_by=partition, order_by=histogram.c.x), Integer).label("upto"),
        cast(func.sum(histogram.c.c).over(partition_by=partition), Integer).label("n"),
    ).subquery("running")
    ends = []
    for label, numerator, denominator in PERCENTILES:
        lower = _lower(running.c.n, numerator, denominator)
        ends.append(func.min(case((running.c.upto >= lower + 1, running.c.x))).label(f"{label}_lo"))
        ends.append(func.min(case((running.c.upto >= lower + 2, running.c.x))).label(f"{label}_hi"))
    per_group = select(running.c.measure, running.c.grp, func.max(running.c.n).label("n"), *ends).group_by(
        running.c.measure, running.c.grp).subquery("ends")
    interpolated = []
    for label, numerator, denominator in PERCENTILES:
        low, high = per_group.c[f"{label}_lo"], per_group.c[f"{label}_hi"]
        scaled = (per_group.c.n - 1) * numerator
        weight = cast(scaled - _lower(per_group.c.n, numerator, denominator) * denominator, Float) / denominator
        interpolated.append((low + weight * (func.coalesce(high, low) - low)).label(label))
    statement = select(per_group.c.measure, per_group.c.grp, per_group.c.n, *interpolated)
    result = {}
    for row in db.session.execute(statement):
        result.setdefault(row.grp, {})[row.measure] = (row.n, row.median, row.p90)
    return result


def grade_distribution(scope: Scope):
    """{grade: number of reports} for the grades 1 to 10 given in scope."""
    statement = (
        select(Report.grade, func.count())
        .where(*scope.where(), NOT_DISMISSED, Report.grade.isnot(None))
        .group_by(Report.grade)
    )
    return dict(db.session.execute(statement).all())


def grades_by_channel(scope: Scope):
    """{channel the grade came by: (grades, mean grade, grades of 8 or higher)}: the link in the closing e-mail,
    and the grades staff noted for residents who answered by phone, at the desk or by e-mail."""
    statement = (
        select(Report.grade_channel, func.count(), func.avg(Report.grade), func.count().filter(Report.grade >= 8))
        .where(*scope.where(), NOT_DISMISSED, Report.grade.isnot(None))
        .group_by(Report.grade_channel)
    )
    return {channel: (count, mean, high) for channel, count, mean, high in db.session.execute(statement)}


def outcomes(scope: Scope):
    """{Outcome: number of closed reports}."""
    statement = (
        select(Report.outcome, func.count())
        .where(*scope.where(), Report.status == ReportStatus.CLOSED, Report.outcome.isnot(None))
        .group_by(Report.outcome)
    )
    return dict(db.session.execute(statement).all())


def causes(scope: Scope):
    """{cause id: number of closed reports naming it}."""
    statement = (
        select(report_causes.c.cause_id, func.count())
        .join_from(report_causes, Report, Report.id == report_causes.c.report_id)
        .where(*scope.where(), Report.status == ReportStatus.CLOSED)
        .group_by(report_causes.c.cause_id)
    )
    return dict(db.session.execute(statement).all())
