"""The staff queue: most urgent first, filters, counts, search, and paging without OFFSET."""
from datetime import datetime, timedelta

import pytest
import time_machine

from portal.calendar.clock import LOCAL_ZONE
from portal.models import Channel, ReportStatus
from portal.reports import queue, workflow


def local(*args):
    return datetime(*args, tzinfo=LOCAL_ZONE)


@pytest.fixture
def reports(make_report, make_team, make_staff, db):
    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc")
    made = {
        # Residents who asked to be called back: each report has a first-contact term.
        "old": make_report(received_at=local(2026, 3, 2, 9, 0), description="Brief over de afvalpas klopt niet.",
                           phone="+31612345001"),
        "middle": make_report(received_at=local(2026, 3, 4, 9, 0), category="other", phone="+31612345002"),
        "new": make_report(received_at=local(2026, 3, 6, 9, 0), channel=Channel.PHONE, phone="+31612345003"),
    }
    with time_machine.travel(local(2026, 3, 6, 12, 0)):
        workflow.assign(made["middle"], team=team, by=kcc)
    db.session.commit()
    return made, kcc, team


def refs(rows):
    return [row.reference for row in rows]


def test_the_most_urgent_report_comes_first(reports):
    made, kcc, _team = reports
    rows, cursor = queue.page(kcc, queue.QueueFilters())
    assert refs(rows) == [made["old"].reference, made["new"].reference, made["middle"].reference]
    assert cursor is None


def test_filters_narrow_the_queue(reports):
    made, kcc, _team = reports
    assert refs(queue.page(kcc, queue.QueueFilters(team="BZ"))[0]) == [made["middle"].reference]
    assert refs(queue.page(kcc, queue.QueueFilters(team="none"))[0]) == [made["old"].reference, made["new"].reference]
    assert refs(queue.page(kcc, queue.QueueFilters(channel="phone"))[0]) == [made["new"].reference]
    assert refs(queue.page(kcc, queue.QueueFilters(category="other"))[0]) == [made["middle"].reference]
    within = queue.QueueFilters(received_from=local(2026, 3, 3, 0, 0).date(),
                                received_to=local(2026, 3, 4, 0, 0).date())
    assert refs(queue.page(kcc, within)[0]) == [made["middle"].reference]


def test_overdue_and_counts(reports):
    made, kcc, _team = reports
    # On Monday 9 March only first contact for the callback of Monday 2 March (due Wed 4) has passed;
    # "other" from Wed 4 has five working days (due Wed 11), the callback of Fri 6 is due Tue 10.
    filters = queue.QueueFilters(overdue=True)
    rows, _ = queue.page(kcc, filters, today=local(2026, 3, 9, 9, 0).date())
    assert refs(rows) == [made["old"].reference]
    counts = queue.counts(kcc, queue.QueueFilters(), today=local(2026, 3, 9, 9, 0).date())
    assert counts["overdue"] == 1
    assert counts["by_status"][ReportStatus.NEW] == 2 and counts["by_status"][ReportStatus.ASSIGNED] == 1


@pytest.mark.parametrize("text", ["afvalpas", "AFVALPAS", "%", "_"])
def test_search_finds_text_and_treats_wildcards_literally(reports, text):
    made, kcc, _team = reports
    rows, _ = queue.page(kcc, queue.QueueFilters(text=text))
    expected = [made["old"].reference] if text.lower() == "afvalpas" else []
    assert refs(rows) == expected


def test_search_by_reference_however_typed(reports):
    made, kcc, _team = reports
    typed = made["new"].reference.lower().replace("-", " ")
    assert refs(queue.page(kcc, queue.QueueFilters(text=typed))[0]) == [made["new"].reference]


def test_keyset_pages_cover_every_report_once(make_report, make_staff, db):
    kcc = make_staff("kcc")
    start = local(2026, 2, 2, 9, 0)
    made = [make_report(received_at=start + timedelta(hours=5 * n), commit=False) for n in range(23)]
    db.session.commit()
    seen, cursor = [], None
    while True:
        rows, cursor = queue.page(kcc, queue.QueueFilters(), after=cursor, size=5)
        seen += refs(rows)
        if cursor is None:
            break
    assert sorted(seen) == sorted(r.reference for r in made) and len(seen) == 23
    assert queue.decode_cursor(queue.encode_cursor((made[0].next_due, 7))) == (made[0].next_due, 7)
    assert queue.decode_cursor("garbage") is None


def test_the_queue_page_pages_and_survives_bad_parameters(client, make_report, make_staff, login, db):
    login(make_staff("kcc"))
    for n in range(3):
        make_report(received_at=local(2026, 2, 2, 9, 0) + timedelta(days=n))
    for query in ("?after=garbage", "?q=%25_"):
        assert client.get("/admin/queue" + query).status_code == 200, query
    for query in ("?received_from=not-a-date", "?status=nonsense", "?team=NOPE"):
        response = client.get("/admin/queue" + query + "&lang=en")
        assert response.status_code == 422, query
        assert "These filters could not be used and were left out" in response.get_data(as_text=True), query
    assert client.get("/admin/queue?q=%00").status_code == 400, "a NUL byte reaches no database"
