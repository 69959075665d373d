"""Working days and terms by the Algemene termijnenwet, in Amsterdam time, with closing days."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from holidays.countries.netherlands import Netherlands
from sqlalchemy import event

from portal.calendar import deadlines
from portal.calendar.deadlines import (
    WorkingCalendar,
    due_date,
    general_holidays,
    is_working_day,
    working_days_between,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Written out by hand from Algemene termijnenwet art. 3 (first and second paragraphs), with Easter
# on 20 April 2025, 5 April 2026 and 28 March 2027.
TERMIJNENWET_DAYS = {
    2025: {
        date(2025, 1, 1),  # Nieuwjaarsdag
        date(2025, 4, 18),  # Goede Vrijdag
        date(2025, 4, 21),  # tweede Paasdag
        date(2025, 4, 26),  # Koningsdag, a Saturday: 27 April 2025 is a Sunday
        date(2025, 5, 5),
        date(2025, 5, 29),  # Hemelvaartsdag
        date(2025, 6, 9),  # tweede Pinksterdag
        date(2025, 12, 25),
        date(2025, 12, 26),
    },
    2026: {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 4, 27),
        date(2026, 5, 5),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 12, 25),
        date(2026, 12, 26),
    },
    2027: {
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 4, 27),
        date(2027, 5, 5),
        date(2027, 5, 6),
        date(2027, 5, 17),
        date(2027, 12, 25),
        date(2027, 12, 26),
    },
}


def local(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def days_from(first, last):
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


@pytest.fixture
def fresh_holiday_cache():
    deadlines.general_holidays.cache_clear()
    yield
    deadlines.general_holidays.cache_clear()


# Holidays and working days


@pytest.mark.parametrize("day", sorted(set().union(*TERMIJNENWET_DAYS.values())), ids=str)
def test_every_termijnenwet_holiday_2025_to_2027_is_not_a_working_day(day):
    assert not is_working_day(day, closing_days=())


@pytest.mark.parametrize("year", sorted(TERMIJNENWET_DAYS))
def test_the_general_holidays_are_exactly_the_days_of_the_termijnenwet(year):
    # Exactly: Easter Sunday and Whit Sunday, which the package lists, are not Termijnenwet days.
    assert general_holidays(year) == TERMIJNENWET_DAYS[year]


def test_a_year_has_the_weekdays_less_the_holidays_on_weekdays_as_working_days():
    # 261 weekdays in each year; 2025 and 2026 each lose 8 to holidays, 2027 loses 7 (Christmas is a weekend).
    assert working_days_between(date(2024, 12, 31), date(2025, 12, 31), closing_days=()) == 253
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), closing_days=()) == 253
    assert working_days_between(date(2026, 12, 31), date(2027, 12, 31), closing_days=()) == 254


@pytest.mark.parametrize("day", [date(2026, 3, 7), date(2026, 3, 8), date(2025, 10, 25), date(2027, 1, 3)], ids=str)
def test_saturdays_and_sundays_are_not_working_days(day):
    assert not is_working_day(day, closing_days=())


@pytest.mark.parametrize(
    "day",
    [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13), date(2025, 4, 28)],
    ids=str,
)
def test_ordinary_weekdays_are_working_days(day):
    assert is_working_day(day, closing_days=())


def test_the_friday_after_ascension_is_a_working_day_unless_configured_as_a_closing_day():
    friday = date(2026, 5, 15)
    assert is_working_day(friday, closing_days=())
    assert not is_working_day(friday, closing_days={friday})


def test_outside_an_app_context_no_closing_days_apply():
    assert is_working_day(date(2026, 5, 15))
    assert due_date(local(2026, 5, 13, 12), 1) == date(2026, 5, 15)


def test_a_day_the_package_adds_beyond_the_termijnenwet_is_still_a_working_day(monkeypatch, fresh_holiday_cache):
    class WithRoyalWedding(Netherlands):
        def _populate_public_holidays(self):
            super()._populate_public_holidays()
            if self._year == 2026:
                self._add_holiday("Koninklijke bruiloft", date(2026, 6, 16))

    monkeypatch.setattr(holidays, "NL", WithRoyalWedding)
    assert is_working_day(date(2026, 6, 16), closing_days=())


def test_a_package_that_drops_a_termijnenwet_holiday_is_refused_rather_than_counted_as_working(
    monkeypatch, fresh_holiday_cache
):
    class WithoutGoodFriday(Netherlands):
        def _add_good_friday(self, name):
            return None

    monkeypatch.setattr(holidays, "NL", WithoutGoodFriday)
    with pytest.raises(RuntimeError, match="goede vrijdag"):
        is_working_day(date(2026, 4, 3), closing_days=())


# Terms


@pytest.mark.parametrize(
    ("received", "working_days", "expected"),
    [
        # Goede Vrijdag 3 April and tweede Paasdag 6 April are skipped.
        (local(2026, 4, 2, 10), 2, date(2026, 4, 8)),
        # Christmas 2025 falls on Thursday and Friday.
        (local(2025, 12, 24, 9), 3, date(2025, 12, 31)),
        # Christmas 2026 and New Year 2027 both fall on a Friday.
        (local(2026, 12, 23, 9), 6, date(2027, 1, 4)),
        (local(2025, 12, 31, 16), 1, date(2026, 1, 2)),
        # 5 May and Hemelvaartsdag on consecutive days in 2027; the Friday after counts.
        (local(2027, 5, 4, 11), 2, date(2027, 5, 10)),
        (local(2026, 5, 4, 11), 1, date(2026, 5, 6)),
        # Koningsdag 2025 is a Saturday and does not move to the Monday.
        (local(2025, 4, 25, 15), 1, date(2025, 4, 28)),
        # Koningsdag 2026 is a Monday.
        (local(2026, 4, 24, 15), 1, date(2026, 4, 28)),
        # Ten working days over 5 May and Hemelvaartsdag 2026.
        (local(2026, 4, 29, 8), 10, date(2026, 5, 15)),
        # Received on a Saturday: counting starts on Sunday, the first working day is Monday.
        (local(2026, 3, 7, 12), 1, date(2026, 3, 9)),
    ],
    ids=str,
)
def test_a_term_skips_weekends_and_holidays(received, working_days, expected):
    assert due_date(received, working_days, closing_days=()) == expected


def test_a_term_of_zero_working_days_ends_on_the_local_day_of_receipt_even_a_holiday():
    assert due_date(local(2026, 4, 3, 12), 0, closing_days=()) == date(2026, 4, 3)
    assert due_date(utc(2026, 3, 31, 22, 30), 0, closing_days=()) == date(2026, 4, 1)


def test_a_negative_term_is_refused():
    with pytest.raises(ValueError):
        due_date(local(2026, 4, 2, 10), -1, closing_days=())


def test_a_term_needs_the_moment_of_receipt_not_just_a_date():
    with pytest.raises(TypeError):
        due_date(date(2026, 4, 2), 2, closing_days=())


def test_a_long_term_over_many_closing_days_still_ends_on_a_working_day():
    every_monday = {day for day in days_from(date(2026, 1, 1), date(2027, 12, 31)) if day.weekday() == 0}
    # 100 working days from Friday 2 January 2026, Mondays closed: a longer window than the first guess.
    end = due_date(local(2026, 1, 2, 12), 100, closing_days=every_monday)
    assert is_working_day(end, closing_days=every_monday)
    assert working_days_between(date(2026, 1, 2), end, closing_days=every_monday) == 100
    assert working_days_between(date(2026, 1, 2), end, closing_days=()) > 100


# Time zones


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # 22:30 UTC is 00:30 on 1 April in summer time: counting starts on 2 April.
        (utc(2026, 3, 31, 22, 30), date(2026, 4, 2)),
        # 22:59 UTC is 23:59 on Thursday 15 January in winter time: Friday counts.
        (utc(2026, 1, 15, 22, 59), date(2026, 1, 16)),
        (utc(2026, 1, 15, 23, 0), date(2026, 1, 19)),
        # Summer time starts in the night to Sunday 29 March 2026: 22:00 UTC that evening is Monday already.
        (utc(2026, 3, 29, 21, 59), date(2026, 3, 30)),
        (utc(2026, 3, 29, 22, 0), date(2026, 3, 31)),
        # Winter time returns in the night to Sunday 25 October 2026: 22:30 UTC that evening is still Sunday.
        (utc(2026, 10, 25, 22, 30), date(2026, 10, 26)),
        (utc(2026, 10, 25, 23, 0), date(2026, 10, 27)),
        # Evening in New York is the next morning in Amsterdam.
        (datetime(2026, 1, 15, 18, 30, tzinfo=ZoneInfo("America/New_York")), date(2026, 1, 19)),
    ],
    ids=str,
)
def test_the_day_of_receipt_is_the_day_in_amsterdam(received, expected):
    assert due_date(received, 1, closing_days=()) == expected


def test_a_naive_moment_of_receipt_is_taken_as_utc():
    assert due_date(datetime(2026, 3, 31, 22, 30), 1, closing_days=()) == date(2026, 4, 2)
    assert due_date(datetime(2026, 1, 15, 22, 59), 1, closing_days=()) == date(2026, 1, 16)


# Closing days


def test_a_closing_day_passed_in_moves_the_end_of_a_term():
    received = local(2026, 5, 13, 12)
    assert due_date(received, 1, closing_days=()) == date(2026, 5, 15)
    assert due_date(received, 1, closing_days={date(2026, 5, 15)}) == date(2026, 5, 18)


def test_a_closing_day_in_the_database_moves_the_end_of_a_term(app, db):
    from portal.models import ClosingDay

    received = local(2026, 5, 13, 12)
    assert due_date(received, 1) == date(2026, 5, 15)
    db.session.add(ClosingDay(day=date(2026, 5, 15), description="Vrijdag na Hemelvaart"))
    db.session.commit()
    assert due_date(received, 1) == date(2026, 5, 18)
    assert not is_working_day(date(2026, 5, 15))
    assert working_days_between(date(2026, 5, 13), date(2026, 5, 18)) == 1


def test_closing_days_passed_in_replace_those_in_the_database(app, db):
    from portal.models import ClosingDay

    db.session.add(ClosingDay(day=date(2026, 5, 15), description="Vrijdag na Hemelvaart"))
    db.session.commit()
    assert due_date(local(2026, 5, 13, 12), 1, closing_days=()) == date(2026, 5, 15)
    assert is_working_day(date(2026, 5, 15), closing_days=())


def test_a_term_reads_the_closing_days_with_one_query(app, db):
    from portal.models import ClosingDay

    db.session.add_all(
        [ClosingDay(day=date(2026, 5, 15), description="a"), ClosingDay(day=date(2026, 7, 1), description="b")]
    )
    db.session.commit()
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "closing_days" in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        end = due_date(local(2026, 4, 29, 8), 60)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1
    # And the one query found both days: without them, the term would end a day earlier.
    assert end == due_date(local(2026, 4, 29, 8), 60, closing_days={date(2026, 5, 15), date(2026, 7, 1)})
    assert end > due_date(local(2026, 4, 29, 8), 60, closing_days={date(2026, 5, 15)})


def test_a_working_calendar_uses_only_the_closing_days_it_was_given_never_the_database(app, db):
    from portal.models import ClosingDay

    db.session.add(ClosingDay(day=date(2026, 5, 15), description="Vrijdag na Hemelvaart"))
    db.session.commit()
    calendar = WorkingCalendar(date(2026, 5, 1), date(2026, 5, 31))
    assert calendar.is_working_day(date(2026, 5, 15))


# Counting working days between two days


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 2), date(2026, 4, 8), 2),  # over Goede Vrijdag and tweede Paasdag
        (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
        (date(2025, 12, 24), date(2025, 12, 31), 3),  # over Christmas
        (date(2026, 4, 3), date(2026, 4, 7), 1),  # starting on a holiday
        (date(2026, 3, 9), date(2026, 3, 14), 4),  # ending on a Saturday
        (date(2026, 3, 9), date(2026, 3, 10), 1),
        (date(2026, 3, 10), date(2026, 3, 10), 0),
        (date(2026, 3, 10), date(2026, 3, 9), 0),
    ],
    ids=str,
)
def test_working_days_between_counts_the_days_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(start, end, closing_days=()) == expected


def test_working_days_between_skips_closing_days():
    assert working_days_between(date(2026, 5, 13), date(2026, 5, 18), closing_days=()) == 2
    assert working_days_between(date(2026, 5, 13), date(2026, 5, 18), closing_days={date(2026, 5, 15)}) == 1


# The precomputed calendar


def test_a_working_calendar_agrees_with_the_module_functions_for_every_day_2025_to_2027():
    closed = {date(2025, 5, 30), date(2026, 5, 15), date(2027, 5, 7), date(2026, 12, 24)}
    calendar = WorkingCalendar(date(2025, 1, 1), date(2028, 3, 31), closed)
    for day in days_from(date(2025, 1, 1), date(2027, 12, 31)):
        assert calendar.is_working_day(day) == is_working_day(day, closing_days=closed), day
        received = datetime(day.year, day.month, day.day, 12, tzinfo=AMSTERDAM)
        for n in (0, 1, 2, 5, 10, 30):
            assert calendar.due_date_from_local(day, n) == due_date(received, n, closing_days=closed), (day, n)
        for span in (1, 3, 7, 40):
            later = day + timedelta(days=span)
            assert calendar.working_days_between(day, later) == working_days_between(
                day, later, closing_days=closed
            ), (day, span)


def test_a_working_calendar_follows_the_same_holiday_rule_as_the_module_functions(monkeypatch, fresh_holiday_cache):
    class WithExtraKingsDay(Netherlands):
        def _populate_public_holidays(self):
            super()._populate_public_holidays()
            if self._year == 2026:
                self._add_holiday("Koningsdag", date(2026, 6, 15))

    monkeypatch.setattr(holidays, "NL", WithExtraKingsDay)
    calendar = WorkingCalendar(date(2026, 6, 1), date(2026, 6, 30))
    assert not calendar.is_working_day(date(2026, 6, 15))
    assert not is_working_day(date(2026, 6, 15), closing_days=())
    assert calendar.due_date_from_local(date(2026, 6, 12), 1) == date(2026, 6, 16)
    assert due_date(local(2026, 6, 12, 12), 1, closing_days=()) == date(2026, 6, 16)


def test_a_working_calendar_answers_without_the_holidays_package_once_built(monkeypatch, fresh_holiday_cache):
    calendar = WorkingCalendar(date(2026, 1, 1), date(2026, 12, 31))

    def unavailable(*args, **kwargs):
        raise AssertionError("the holidays package was consulted after the calendar was built")

    deadlines.general_holidays.cache_clear()
    monkeypatch.setattr(holidays, "NL", unavailable)
    assert not calendar.is_working_day(date(2026, 4, 3))
    assert calendar.due_date_from_local(date(2026, 4, 2), 2) == date(2026, 4, 8)
    assert calendar.working_days_between(date(2026, 4, 2), date(2026, 4, 8)) == 2


def test_a_working_calendar_refuses_days_outside_its_range():
    calendar = WorkingCalendar(date(2026, 1, 1), date(2026, 1, 31))
    with pytest.raises(ValueError):
        calendar.is_working_day(date(2026, 2, 1))
    with pytest.raises(ValueError):
        calendar.working_days_between(date(2025, 12, 31), date(2026, 1, 5))
    with pytest.raises(ValueError):
        calendar.due_date_from_local(date(2026, 1, 28), 5)  # would end in February
    with pytest.raises(ValueError):
        calendar.due_date_from_local(date(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        WorkingCalendar(date(2026, 1, 31), date(2026, 1, 1))
