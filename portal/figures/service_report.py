"""Service-report figures for a month or a quarter, optionally of one team, computed by the database.

One definition of each figure; every page, export, command and e-mail reads them from `period_figures`.

Which reports. A figure counts the reports *received* in the period, by the day of receipt in Europe/Amsterdam
time (a report at 23:30 on 31 March local time belongs to March, one at 00:30 on 1 April to April), as they stand
on `today`, the day the figures are made. Reports dismissed as not a report (spam, a duplicate) are left out of
every figure except `dismissed`. Per team means: the team the report is with now.

- received: reports received in the period; also per category, channel and team ("no team" while the KCC has not
  sent a report on).
- dismissed: reports received in the period that were dismissed as not a report.
- closed: received reports whose status is closed.
- first contact on time, late, measured, share: on time = first contact was recorded on or before the last day of
  its term (the flag portal.followup writes); late = it was recorded after that day, or the report is still open
  without a first contact while the last day of the term is before today. measured = on time + late, the reports
  whose term has been met or missed: reports still within their term, and reports closed without a recorded first
  contact, are not judged. share = on time / measured.
- closing on time, late, measured, share: the same for closing, against the closing term as extended; an open
  report whose closing term ended before today counts as late.
- working days to first contact and to closing: the median and the 90th percentile of the working days each step
  took (portal.followup), over the reports where the step happened; continuous percentiles, interpolated linearly
  between the two nearest reports, as PostgreSQL's percentile_cont.
- open at the end of the period: received reports not closed by the end of the period (for a period not yet over:
  by the start of today); overdue: those of them whose term to meet at that moment (first contact if none had
  been recorded by then, else closing) ended before that day.
- extended: received reports whose closing term was extended (once, Awb 9:11).
- outcomes: closed reports per outcome. causes: closed reports per cause; a report can have more than one cause.
- grades: graded = reports the resident gave a grade; response rate = graded / closed (the question goes out with
  the closing e-mail, so residents without an e-mail address count as not answering); mean grade; the number of
  each grade 1 to 10; share 8 or higher = graded 8, 9 or 10 / graded.
- letters unclear (a watch figure): reports in category `letter` / received.

Rounding: shares to 0.1 percentage point (three decimals as a fraction), working days and the mean grade to one
decimal. Pages, exports and the command show these rounded numbers, and targets are judged on them.

Trends: the same headline figures for the twelve periods before, from the same aggregations: one GROUP BY over a
period bucket (a CASE over the UTC boundaries of the local periods) per figure family, not one run per period.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import parse_pattern
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar.clock import local_today, now_utc, start_of_local_day
from portal.extensions import db
from portal.figures import queries as queries
from portal.figures.models import Target, TargetDirection
from portal.figures.periods import MONTH, QUARTER, Period  # noqa: F401  (part of this module's API)
from portal.labels import CHANNEL_LABELS, OUTCOME_LABELS
from portal.reference.models import Category, Cause
from portal.reports.models import Channel, Outcome, Report
from portal.staff.models import Team

COUNT, SHARE, DAYS, GRADE = "count", "share", "days", "grade"
LETTER_CATEGORY = "letter"
TREND_LENGTH = 12  # periods before the one shown


def _round(value, places):
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def share(part, whole):
    """part / whole as a fraction rounded to 0.1 percentage point; None when there is nothing to divide by."""
    return _round(part / whole, 3) if whole else None


NUMBER_PATTERNS = {SHARE: "#,##0.0%", COUNT: "#,##0"}  # days and grades: "#,##0.0"


@lru_cache(maxsize=16)
def _number_pattern(pattern):
    return parse_pattern(pattern)  # a page formats hundreds of numbers: parse each pattern once


def format_figure(value, kind):
    """A figure for reading, in the language being rendered: 74.5% (74,5% in Dutch), 8.0, 1,234; a dash for none."""
    if value is None:
        return "–"
    return _number_pattern(NUMBER_PATTERNS.get(kind, "#,##0.0")).apply(value, get_locale())


@dataclass(frozen=True)
class Spread:
    """Working days a step took: over how many reports, the median and the 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class Headline:
    """The headline figures of one period (or of one group in a breakdown); see the module's definitions."""

    period: Period
    received: int = 0
    dismissed: int = 0
    closed: int = 0
    first_contact_on_time: int = 0
    first_contact_late: int = 0
    closing_on_time: int = 0
    closing_late: int = 0
    open_at_end: int = 0
    overdue_at_end: int = 0
    extended: int = 0
    graded: int = 0
    grade_mean: float | None = None
    grade_high: int = 0
    letters: int = 0
    first_contact_days: Spread = field(default_factory=Spread)
    closing_days: Spread = field(default_factory=Spread)

    first_contact_measured = property(lambda self: self.first_contact_on_time + self.first_contact_late)
    closing_measured = property(lambda self: self.closing_on_time + self.closing_late)
    first_contact_on_time_share = property(lambda self: share(self.first_contact_on_time, self.first_contact_measured))
    closing_on_time_share = property(lambda self: share(self.closing_on_time, self.closing_measured))
    first_contact_days_median = property(lambda self: self.first_contact_days.median)
    first_contact_days_p90 = property(lambda self: self.first_contact_days.p90)
    closing_days_median = property(lambda self: self.closing_days.median)
    closing_days_p90 = property(lambda self: self.closing_days.p90)
    extended_share = property(lambda self: share(self.extended, self.received))
    response_rate = property(lambda self: share(self.graded, self.closed))
    grade_high_share = property(lambda self: share(self.grade_high, self.graded))
    letters_share = property(lambda self: share(self.letters, self.received))

    def value(self, code):
        return getattr(self, code)

    def display(self, code):
        return format_figure(self.value(code), FIGURE_KIND[code])

# The headline figures in the order pages and exports show them: code, kind of number, label.
FIGURES = [
    ("received", COUNT, _l("Reports received")),
    ("closed", COUNT, _l("Closed")),
    ("dismissed", COUNT, _l("Dismissed as not a report")),
    ("first_contact_on_time", COUNT, _l("First contact on time")),
    ("first_contact_measured", COUNT, _l("First contact measured (term met or missed)")),
    ("first_contact_on_time_share", SHARE, _l("Share of first contact on time")),
    ("closing_on_time", COUNT, _l("Closed on time")),
    ("closing_measured", COUNT, _l("Closing measured (term met or missed)")),
    ("closing_on_time_share", SHARE, _l("Share closed on time")),
    ("first_contact_days_median", DAYS, _l("Working days to first contact, median")),
    ("first_contact_days_p90", DAYS, _l("Working days to first contact, 90th percentile")),
    ("closing_days_median", DAYS, _l("Working days to closing, median")),
    ("closing_days_p90", DAYS, _l("Working days to closing, 90th percentile")),
    ("open_at_end", COUNT, _l("Open at the end of the period")),
    ("overdue_at_end", COUNT, _l("Of those, overdue")),
    ("extended", COUNT, _l("Closing term extended")),
    ("graded", COUNT, _l("Grades received")),
    ("response_rate", SHARE, _l("Response rate (grades per closed report)")),
    ("grade_mean", GRADE, _l("Mean grade")),
    ("grade_high_share", SHARE, _l("Share of grades 8 or higher")),
    ("letters", COUNT, _l("Reports about an unclear letter")),
    ("letters_share", SHARE, _l("Share of reports about an unclear letter")),
]
FIGURE_KIND = {code: kind for code, kind, _label in FIGURES}
FIGURE_LABEL = {code: label for code, _kind, label in FIGURES}


class LocalName:
    """A name kept in Dutch and English, shown in the language being rendered."""

    def __init__(self, nl, en):
        self.nl, self.en = nl, en

    def __str__(self):
        return self.en if str(get_locale() or "nl") == "en" else self.nl

    def __html__(self):
        from markupsafe import escape

        return str(escape(str(self)))


@dataclass(frozen=True)
class GroupRow:
    """One row of a breakdown: a category, team or channel, and its figures in the period."""

    code: str
    label: object
    figures: Headline


@dataclass(frozen=True)
class CountRow:
    code: str
    label: object
    count: int


@dataclass(frozen=True)
class TargetCheck:
    """A headline figure against its target: met, not met, or None while there is no figure yet."""

    code: str
    value: float | None
    target: float
    direction: TargetDirection
    is_watch: bool

    @property
    def met(self):
        if self.value is None:
            return None
        return self.value >= self.target if self.direction is TargetDirection.AT_LEAST else self.value <= self.target

    @property
    def kind(self):
        return FIGURE_KIND[self.code]

    @property
    def label(self):
        return FIGURE_LABEL[self.code]

    @property
    def display_value(self):
        return format_figure(self.value, self.kind)

    @property
    def level_text(self):
        level = format_figure(self.target, self.kind)
        if self.direction is TargetDirection.AT_LEAST:
            return _l("at least %(level)s", level=level)
        return _l("at most %(level)s", level=level)

    @property
    def result_text(self):
        """Plain words, never only a colour: met or not met (within or above the level for a watch figure)."""
        if self.met is None:
            return _l("no figure yet")
        if self.is_watch:
            return _l("within the watch level") if self.met else _l("above the watch level")
        return _l("met") if self.met else _l("not met")


@dataclass
class Figures:
    """Everything the pages, exports, command and e-mail show for one period (and one team, or all)."""

    period: Period
    team: Team | None
    today: date
    headline: Headline
    trend: list  # Headline per period, the twelve before and then this one
    targets: list  # TargetCheck per target, for the headline
    target_levels: dict  # code -> Target, for the trend charts
    grades: list  # CountRow per grade 1 to 10
    by_category: list  # GroupRow
    by_team: list
    by_channel: list
    outcomes: list  # CountRow
    causes: list

    @property
    def previous(self):
        return self.trend[-2]

    def target_for(self, code):
        return next((check for check in self.targets if check.code == code), None)

    def headline_items(self, codes=None):
        """(code, label, value as text) of the headline figures: all, or those named."""
        codes = codes or [code for code, _kind, _label in FIGURES]
        return [(code, FIGURE_LABEL[code], self.headline.display(code)) for code in codes]


def _headline(period, counts, spreads):
    counts = dict(counts or {})
    counts.pop("grp", None)
    counts["grade_mean"] = _round(counts.get("grade_mean"), 1)
    spread_of = {}
    for measure in ("first_contact", "closing"):
        n, median, p90 = (spreads or {}).get(measure, (0, None, None))
        spread_of[f"{measure}_days"] = Spread(n or 0, _round(median, 1), _round(p90, 1))
    return Headline(period=period, **counts, **spread_of)


def _letter_category_id():
    return db.session.scalar(select(Category.id).where(Category.code == LETTER_CATEGORY))


def period_figures(period: Period, team_id=None, today=None) -> Figures:
    """The figures of a period and the twelve before it, for every report or for one team's."""
    today = today or local_today()
    letter_id = _letter_category_id()
    trend = _trend(period, team_id, today, letter_id)
    headline = trend[-1]
    scope = queries.Scope(*period.utc_bounds(), team_id)
    by_category, by_channel, by_team = _breakdowns(period, scope, _count_options(period, today, letter_id))
    levels = targets()
    return Figures(
        period=period,
        team=db.session.get(Team, team_id) if team_id is not None else None,
        today=today,
        headline=headline,
        trend=trend,
        targets=check_targets(headline, levels),
        target_levels=levels,
        grades=_grade_rows(scope),
        by_category=by_category,
        by_team=by_team,
        by_channel=by_channel,
        outcomes=_outcome_rows(scope),
        causes=_cause_rows(scope),
    )


def _trend(period, team_id, today, letter_id):
    """Headline per period, the twelve before and then this one, from one aggregation over all thirteen."""
    periods = [period.previous(n) for n in range(TREND_LENGTH, -1, -1)]
    bounds = [p.utc_bounds()[0] for p in periods] + [period.utc_bounds()[1]]
    trend_scope = queries.Scope(bounds[0], bounds[-1], team_id)
    # Each period is judged as it stood at its end, or at the start of today while it is not over yet.
    cut_days = [min(p.end, today) for p in periods]
    counts = queries.counts_by_period(bounds, [start_of_local_day(day) for day in cut_days], cut_days, trend_scope,
                                      today=today, letter_category_id=letter_id)
    spreads = queries.spreads_by(queries.bucket(bounds), trend_scope)
    return [_headline(p, counts.get(number), spreads.get(number)) for number, p in enumerate(periods)]


def _count_options(period, today, letter_id):
    """What queries.counts_by needs besides the scope: the moment and day at which the period is judged."""
    cut = min(period.end, today)
    return {"today": today, "cut_moment": start_of_local_day(cut), "cut_day": cut, "letter_category_id": letter_id}


def _breakdowns(period, scope, options):
    """The period's figures per category, per channel and per team (only the scope's team when it has one)."""
    categories = db.session.scalars(select(Category).order_by(Category.position, Category.code)).all()
    category_groups = [(c.id, c.code, LocalName(c.name_nl, c.name_en)) for c in categories]
    by_category = _breakdown(period, scope, options, Report.category_id, category_groups)
    by_channel = _breakdown(period, scope, options, Report.channel, [(c, c.value, CHANNEL_LABELS[c]) for c in Channel])
    teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    team_groups = [(t.id, t.code, t.name) for t in teams if scope.team_id in (None, t.id)]
    # Only the teams that received reports in the period, and the reports not yet sent to a team.
    by_team = _breakdown(period, scope, options, Report.team_id,
                         [*team_groups, (None, "", _l("Not yet sent to a team"))], keep_empty=False)
    return by_category, by_channel, by_team


def _breakdown(period, scope, options, column, groups, *, keep_empty=True):
    """A GroupRow per (key, code, label) in `groups`, from one GROUP BY over `column`; empty groups on request."""
    counts = queries.counts_by(column, scope, **options)
    spreads = queries.spreads_by(column, scope)
    return [GroupRow(code, label, _headline(period, counts.get(key), spreads.get(key)))
            for key, code, label in groups if key in counts or keep_empty]


def _grade_rows(scope):
    grade_counts = queries.grade_distribution(scope)
    return [CountRow(str(grade), str(grade), grade_counts.get(grade, 0)) for grade in range(1, 11)]


def _outcome_rows(scope):
    outcome_counts = queries.outcomes(scope)
    return [CountRow(o.value, OUTCOME_LABELS[o], outcome_counts.get(o, 0)) for o in Outcome]


def _cause_rows(scope):
    """Every active cause, and an inactive one only while reports in the period still name it."""
    cause_counts = queries.causes(scope)
    causes = db.session.scalars(select(Cause).order_by(Cause.position, Cause.code)).all()
    return [CountRow(c.code, LocalName(c.name_nl, c.name_en), cause_counts.get(c.id, 0))
            for c in causes if c.active or cause_counts.get(c.id)]


# Targets


def targets():
    """{figure code: Target} as the admin set them."""
    return {target.code: target for target in db.session.scalars(select(Target).order_by(Target.id))}


def check_targets(headline: Headline, levels: dict):
    return [
        TargetCheck(code, headline.value(code), target.value, target.direction, target.is_watch)
        for code, target in levels.items()
        if code in FIGURE_KIND
    ]


def set_target(code, value):
    """Change a target's level (a fraction for shares, a grade for the mean grade); flushes, the caller commits."""
    target = db.session.scalar(select(Target).where(Target.code == code))
    if target is None:
        raise KeyError(code)
    target.value = float(value)
    target.updated_at = now_utc()
    db.session.flush()
    return target
