"""Months and quarters in Amsterdam time: the periods the service-report figures are counted over."""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from portal.calendar.clock import local_today, start_of_local_day

MIN_YEAR, MAX_YEAR = 2000, 2999
MONTH, QUARTER = "month", "quarter"
_MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")
_QUARTER_TEXT = re.compile(r"([0-9]{4})-[Qq]([1-4])")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month or quarter in Amsterdam time; `index` counts months (or quarters) since the year 0."""

    kind: str
    index: int

    @classmethod
    def month(cls, year, month):
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
            raise ValueError(f"no such month: {year}-{month}")
        return cls(MONTH, year * 12 + month - 1)

    @classmethod
    def quarter(cls, year, quarter):
        if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= quarter <= 4):
            raise ValueError(f"no such quarter: {year}-Q{quarter}")
        return cls(QUARTER, year * 4 + quarter - 1)

    @classmethod
    def parse(cls, text):
        """A month "2026-03" or a quarter "2026-Q1"; ValueError for anything else."""
        text = (text or "").strip()
        if found := _MONTH_TEXT.fullmatch(text):
            return cls.month(int(found[1]), int(found[2]))
        if found := _QUARTER_TEXT.fullmatch(text):
            return cls.quarter(int(found[1]), int(found[2]))
        raise ValueError(f"not a month (YYYY-MM) or a quarter (YYYY-Qn): {text!r}")

    @classmethod
    def containing(cls, kind, day):
        return cls.month(day.year, day.month) if kind == MONTH else cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_complete(cls, kind, today=None):
        """The last month (or quarter) that has ended: on 1 April that is March (or the first quarter)."""
        return cls.containing(kind, today or local_today()).previous()

    @property
    def per_year(self):
        return 12 if self.kind == MONTH else 4

    @property
    def year(self):
        return self.index // self.per_year

    @property
    def number(self):
        """The month 1 to 12, or the quarter 1 to 4."""
        return self.index % self.per_year + 1

    @property
    def key(self):
        return f"{self.year}-{self.number:02d}" if self.kind == MONTH else f"{self.year}-Q{self.number}"

    @property
    def start(self):
        first_month = self.number if self.kind == MONTH else (self.number - 1) * 3 + 1
        return date(self.year, first_month, 1)

    @property
    def end(self):
        """The first day after the period (exclusive end)."""
        return Period(self.kind, self.index + 1).start

    @property
    def label(self):
        if self.kind == MONTH:
            return format_date(self.start, "LLLL y")
        return _l("Q%(quarter)s %(year)s", quarter=self.number, year=self.year)

    @property
    def short_label(self):
        if self.kind == MONTH:
            return format_date(self.start, "LLL yy")
        return _l("Q%(quarter)s %(year)s", quarter=self.number, year=self.year)

    def utc_bounds(self):
        """The UTC moments at which the period begins and ends (the end is the first moment after it)."""
        return start_of_local_day(self.start), start_of_local_day(self.end)

    def previous(self, n=1):
        return Period(self.kind, self.index - n)

    def next(self, n=1):
        return Period(self.kind, self.index + n)

    def quarter_of(self):
        return Period.containing(QUARTER, self.start)

    def months(self):
        return [Period.containing(MONTH, self.start).next(n) for n in range(12 // self.per_year)]

    def is_over(self, today=None):
        return self.end <= (today or local_today())

    def __str__(self):
        return self.key
