"""Working days and terms: the Algemene termijnenwet plus the municipality's closing days."""
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from portal.calendar.clock import local_date
from portal.kept import KeptCopy

# The days of Algemene termijnenwet art. 3, first paragraph (its general holidays) and second paragraph
# (Goede Vrijdag), by the names holidays.NL gives them in Dutch, the language of its source strings.
# Eerste Paas- and Pinksterdag are missing on purpose: the law does not name them because they are Sundays.
#
# Where holidays 0.109 and the law differ, and why we filter by name rather than take the package whole:
# - The package also lists Eerste paasdag and Eerste pinksterdag. They are Sundays, so harmless, but
#   a name we do not know is never counted: anything the package adds beyond the Termijnenwet (a
#   one-off celebration, a renamed day) must be reviewed here, not silently shorten every term.
# - 5 May is a Termijnenwet day every year, but the package puts it in `public` only in lustrum years
#   (the custom of many CAOs) and in `optional` every year from 1982; hence both categories.
# - Goede Vrijdag is in `public` in 0.109 (DESIGN.md says `optional`, as in older releases); asking
#   for both categories is right either way.
# - Days equated by royal decree (art. 3, third paragraph) are not in the package; when one is
#   issued, configure it as a closing day.
# - Before 1966 the package knows no holidays (the Atw came into force in 1965); no term reaches back
#   that far, so we do not complete it.
_TERMIJNENWET_NAMES = frozenset(
    name.casefold()
    for name in (
        "Nieuwjaarsdag",
        "Goede vrijdag",
        "Tweede paasdag",
        "Koningsdag",
        "Koninginnedag",
        "Bevrijdingsdag",
        "Hemelvaartsdag",
        "Tweede pinksterdag",
        "Eerste kerstdag",
        "Tweede kerstdag",
    )
)
_ALWAYS_PRESENT = frozenset(
    name.casefold()
    for name in (
        "Nieuwjaarsdag",
        "Goede vrijdag",
        "Tweede paasdag",
        "Hemelvaartsdag",
        "Tweede pinksterdag",
        "Eerste kerstdag",
        "Tweede kerstdag",
    )
)
_MONARCH_NAMES = frozenset({"koningsdag", "koninginnedag"})
_FIFTH_OF_MAY_FROM = 1982

# A term of n working days spans about 1.4 n calendar days; the margin covers holidays and a few
# closing days, and we grow the window when a municipality closes more often than that.
_SPAN_MARGIN_DAYS = 14
_MAX_WINDOW_GROWTHS = 8


@lru_cache(maxsize=512)  # bounded, but far more years than any term reaches
def general_holidays(year: int) -> frozenset[date]:
    """The days of the Algemene termijnenwet art. 3, first and second paragraphs, in this year."""
    if year < holidays.NL.start_year:
        return frozenset()
    # language is explicit because the package otherwise follows the process locale, and our names are Dutch.
    package_days = holidays.NL(years=year, categories=("public", "optional"), language="nl")
    days = set()
    found = set()
    for day in package_days:
        # Two holidays on one day come as one joined name; get_list gives them apart.
        for name in package_days.get_list(day):
            if name.casefold() in _TERMIJNENWET_NAMES:
                days.add(day)
                found.add(name.casefold())
    # A package update that renames or drops a day would make terms silently too short: refuse instead.
    missing = _ALWAYS_PRESENT - found
    if not found & _MONARCH_NAMES:
        missing |= {"koningsdag"}
    if year >= _FIFTH_OF_MAY_FROM and "bevrijdingsdag" not in found:
        missing |= {"bevrijdingsdag"}
    if missing:
        raise RuntimeError(
            f"The holidays package gives no {', '.join(sorted(missing))} for {year}; "
            "check portal/deadlines.py against the Algemene termijnenwet."
        )
    return frozenset(days)


def _is_general_holiday(day: date) -> bool:
    return day in general_holidays(day.year)


def _is_working_day(day: date, closing_days: frozenset[date]) -> bool:
    """The one rule, shared by the module functions and WorkingCalendar."""
    return day.weekday() < 5 and not _is_general_holiday(day) and day not in closing_days


def _closing_days(first: date, last: date | None, given: Iterable[date] | None) -> frozenset[date]:
    """The closing days to apply: those given, else the configured ones in [first, last] (open when None)."""
    if given is not None:
        return frozenset(given)
    from flask import has_app_context

    if not has_app_context():
        return frozenset()
    # Imported here so that models may one day use this module without an import cycle.
    from portal.calendar.models import ClosingDay
    from portal.extensions import db

    session = db.session()
    if any(isinstance(thing, ClosingDay) for thing in (*session.new, *session.dirty, *session.deleted)):
        session.flush()  # a change not written yet counts too (the flush drops the kept copy)
    # Every closing day (a handful a year), kept a few seconds per process (portal.kept): every new report asks.
    days = _KEPT_CLOSING_DAYS.get(session, lambda: frozenset(
        session.connection().scalars(select(ClosingDay.__table__.c.day))))
    return frozenset(day for day in days if day >= first and (last is None or day <= last))


_KEPT_CLOSING_DAYS = KeptCopy("closing_days")


class WorkingCalendar:
    """The working days of a date range, worked out once, for many fast look-ups without the database."""

    def __init__(self, first: date, last: date, closing_days: Iterable[date] = frozenset()):
        if last < first:
            raise ValueError(f"The calendar range {first}..{last} is empty.")
        self.first = first
        self.last = last
        self.closing_days = frozenset(closing_days)
        self._days = [
            first + timedelta(days=offset)
            for offset in range((last - first).days + 1)
            if _is_working_day(first + timedelta(days=offset), self.closing_days)
        ]
        self._day_set = frozenset(self._days)

    def _check(self, day: date) -> None:
        # Outside the range the answer is unknown, and a wrong term is worse than an error.
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} is outside this calendar ({self.first}..{self.last}).")

    def is_working_day(self, day: date) -> bool:
        self._check(day)
        return day in self._day_set

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after a, up to and including b; 0 when b is not after a."""
        self._check(a)
        self._check(b)
        if b <= a:
            return 0
        return bisect_right(self._days, b) - bisect_right(self._days, a)

    def due_date_from_local(self, day: date, n: int) -> date:
        """The last day of a term of n working days, counted from the day after the local day `day`."""
        if n < 0:
            raise ValueError(f"A term cannot be {n} working days.")
        self._check(day)
        if n == 0:
            return day
        index = bisect_right(self._days, day) + n - 1
        if index >= len(self._days):
            raise ValueError(f"A term of {n} working days from {day} ends after {self.last}.")
        return self._days[index]


def is_working_day(day: date, *, closing_days: Iterable[date] | None = None) -> bool:
    """False on weekends, Termijnenwet holidays and closing days (from the database when not given)."""
    # The cheap tests first, so that weekends and holidays cost no query.
    if not _is_working_day(day, frozenset()):
        return False
    return day not in _closing_days(day, day, closing_days)


def due_date(received: datetime, working_days: int, *, closing_days: Iterable[date] | None = None) -> date:
    """The last day of a term of that many working days, counted from the day after the local day of receipt.

    A naive `received` is taken as UTC. Closing days come from the database when not given.
    """
    if not isinstance(received, datetime):
        raise TypeError("due_date needs the moment of receipt (a datetime), not a date.")
    if working_days < 0:
        raise ValueError(f"A term cannot be {working_days} working days.")
    start = local_date(received)
    if working_days == 0:
        return start
    # One query for all closing days ahead: the table holds a handful a year, and the window may grow.
    return _due_date_from_local(start, working_days, _closing_days(start, None, closing_days))


@lru_cache(maxsize=1024)  # the same few terms from the same day, for every report of a busy day
def _due_date_from_local(start: date, working_days: int, closed: frozenset[date]) -> date:
    span = 2 * working_days + _SPAN_MARGIN_DAYS
    for _ in range(_MAX_WINDOW_GROWTHS):
        calendar = WorkingCalendar(start, start + timedelta(days=span), closed)
        if calendar.working_days_between(start, calendar.last) >= working_days:
            return calendar.due_date_from_local(start, working_days)
        span *= 2
    raise ValueError(f"No term of {working_days} working days from {start}: too many closing days configured.")


def working_days_between(start: date, end: date, *, closing_days: Iterable[date] | None = None) -> int:
    """Working days after start, up to and including end; 0 when end is not after start."""
    if end <= start:
        return 0
    closed = _closing_days(start, end, closing_days)
    return WorkingCalendar(start, end, closed).working_days_between(start, end)


def working_days_left(due: date, today: date, *, closing_days: Iterable[date] | None = None) -> int:
    """Working days left until the last day of a term: 0 on that day itself, negative once it has passed.

    A term is passed from the calendar day after its last day, also when that is a weekend: then it is one day
    overdue (-1), never 0, so the number and the "overdue" mark always agree.
    """
    if today <= due:
        return working_days_between(today, due, closing_days=closing_days)
    return -max(working_days_between(due, today, closing_days=closing_days), 1)
