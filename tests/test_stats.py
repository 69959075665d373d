"""The service-report figures on a small hand-made data set whose every number is worked out by hand below.

The figures are "as of" TODAY (15 May 2026): every term in the data set has ended by then unless said otherwise.

March 2026 (summer time from 29 March: 31 March 23:30 local is 21:30 UTC, 1 April 00:30 local is 22:30 UTC):

 id   received (local)  category     channel  team  status     1st contact (wd, on time)  closing (wd, on time)  grade
 M1   2 Mar 10:00       callback     web      BZ    closed     1, yes                     5, yes (closed 9 Mar)      9
 M2   3 Mar 09:00       callback     phone    BZ    closed     2, yes                     12, no (19 Mar)            6
 M3   5 Mar 09:00       email        web      BEL   closed     4, no                      14, no (10 Apr), extended  8
 M4   10 Mar 14:00      letter       web      BEL   closed     0, yes                     3, yes (13 Mar)            -
 M5   16 Mar 09:00      letter       desk     BEL   contacted  3, yes                     open, due 30 Mar           -
 M6   20 Mar 11:00      callback     web      BZ    assigned   none, due 24 Mar           open, due 3 Apr            -
 M7   31 Mar 23:30      callback     email    -     new        none, due 2 Apr            open, due 14 Apr           -
 M8   12 Mar 10:00      callback     web      BZ    dismissed  (left out of every figure but "dismissed")
 M9   25 Mar 10:00      information  phone    BZ    closed     1, yes                     4, yes (31 Mar 23:00)     10
 M10  26 Mar 10:00      other        web      BZ    closed     none recorded              2, yes (30 Mar)            7
 M11  27 Mar 10:00      callback     web      BEL   closed     1, yes (30 Mar)            8, yes (8 Apr)             8

Around it: A1 on 1 April 00:30 local (April); F1 on 28 February 23:30 local and F2 on 1 February 00:30 local
(winter time: 31 January 23:30 UTC) in February; J1 on 31 January 23:30 local in January.
"""
import csv
import io
import itertools
import json
import re
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import event, select

from portal.calendar.clock import LOCAL_ZONE
from portal.figures import service_report as stats
from portal.models import (
    Category,
    Cause,
    Channel,
    ContactPreference,
    OutboxMessage,
    Outcome,
    Report,
    ReportStatus,
    Target,
)
from tests.conftest import csrf_token_from

S = ReportStatus
TODAY = date(2026, 5, 15)
MARCH, APRIL = stats.Period.month(2026, 3), stats.Period.month(2026, 4)
Q1 = stats.Period.quarter(2026, 1)


def local(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_ZONE)


@pytest.fixture
def dataset(db, make_team):
    bz, bel = make_team("BZ", "Burgerzaken"), make_team("BEL", "Belastingen")
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    causes = {c.code: c for c in db.session.scalars(select(Cause))}
    numbers = itertools.count(1)

    def add(received, category, channel, team, status, first_due, closing_due, *, contact=None, closed=None,
            grade=None, outcome=None, cause_codes=(), extended_from=None, preference=ContactPreference.PHONE):
        contact_at, contact_days, contact_on_time = contact or (None, None, None)
        closed_at, closing_days, closed_on_time = closed or (None, None, None)
        report = Report(
            reference=f"MC-TEST-{next(numbers):04d}", received_at=received, channel=channel,
            contact_preference=preference,
            category=categories[category], description="Een melding voor de cijfers.", status=status, team=team,
            first_contact_due=first_due, closing_due=closing_due,
            next_due=first_due if contact_at is None else closing_due,
            first_contact_at=contact_at, first_contact_working_days=contact_days,
            first_contact_on_time=contact_on_time,
            closed_at=closed_at, closing_working_days=closing_days, closed_on_time=closed_on_time,
            grade=grade, graded_at=closed_at + timedelta(days=1) if grade else None, outcome=outcome,
            causes=[causes[code] for code in cause_codes],
            original_closing_due=extended_from, extended_at=contact_at if extended_from else None,
        )
        db.session.add(report)
        return report

    d = date
    web, phone, desk, mail = Channel.WEB, Channel.PHONE, Channel.DESK, Channel.EMAIL
    add(local(3, 2), "callback", web, bz, S.CLOSED, d(2026, 3, 4), d(2026, 3, 16),  # M1
        contact=(local(3, 3), 1, True), closed=(local(3, 9), 5, True), grade=9, outcome=Outcome.RESOLVED,
        cause_codes=["callback_not_registered"])
    add(local(3, 3, 9), "callback", phone, bz, S.CLOSED, d(2026, 3, 5), d(2026, 3, 17),  # M2
        contact=(local(3, 5), 2, True), closed=(local(3, 19), 12, False), grade=6, outcome=Outcome.EXPLAINED,
        cause_codes=["too_busy", "wrong_team"])
    add(local(3, 5, 9), "email", web, bel, S.CLOSED, d(2026, 3, 9), d(2026, 4, 2),  # M3
        contact=(local(3, 11), 4, False), closed=(local(4, 10), 14, False), grade=8, outcome=Outcome.RESOLVED,
        cause_codes=["email_unanswered"], extended_from=d(2026, 3, 19))
    add(local(3, 10, 14), "letter", web, bel, S.CLOSED, d(2026, 3, 13), d(2026, 3, 24),  # M4
        contact=(local(3, 10, 16), 0, True), closed=(local(3, 13), 3, True), outcome=Outcome.EXPLAINED,
        cause_codes=["letter_wording"])
    add(local(3, 16, 9), "letter", desk, bel, S.CONTACTED, d(2026, 3, 19), d(2026, 3, 30),  # M5
        contact=(local(3, 19, 9), 3, True))
    add(local(3, 20, 11), "callback", web, bz, S.ASSIGNED, d(2026, 3, 24), d(2026, 4, 3))  # M6
    add(local(3, 31, 23, 30), "callback", mail, None, S.NEW, d(2026, 4, 2), d(2026, 4, 14))  # M7
    add(local(3, 12), "callback", web, bz, S.DISMISSED, d(2026, 3, 16), d(2026, 3, 26))  # M8
    add(local(3, 25), "information", phone, bz, S.CLOSED, d(2026, 3, 30), d(2026, 4, 8),  # M9
        contact=(local(3, 26), 1, True), closed=(local(3, 31, 23, 0), 4, True), grade=10,
        outcome=Outcome.RESOLVED, cause_codes=["information_wrong"])
    add(local(3, 26), "other", web, bz, S.CLOSED, d(2026, 4, 2), d(2026, 4, 23),  # M10
        closed=(local(3, 30), 2, True), grade=7, outcome=Outcome.NOT_JUSTIFIED, cause_codes=["other"])
    add(local(3, 27), "callback", web, bel, S.CLOSED, d(2026, 3, 31), d(2026, 4, 10),  # M11
        contact=(local(3, 30, 9), 1, True), closed=(local(4, 8), 8, True), grade=8, outcome=Outcome.RESOLVED,
        cause_codes=["callback_not_passed_on", "too_busy"])
    add(local(4, 1, 0, 30), "callback", web, bz, S.NEW, d(2026, 4, 3), d(2026, 4, 15))  # A1
    add(local(2, 28, 23, 30), "letter", web, bel, S.CLOSED, d(2026, 3, 4), d(2026, 3, 13),  # F1
        contact=(local(3, 3), 2, True), closed=(local(3, 9), 6, True), grade=5, outcome=Outcome.EXPLAINED,
        cause_codes=["letter_content"])
    add(local(2, 1, 0, 30), "callback", phone, bz, S.CLOSED, d(2026, 2, 3), d(2026, 2, 13),  # F2
        contact=(local(2, 5), 3, False), closed=(local(2, 18), 11, False), outcome=Outcome.RESOLVED,
        cause_codes=["callback_not_registered"])
    add(local(1, 31, 23, 30), "callback", web, bz, S.CLOSED, d(2026, 2, 3), d(2026, 2, 13),  # J1
        contact=(local(2, 2), 1, True), closed=(local(2, 5), 4, True), grade=9, outcome=Outcome.RESOLVED,
        cause_codes=["too_busy"])
    db.session.commit()
    return {"BZ": bz, "BEL": bel}


@pytest.fixture
def frozen_today(monkeypatch):
    """Pages, exports, the command and the job see 15 May 2026 as today."""
    from portal.figures import overview
    from portal.figures import periods as stats_periods

    for module in (stats, stats_periods, overview):
        monkeypatch.setattr(module, "local_today", lambda: TODAY)
    return TODAY


# ---------------------------------------------------------------------------------------------------------------
# Periods


def test_periods_are_parsed_and_bounded_in_amsterdam_time():
    assert MARCH.key == "2026-03" and stats.Period.parse("2026-03") == MARCH
    assert (MARCH.start, MARCH.end) == (date(2026, 3, 1), date(2026, 4, 1))
    # March begins in winter time (UTC+1) and ends in summer time (UTC+2).
    start, end = MARCH.utc_bounds()
    assert start.isoformat() == "2026-02-28T23:00:00+00:00"
    assert end.isoformat() == "2026-03-31T22:00:00+00:00"
    assert stats.Period.parse("2026-q1") == Q1 and Q1.key == "2026-Q1"
    assert (Q1.start, Q1.end) == (date(2026, 1, 1), date(2026, 4, 1))
    assert MARCH.previous(12).key == "2025-03" and Q1.previous(4).key == "2025-Q1"
    assert MARCH.previous(3).key == "2025-12" and MARCH.quarter_of() == Q1
    assert [m.key for m in Q1.months()] == ["2026-01", "2026-02", "2026-03"]
    assert stats.Period.last_complete(stats.MONTH, date(2026, 4, 1)) == MARCH
    assert stats.Period.last_complete(stats.QUARTER, date(2026, 4, 1)) == Q1


@pytest.mark.parametrize("text", ["", "2026-3", "2026-13", "2026-00", "2026-Q5", "2026-Q0", "march", "1",
                                  "1999-12", "2026-03-01", " 2026-03x"])
def test_a_period_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        stats.Period.parse(text)


# ---------------------------------------------------------------------------------------------------------------
# The figures of March, worked out by hand


def test_the_headline_figures_of_a_month(dataset):
    h = stats.period_figures(MARCH, today=TODAY).headline
    assert h.received == 10  # M1-M7, M9-M11; M8 is dismissed
    assert h.dismissed == 1  # M8
    assert h.closed == 7  # M1, M2, M3, M4, M9, M10, M11
    # First contact: on time M1, M2, M4, M5, M9, M11 = 6; late M3 (flag) + M6, M7 (open, no contact, term ended
    # before today) = 3; M10 was closed without a recorded first contact and is not judged.
    assert (h.first_contact_on_time, h.first_contact_late, h.first_contact_measured) == (6, 3, 9)
    assert h.first_contact_on_time_share == 0.667  # 6 / 9 = 0.6667
    # Closing: on time M1, M4, M9, M10, M11 = 5; late M2, M3 (flag) + M5, M6, M7 (open, term ended) = 5.
    assert (h.closing_on_time, h.closing_late, h.closing_measured) == (5, 5, 10)
    assert h.closing_on_time_share == 0.5  # 5 / 10
    # Working days to first contact: 0 1 1 1 2 3 4 (n = 7). Median: position (7-1)*0.5 = 3, the 4th value = 1.
    # 90th percentile: position 6*0.9 = 5.4, between the 6th (3) and 7th (4): 3 + 0.4 * (4 - 3) = 3.4.
    assert (h.first_contact_days.count, h.first_contact_days_median, h.first_contact_days_p90) == (7, 1.0, 3.4)
    # Working days to closing: 2 3 4 5 8 12 14 (n = 7). Median: the 4th = 5. p90: 12 + 0.4 * (14 - 12) = 12.8.
    assert (h.closing_days.count, h.closing_days_median, h.closing_days_p90) == (7, 5.0, 12.8)
    # Open at the end of March (1 April 00:00 local): M3 (closed 10 Apr), M5, M6, M7 (received 21:30 UTC, before
    # the end at 22:00 UTC), M11 (closed 8 Apr) = 5; M9 closed on 31 March 23:00 local, just before the end.
    assert h.open_at_end == 5
    # Overdue then: M5 (contacted, closing term 30 Mar) and M6 (no contact, term 24 Mar) = 2; M7's term ends on
    # 2 Apr, M3's extended term on 2 Apr, M11's on 10 Apr.
    assert h.overdue_at_end == 2
    assert h.extended == 1  # M3
    # Grades 9, 6, 8, 10, 7, 8 (M1, M2, M3, M9, M10, M11): 6 grades, mean 48 / 6 = 8.0; 8 or higher: 4.
    assert (h.graded, h.grade_mean, h.grade_high) == (6, 8.0, 4)
    assert h.grade_high_share == 0.667  # 4 / 6
    assert h.response_rate == 0.857  # 6 grades / 7 closed = 0.857142...
    assert (h.letters, h.letters_share) == (2, 0.2)  # M4, M5 of 10


def test_the_breakdowns_of_a_month(dataset):
    figures = stats.period_figures(MARCH, today=TODAY)
    by_category = {row.code: row.figures for row in figures.by_category}
    assert {code: f.received for code, f in by_category.items()} == {
        "callback": 5, "email": 1, "letter": 2, "information": 1, "other": 1,  # M1 M2 M6 M7 M11 | M3 | M4 M5 ...
    }
    # Letters (M4, M5): first contact both on time; closing M4 on time, M5 late; open at the end: M5, overdue.
    letter = by_category["letter"]
    assert (letter.first_contact_on_time_share, letter.closing_on_time_share) == (1.0, 0.5)
    assert (letter.open_at_end, letter.overdue_at_end, letter.closing_days_median) == (1, 1, 3.0)
    assert {row.code: row.figures.received for row in figures.by_channel} == {
        "web": 6, "phone": 2, "desk": 1, "email": 1,  # M1 M3 M4 M6 M10 M11 | M2 M9 | M5 | M7
    }
    assert {row.code: row.figures.received for row in figures.by_team} == {"BZ": 5, "BEL": 4, "": 1}
    bz = next(row.figures for row in figures.by_team if row.code == "BZ")
    # BZ: M1, M2, M6, M9, M10. First contact on time M1, M2, M9; late M6 -> 3 / 4. Closing on time M1, M9, M10;
    # late M2, M6 -> 3 / 5. Closing days 2 4 5 12: median (4 + 5) / 2 = 4.5; p90 at 3*0.9 = 2.7: 5 + 0.7*7 = 9.9.
    assert (bz.first_contact_on_time_share, bz.closing_on_time_share) == (0.75, 0.6)
    assert (bz.closing_days_median, bz.closing_days_p90, bz.grade_mean) == (4.5, 9.9, 8.0)  # (9+6+10+7) / 4
    assert {row.code: row.count for row in figures.outcomes} == {
        "resolved": 4, "explained": 2, "not_justified": 1, "forwarded": 0,  # M1 M3 M9 M11 | M2 M4 | M10
    }
    causes = {row.code: row.count for row in figures.causes}
    assert causes["too_busy"] == 2 and causes["letter_content"] == 0  # M2, M11; F1 is February's
    assert sum(causes.values()) == 9  # 1 + 2 + 1 + 1 + 1 + 1 + 2 causes of the 7 closed reports
    assert [row.count for row in figures.grades] == [0, 0, 0, 0, 0, 1, 1, 2, 1, 1]  # grades 1..10


def test_one_teams_figures(dataset):
    figures = stats.period_figures(MARCH, team_id=dataset["BEL"].id, today=TODAY)
    h = figures.headline
    assert (h.received, h.closed) == (4, 3)  # M3, M4, M5, M11; M5 is open
    assert (h.first_contact_on_time, h.first_contact_measured, h.first_contact_on_time_share) == (3, 4, 0.75)
    assert (h.closing_on_time, h.closing_measured, h.closing_on_time_share) == (2, 4, 0.5)  # M4, M11 | M3, M5
    # First contact days 0 1 3 4: median at 1.5 -> 1 + 0.5*2 = 2.0; p90 at 2.7 -> 3 + 0.7*1 = 3.7.
    assert (h.first_contact_days_median, h.first_contact_days_p90) == (2.0, 3.7)
    # Closing days 3 8 14: median 8; p90 at 1.8 -> 8 + 0.8*6 = 12.8.
    assert (h.closing_days_median, h.closing_days_p90) == (8.0, 12.8)
    assert (h.open_at_end, h.overdue_at_end, h.extended) == (3, 1, 1)  # M3 M5 M11 | M5 | M3
    assert (h.graded, h.grade_mean, h.letters_share) == (2, 8.0, 0.5)  # M3, M11 | M4, M5 of 4
    assert [row.code for row in figures.by_team] == ["BEL"]
    # The trend is the team's too: in February only F1 was BEL's.
    february = figures.trend[-2]
    assert (february.period.key, february.received, february.letters_share) == ("2026-02", 1, 1.0)


def test_reports_count_in_the_month_of_receipt_in_amsterdam_time(dataset):
    received = {p.key: stats.period_figures(p, today=TODAY).headline.received
                for p in (stats.Period.month(2026, 1), stats.Period.month(2026, 2), MARCH, APRIL)}
    # J1 (31 Jan 23:30 CET = 22:30 UTC) in January; F2 (1 Feb 00:30 CET = 31 Jan 23:30 UTC) and F1 (28 Feb 23:30)
    # in February; M7 (31 Mar 23:30 CEST = 21:30 UTC) in March; A1 (1 Apr 00:30 CEST = 31 Mar 22:30 UTC) in April.
    assert received == {"2026-01": 1, "2026-02": 2, "2026-03": 10, "2026-04": 1}


def test_a_period_not_yet_over_judges_only_the_terms_that_ended(dataset):
    h = stats.period_figures(APRIL, today=date(2026, 4, 10)).headline
    # A1: first-contact term ended 3 April (late); closing term runs to 15 April, so closing is not judged yet.
    assert (h.first_contact_late, h.first_contact_on_time_share) == (1, 0.0)
    assert (h.closing_measured, h.closing_on_time_share) == (0, None)
    # "Open at the end" is taken at the start of today: A1 is open and overdue (first contact due 3 April).
    assert (h.open_at_end, h.overdue_at_end) == (1, 1)


def test_the_trend_holds_the_twelve_months_before(dataset):
    trend = stats.period_figures(MARCH, today=TODAY).trend
    assert [h.period.key for h in trend] == [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02",
                                                                                       "2026-03"]
    empty = trend[0]
    assert (empty.received, empty.first_contact_on_time_share, empty.closing_days_median, empty.grade_mean) == (
        0, None, None, None)
    january, february, march = trend[-3:]
    assert (january.received, january.closing_on_time_share, january.grade_mean) == (1, 1.0, 9.0)  # J1
    # J1 was closed on 5 Feb: open at the end of January, not overdue (first contact due 3 Feb).
    assert (january.open_at_end, january.overdue_at_end) == (1, 0)
    # February: F1 on time, F2 late -> 0.5 both; first contact days 2, 3: median 2.5, p90 2 + 0.9*1 = 2.9;
    # closing days 6, 11: median 8.5, p90 6 + 0.9*5 = 10.5; F1 graded 5; F1 open at the end (closed 9 Mar).
    assert (february.received, february.first_contact_on_time_share, february.closing_on_time_share) == (2, 0.5, 0.5)
    assert (february.first_contact_days_median, february.first_contact_days_p90) == (2.5, 2.9)
    assert (february.closing_days_median, february.closing_days_p90) == (8.5, 10.5)
    assert (february.graded, february.grade_mean, february.response_rate, february.letters_share) == (1, 5.0, 0.5,
                                                                                                    0.5)
    assert (february.open_at_end, february.overdue_at_end) == (1, 0)
    assert march == stats.period_figures(MARCH, today=TODAY).headline


def test_the_figures_of_a_quarter(dataset):
    figures = stats.period_figures(Q1, today=TODAY)
    h = figures.headline
    assert (h.received, h.dismissed, h.closed) == (13, 1, 10)  # March 10 + February 2 + January 1
    assert (h.first_contact_on_time, h.first_contact_measured, h.first_contact_on_time_share) == (8, 12, 0.667)
    assert (h.closing_on_time, h.closing_measured, h.closing_on_time_share) == (7, 13, 0.538)  # 7/13 = 0.5385
    # First contact days 0 1 1 1 1 2 2 3 3 4 (n = 10): median at 4.5 -> (1 + 2) / 2 = 1.5; p90 at 8.1 -> 3.1.
    assert (h.first_contact_days_median, h.first_contact_days_p90) == (1.5, 3.1)
    # Closing days 2 3 4 4 5 6 8 11 12 14: median at 4.5 -> (5 + 6) / 2 = 5.5; p90 at 8.1 -> 12 + 0.1*2 = 12.2.
    assert (h.closing_days_median, h.closing_days_p90) == (5.5, 12.2)
    assert (h.open_at_end, h.overdue_at_end, h.extended) == (5, 2, 1)  # as March: F1 was closed on 9 March
    # Grades: March 48 over 6, F1 5, J1 9: 62 / 8 = 7.75 -> 7.8; 8 or higher: 4 + J1 = 5 -> 0.625.
    assert (h.graded, h.grade_mean, h.grade_high_share, h.response_rate) == (8, 7.8, 0.625, 0.8)
    assert (h.letters, h.letters_share) == (3, 0.231)  # M4, M5, F1 of 13 = 0.2308
    assert [p.period.key for p in figures.trend][:2] == ["2023-Q1", "2023-Q2"]
    assert figures.trend[-2].received == 0  # Q4 2025


def test_targets_are_judged_on_the_rounded_figures(dataset):
    checks = {c.code: c for c in stats.period_figures(MARCH, today=TODAY).targets}
    assert (checks["first_contact_on_time_share"].value, checks["first_contact_on_time_share"].met) == (0.667, False)
    assert (checks["closing_on_time_share"].value, checks["closing_on_time_share"].met) == (0.5, False)
    assert (checks["grade_mean"].value, checks["grade_mean"].met) == (8.0, True)  # at least 8.0: exactly met
    letters = checks["letters_share"]
    assert (letters.value, letters.met, letters.is_watch) == (0.2, False, True)  # at most 10%: above the level


def test_every_figure_family_is_one_query_over_all_thirteen_periods(dataset, db):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        stats.period_figures(MARCH, today=TODAY)
        month = len(statements)
        statements.clear()
        stats.period_figures(Q1, today=TODAY)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    # The published periods among the thirteen; one pass over the reports for every count, breakdown and day count;
    # one for the grades and outcomes, one for the causes; targets and reference data; and the callback requests
    # (counts and working days, for the trend and the team and channel breakdowns): the same handful whether a period
    # has 13 months or 39 behind it, never one run per period.
    assert month == len(statements) <= 20


def test_the_percentiles_from_day_counts_match_percentile_cont(dataset, db):
    """The percentiles worked out from the cells' day counts give PostgreSQL's percentile_cont (checked there)."""
    from sqlalchemy import text

    from portal.figures import cells

    assert cells.percentile({}, 1, 2) is None
    assert cells.percentile({4: 1}, 9, 10) == 4
    assert cells.percentile({1: 1, 2: 1, 10: 2}, 1, 2) == 6.0  # between the 2nd (2) and the 3rd (10)
    assert cells.percentile({1: 1, 2: 1, 10: 2}, 9, 10) == pytest.approx(10.0)
    q1 = stats.period_figures(Q1, today=TODAY).headline
    assert (q1.first_contact_days.count, q1.first_contact_days.median, q1.first_contact_days.p90) == (10, 1.5, 3.1)
    assert (q1.closing_days.count, q1.closing_days.median, q1.closing_days.p90) == (10, 5.5, 12.2)
    if db.engine.dialect.name == "postgresql":
        start, end = Q1.utc_bounds()
        median, p90 = db.session.execute(text(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY closing_working_days), "
            "percentile_cont(0.9) WITHIN GROUP (ORDER BY closing_working_days) FROM reports "
            "WHERE received_at >= :start AND received_at < :end AND status <> 'dismissed'"),
            {"start": start, "end": end}).one()
        assert (round(median, 1), round(p90, 1)) == (q1.closing_days.median, q1.closing_days.p90)


# ---------------------------------------------------------------------------------------------------------------
# Pages, exports, the command and the e-mail


STATS_ROUTES = {
    # endpoint: (method, address)
    "admin.stats_home": ("GET", "/admin/stats"),
    "admin.stats_month": ("GET", "/admin/stats/month/2026-03"),
    "admin.stats_quarter": ("GET", "/admin/stats/quarter/2026-Q1"),
    "admin.stats_monthly_csv": ("GET", "/admin/stats/monthly.csv?month=2026-03"),
    "admin.stats_monthly_xlsx": ("GET", "/admin/stats/monthly.xlsx?month=2026-03"),
    "admin.stats_quarterly_csv": ("GET", "/admin/stats/quarterly.csv?quarter=2026-Q1"),
    "admin.stats_quarterly_xlsx": ("GET", "/admin/stats/quarterly.xlsx?quarter=2026-Q1"),
    "admin.stats_targets": ("GET", "/admin/stats/targets"),
    "admin.stats_correction": ("POST", "/admin/stats/2026-03/correction"),
}


def test_every_stats_route_is_covered_here(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.stats")}
    assert endpoints == set(STATS_ROUTES)


@pytest.mark.parametrize("role", ["kcc", "team"])
def test_team_members_and_the_kcc_get_403_on_every_stats_route(client, dataset, make_staff, login, role):
    login(make_staff(role, teams=[dataset["BZ"]] if role == "team" else []))
    token = csrf_token_from(client.get("/admin/", follow_redirects=True).get_data(as_text=True))
    for _endpoint, (method, address) in STATS_ROUTES.items():
        response = client.get(address) if method == "GET" else client.post(address, data={"csrf_token": token})
        assert response.status_code == 403, f"{role} opened {address}: {response.status_code}"
        assert "Belastingen" not in response.get_data(as_text=True)
    response = client.post("/admin/stats/targets", data={"csrf_token": token, "grade_mean": "1"})
    assert response.status_code == 403


def test_a_manager_sees_the_figures_but_not_the_targets_form(client, dataset, make_staff, login, frozen_today):
    login(make_staff("manager"))
    home = client.get("/admin/stats?lang=en")
    assert home.status_code == 200, "the overview"
    assert 'href="/admin/stats/month/2026-04"' in home.get_data(as_text=True)
    page = client.get("/admin/stats/month/2026-03?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert cell(html, "headline:received") == "10" and cell(html, "headline:closing_days_p90") == "12.8"
    assert cell(html, "target:first_contact_on_time_share:result") == "not met"
    assert cell(html, "target:grade_mean:result") == "met"
    assert cell(html, "target:letters_share:result") == "above the watch level"
    assert html.count('role="img"') == 9 and html.count("<title id=") == 9 and html.count("<desc id=") == 9
    assert 'style="' not in html.split("<main", 1)[1], "the Content Security Policy forbids style attributes"
    assert "stats-print.css" in html
    assert client.get("/admin/stats/quarter/2026-Q1").status_code == 200
    team_page = client.get("/admin/stats/month/2026-03?team=bel&lang=en").get_data(as_text=True)
    assert cell(team_page, "headline:received") == "4"
    assert client.get("/admin/stats/targets").status_code == 403


def cell(html, figure):
    match = re.search(rf'data-figure="{re.escape(figure)}"[^>]*>(.*?)</(?:td|strong)>', html, re.S)
    assert match, f"the page shows no figure {figure}"
    return re.sub(r"<[^>]+>", "", match.group(1)).split("(")[0].strip()


def shown(value, kind):
    """How the English page writes a number from the export."""
    if value is None:
        return "–"
    if kind == stats.SHARE:
        return f"{value * 100:.1f}%"
    if kind == stats.COUNT:
        return f"{value:,}"
    return f"{value:.1f}"


def number(text):
    if text == "":
        return None
    return float(text) if "." in text else int(text)


@pytest.mark.parametrize("kind, key, team", [("month", "2026-03", None), ("quarter", "2026-Q1", "BEL")])
def test_page_csv_excel_and_command_give_the_same_numbers(client, runner, dataset, make_staff, login, frozen_today,
                                                          kind, key, team):
    from portal.figures.export import BREAKDOWN_FIGURES

    login(make_staff("manager"))
    team_arg = f"&team={team}" if team else ""
    prefix = "monthly" if kind == "month" else "quarterly"
    export = client.get(f"/admin/stats/{prefix}.csv?{kind}={key}{team_arg}")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    text = export.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["section", "period", "group", "group_name", "figure", "figure_name", "value", "target",
                             "target_met"]
    values = {(r["section"], r["period"], r["group"], r["figure"]): number(r["value"]) for r in rows}
    headline = {figure: value for (section, _p, _g, figure), value in values.items() if section == "headline"}

    # The page: every headline figure, every breakdown cell and the charted trend cells.
    html = client.get(f"/admin/stats/{kind}/{key}?lang=en{team_arg}").get_data(as_text=True)
    for code, figure_kind, _label in stats.FIGURES:
        assert cell(html, f"headline:{code}") == shown(headline[code], figure_kind), code
    compared = 0
    for (section, period, group, figure), value in values.items():
        if section in ("category", "team", "channel") and figure in BREAKDOWN_FIGURES:
            if f'data-figure="{section}:{group}:{figure}"' in html:
                assert cell(html, f"{section}:{group}:{figure}") == shown(value, stats.FIGURE_KIND[figure])
                compared += 1
        elif section == "trend" and f'data-figure="trend:{period}:{figure}"' in html:
            assert cell(html, f"trend:{period}:{figure}") == shown(value, stats.FIGURE_KIND[figure])
            compared += 1
        elif section in ("outcome", "cause", "grade"):
            assert cell(html, f"{section}:{group}:count") == shown(value, stats.COUNT)
            compared += 1
    assert compared > 100

    # The workbook, read back: a sheet per part, the same values in each.
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/admin/stats/{prefix}.xlsx?{kind}={key}{team_arg}").data))
    # headline, trend, categories, teams, channels, outcomes, causes, grades, grades per channel
    assert len(workbook.worksheets) == 9
    sheet = workbook.worksheets[0]
    from_excel = {row[1]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert from_excel == headline
    share_row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "closing_on_time_share")
    assert share_row[2].number_format == "0.0%"
    assert sheet.column_dimensions["A"].width > 20
    categories = workbook.worksheets[2]
    header = [c.value for c in categories[1]]
    for line in categories.iter_rows(min_row=2, values_only=True):
        group = line[1]
        for heading, value in zip(header[2:], line[2:], strict=True):
            code = next(code for code, _kind, label in stats.FIGURES if label == heading)
            assert value == values[("category", key, group, code)], (group, code)
    trend_sheet = workbook.worksheets[1]
    assert [line[0] for line in trend_sheet.iter_rows(min_row=2, values_only=True)][-1] == key

    # The command, as JSON.
    args = ["stats", "monthly" if kind == "month" else "quarterly", f"--{kind}", key, "--format", "json"]
    result = runner.invoke(args=args + (["--team", team] if team else []))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["headline"] == headline
    for (section, period, group, figure), value in values.items():
        if section == "trend":
            assert data["trend"][period][figure] == value
        elif section != "headline":
            assert data["breakdowns"][section][group][figure] == value
    # And as CSV: the same rows (names follow the language; codes and numbers do not).
    csv_result = runner.invoke(args=args[:-1] + ["csv"] + (["--team", team] if team else []))

    def numbers_of(csv_text):
        return [(r["section"], r["period"], r["group"], r["figure"], r["value"], r["target"], r["target_met"])
                for r in csv.DictReader(io.StringIO(csv_text))]

    assert numbers_of(csv_result.output) == numbers_of(text)


def test_the_command_prints_a_table_and_refuses_a_bad_month(runner, dataset, frozen_today):
    with force_locale("en"):  # the command speaks the default language, Dutch; the labels are checked in English
        result = runner.invoke(args=["stats", "monthly", "--month", "2026-03"])
    assert result.exit_code == 0
    assert re.search(r"Share closed on time\s+50\.0%\s+\(target 85\.0%: no\)", result.output)
    bad = runner.invoke(args=["stats", "monthly", "--month", "2026-Q1"])
    assert bad.exit_code == 2 and "2026-03" in bad.output
    unknown_team = runner.invoke(args=["stats", "monthly", "--month", "2026-03", "--team", "NOPE"])
    assert unknown_team.exit_code == 2 and "NOPE" in unknown_team.output


@pytest.mark.parametrize("address, says", [
    ("/admin/stats/month/2026-03?team=NOPE", "NOPE"),
    ("/admin/stats/quarter/2026-Q1?team=NOPE", "NOPE"),
    ("/admin/stats/monthly.csv?month=2026-13", "2026-13"),
    ("/admin/stats/monthly.xlsx?month=maart", "maart"),
    ("/admin/stats/monthly.csv?month=2026-Q1", "2026-Q1"),
    ("/admin/stats/quarterly.csv?quarter=2026-Q5", "2026-Q5"),
    ("/admin/stats/quarterly.xlsx?quarter=2026-03", "2026-03"),
    ("/admin/stats/monthly.csv?month=2026-03&team=%3Cb%3E", "&lt;b&gt;"),
])
def test_bad_input_answers_404_with_a_helpful_page(client, make_staff, login, frozen_today, address, says):
    login(make_staff("manager"))
    response = client.get(address)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert says in page and "/admin/stats/month/2026-04" in page and "/admin/stats/quarter/2026-Q1" in page


def test_an_unreadable_period_in_the_address_leads_back_with_a_message(client, make_staff, login, frozen_today):
    login(make_staff("manager"))
    response = client.get("/admin/stats/month/2026-13")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/stats")
    page = client.get("/admin/stats/month/2026-13?lang=en", follow_redirects=True)
    assert page.status_code == 200 and "“2026-13” is not a month" in page.get_data(as_text=True)
    typed = client.get("/admin/stats/month/%3Cb%3E?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "“&lt;b&gt;” is not a month" in typed  # what was typed is shown as text, never as markup
    # Another kind of period goes to its own page.
    assert client.get("/admin/stats/month/2026-Q1").headers["Location"].endswith("/admin/stats/quarter/2026-Q1")
    assert client.get("/admin/stats/quarter/2026-03").headers["Location"].endswith("/admin/stats/month/2026-03")


def test_an_admin_sets_the_targets_and_the_pages_judge_by_them(client, db, dataset, make_staff, login,
                                                               frozen_today):
    login(make_staff("admin"))
    form = client.get("/admin/stats/targets?lang=en").get_data(as_text=True)
    assert 'value="85"' in form and 'value="8"' in form and 'value="10"' in form
    token = csrf_token_from(form)
    before = {t.code: t.value for t in db.session.scalars(select(Target))}
    try:
        refused = client.post("/admin/stats/targets", data={
            "csrf_token": token, "first_contact_on_time_share": "120", "closing_on_time_share": "85",
            "grade_mean": "acht", "letters_share": "10", "first_line_share": "90", "callbacks_outside_term_share": "30",
            "callbacks_outside_term_share_final": "15", "correction_working_days": "5"})
        assert refused.status_code == 422
        assert "from 0 to 100" in refused.get_data(as_text=True)
        saved = client.post("/admin/stats/targets", data={
            "csrf_token": token, "first_contact_on_time_share": "66,5", "closing_on_time_share": "85",
            "grade_mean": "8,5", "letters_share": "25", "first_line_share": "90", "callbacks_outside_term_share": "30",
            "callbacks_outside_term_share_final": "15", "correction_working_days": "5"})
        assert saved.status_code == 303
        db.session.expire_all()
        assert db.session.scalar(select(Target.value).where(Target.code == "first_contact_on_time_share")) == 0.665
        html = client.get("/admin/stats/month/2026-03?lang=en").get_data(as_text=True)
        assert cell(html, "target:first_contact_on_time_share:result") == "met"  # 66.7% against at least 66.5%
        assert cell(html, "target:grade_mean:result") == "not met"  # 8.0 against at least 8.5
        assert cell(html, "target:letters_share:result") == "within the watch level"  # 20.0% against at most 25%
    finally:
        for code, value in before.items():
            db.session.execute(Target.__table__.update().where(Target.code == code).values(value=value))
        db.session.commit()


def test_the_monthly_mail_goes_when_the_month_is_published_and_carries_its_figures(
        app, db, dataset, make_staff, frozen_today):
    from portal.operations.jobs import publish_figures

    manager = make_staff("manager")
    # March 2026's correction window: five working days after it (1, 2, 7, 8 and 9 April; Good Friday and Easter
    # Monday are no working days), so March is published on 10 April, with the mail.
    def march_mails():
        return db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.template == "monthly", OutboxMessage.subject.contains("maart"))).all()

    assert MARCH not in publish_figures(today=date(2026, 4, 9))
    assert march_mails() == []
    assert MARCH in publish_figures(today=date(2026, 4, 10))
    messages = march_mails()
    assert [message.recipient for message in messages] == [manager.email]
    message = messages[0]
    assert "maart 2026" in message.subject
    # The figures as published (as they stood on 10 April), written the Dutch way, the same as the page shows.
    published = stats.period_figures(MARCH)
    assert published.published.figures_of == date(2026, 4, 10)
    with app.test_request_context(), force_locale("nl"):
        for code in ("received", "first_contact_on_time_share", "closing_on_time_share", "grade_mean"):
            assert f": {published.headline.display(code)}" in message.body_text, code
    assert "10 apr 2026" in message.body_text
    assert "http://meldpunt.test/admin/stats/month/2026-03" in message.body_text
    assert 'href="http://meldpunt.test/admin/stats/month/2026-03"' in message.body_html
    assert publish_figures(today=date(2026, 4, 13)) == [], "a month is published, and mailed, once"
