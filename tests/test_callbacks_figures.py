"""The callback figures on a hand-computed set (March 2026, Amsterdam time; "today" is 1 April).

 req  registered          team term due       attempts                              linked  counts as
 A    Mon 2 Mar 10:00     BZ   2    Wed 4 Mar  Tue 3 reached (1 wd)                 -       on time, contact on time
 B    Mon 2 Mar 11:00     BZ   2    Wed 4 Mar  Thu 5 not reached (3 wd), Fri 6 yes   report  late, broken promise
 C    Wed 4 Mar 09:00     BZ   2    Fri 6 Mar  Wed 4 15:00 not reached (0 wd)        -       on time, no contact
 D    Mon 9 Mar 10:00     WZ   3    Thu 12 Mar none                                 report  late, broken promise
 E    Tue 31 Mar 23:30    BZ   2    Thu 2 Apr  none (not due yet on 1 April)        -       neither
 F    Wed 1 Apr 00:30     BZ   -    -          (April: not in March)

March: 5 requests; first attempt on time 2 (A, C) = 40%; contact on time 1 (A) = 20%; outside the term 2 (B, D)
= 40%; broken promises 2; median working days to first attempt over A, B, C (1, 3, 0) = 1. C came in at the desk.
"""
from datetime import date, datetime

import pytest

from portal.calendar.clock import LOCAL_ZONE
from portal.callbacks import attempts, links
from portal.callbacks.figures import callback_figures
from portal.figures.periods import Period
from portal.reports.models import Channel

TODAY = date(2026, 4, 1)


def local(month, day, hour=10, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_ZONE)


@pytest.fixture
def dataset(db, make_team, make_staff, make_callback, make_report):
    bz, wz = make_team("BZ", "Burgerzaken"), make_team("WZ", "Werk en Zorg", "wz@dronten.example")
    wz.callback_term_days = 3
    db.session.commit()
    member = make_staff("team", teams=[bz, wz])

    def attempt(callback, at, reached):
        attempts.record_callback_attempt(callback, at=at, channel=Channel.PHONE, reached=reached, note="", by=member)

    a = make_callback(bz, registered_at=local(3, 2))
    attempt(a, local(3, 3), True)
    b = make_callback(bz, registered_at=local(3, 2, 11))
    attempt(b, local(3, 5), False)
    attempt(b, local(3, 6), True)
    c = make_callback(bz, registered_at=local(3, 4, 9), channel=Channel.DESK)
    attempt(c, local(3, 4, 15), False)
    d = make_callback(wz, registered_at=local(3, 9))
    make_callback(bz, registered_at=local(3, 31, 23, 30))
    make_callback(bz, registered_at=local(4, 1, 0, 30))
    for callback in (b, d):
        links.link(make_report(phone=callback.phone), callback, by=member)
    db.session.commit()
    assert (a.due, b.due, c.due, d.due) == (date(2026, 3, 4), date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 12))
    return {"BZ": bz.id, "WZ": wz.id}


def test_the_months_figures_match_the_hand_count(dataset):
    figures = callback_figures(Period.month(2026, 3), today=TODAY)[None]
    assert (figures.requests, figures.first_attempt_on_time, figures.contact_on_time, figures.outside_term,
            figures.broken_promises) == (5, 2, 1, 2, 2)
    assert figures.first_attempt_on_time_share == pytest.approx(0.4)
    assert figures.contact_on_time_share == pytest.approx(0.2)
    assert figures.outside_term_share == pytest.approx(0.4)
    assert figures.first_attempt_days_median == 1


def test_per_team_and_per_channel(dataset):
    per_team = callback_figures(Period.month(2026, 3), group_by="team", today=TODAY)
    assert per_team[dataset["BZ"]].requests == 4 and per_team[dataset["BZ"]].outside_term == 1
    assert per_team[dataset["WZ"]].requests == 1 and per_team[dataset["WZ"]].broken_promises == 1
    assert per_team[dataset["WZ"]].first_attempt_days_median is None
    per_channel = callback_figures(Period.month(2026, 3), group_by="channel", today=TODAY)
    assert per_channel[Channel.PHONE].requests == 4 and per_channel[Channel.DESK].requests == 1
    assert per_channel[Channel.DESK].first_attempt_days_median == 0


def test_a_team_alone_and_the_quarter(dataset):
    assert callback_figures(Period.month(2026, 3), team_id=dataset["WZ"], today=TODAY)[None].requests == 1
    assert callback_figures(Period.quarter(2026, 1), today=TODAY)[None].requests == 5
    empty = callback_figures(Period.month(2026, 2), today=TODAY)[None]
    assert empty.requests == 0 and empty.outside_term_share is None
