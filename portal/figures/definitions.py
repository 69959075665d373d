"""What each headline figure is: its code, its kind (count, share, days, grade), its label and how it is written.

portal.figures.service_report computes them; pages, exports, charts and targets read these definitions.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import parse_pattern
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.figures.periods import Period

COUNT, SHARE, DAYS, GRADE = "count", "share", "days", "grade"


def round_figure(value, places):
    if value is None:
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def share(part, whole):
    """part / whole as a fraction rounded to 0.1 percentage point; None when there is nothing to divide by."""
    return round_figure(part / whole, 3) if whole else None


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
    first_line_closed: int = 0
    # Callback requests registered in the period (portal.callbacks.figures).
    callbacks: int = 0
    callbacks_first_attempt_on_time: int = 0
    callbacks_contact_on_time: int = 0
    callbacks_outside_term: int = 0
    broken_promises: int = 0
    callbacks_first_attempt_days_median: float | None = None
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
    first_line_share = property(lambda self: share(self.first_line_closed, self.closed))
    callbacks_first_attempt_on_time_share = property(
        lambda self: share(self.callbacks_first_attempt_on_time, self.callbacks))
    callbacks_contact_on_time_share = property(lambda self: share(self.callbacks_contact_on_time, self.callbacks))
    callbacks_outside_term_share = property(lambda self: share(self.callbacks_outside_term, self.callbacks))
    # The same share against the final goal (15%), beside the goal on the way (30%): two targets, one figure.
    callbacks_outside_term_share_final = callbacks_outside_term_share

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
    ("first_line_closed", COUNT, _l("Resolved by the contact centre itself")),
    ("first_line_share", SHARE, _l("Share resolved at the first line (of the closed reports)")),
    ("callbacks", COUNT, _l("Callback requests")),
    ("callbacks_first_attempt_on_time_share", SHARE,
     _l("Share of callback requests with a first attempt within the term")),
    ("callbacks_contact_on_time_share", SHARE, _l("Share of callback requests with contact within the term")),
    ("callbacks_first_attempt_days_median", DAYS, _l("Working days to the first callback attempt, median")),
    ("callbacks_outside_term_share", SHARE, _l("Share of callback requests outside their term")),
    ("callbacks_outside_term_share_final", SHARE, _l("Share of callback requests outside their term (final goal)")),
    ("broken_promises", COUNT, _l("Broken callback promises that became reports")),
    ("letters", COUNT, _l("Reports about an unclear letter")),
    ("letters_share", SHARE, _l("Share of reports about an unclear letter")),
]
FIGURE_KIND = {code: kind for code, kind, _label in FIGURES}
FIGURE_LABEL = {code: label for code, _kind, label in FIGURES}


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
class GradeChannelRow:
    """The grades that came by one channel: how many, their mean and the share of 8 or higher."""

    code: str
    label: object
    graded: int
    grade_mean: float | None
    grade_high: int

    grade_high_share = property(lambda self: share(self.grade_high, self.graded))


@dataclass(frozen=True)
class Publication:
    """One published version of a period's figures: when, as they stood on which day, by whom and why."""

    version: int
    published_at: object
    figures_of: object
    published_by: str | None
    reason: str | None
    headline: Headline


@dataclass
class Figures:
    """Everything the pages, exports, command and e-mail show for one period (and one team, or all)."""

    period: Period
    team: object  # the Team, or None for every report
    today: date
    headline: Headline
    trend: list  # Headline per period, the twelve before and then this one
    targets: list  # TargetCheck per target, for the headline
    target_levels: dict  # code -> Level, for the trend charts
    grades: list  # CountRow per grade 1 to 10
    by_category: list  # GroupRow
    by_team: list
    by_channel: list
    outcomes: list  # CountRow
    causes: list
    grades_by_channel: list = field(default_factory=list)  # GradeChannelRow
    category_checks: list = field(default_factory=list)  # (category label, TargetCheck) per category target
    category_levels: dict = field(default_factory=dict)  # category code -> {figure code: Level}
    publications: list = field(default_factory=list)  # Publication per version, the first first; empty: live
    computed_at: object = None  # when provisional figures (a period not yet published) were worked out; None: now

    @property
    def previous(self):
        return self.trend[-2]

    @property
    def published(self):
        """The version shown (the latest), or None while the figures are worked out live."""
        return self.publications[-1] if self.publications else None

    def target_for(self, code):
        return next((check for check in self.targets if check.code == code), None)

    def headline_items(self, codes=None):
        """(code, label, value as text) of the headline figures: all, or those named."""
        codes = codes or [code for code, _kind, _label in FIGURES]
        return [(code, FIGURE_LABEL[code], self.headline.display(code)) for code in codes]
