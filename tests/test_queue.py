"""The staff queue: most urgent first, the views, filters, counts that link to their lists, the search for a caller by
whatever the caller knows (and never a report the searcher may not see), and paging without OFFSET."""
import re
from datetime import datetime, timedelta
from html import unescape

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
    assert counts["overdue"] == 1 and counts["open"] == 3 and counts["unsent"] == 2 and counts["mine"] == 0
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
        seen += rows
        if cursor is None:
            break
    assert sorted(r.reference for r in seen) == sorted(r.reference for r in made) and len(seen) == 23
    keys = [(r.next_due, r.id) for r in seen]
    assert keys == sorted(keys)
    assert queue.decode_cursor(queue.encode_cursor((made[0].next_due, 7))) == (made[0].next_due, 7)
    assert queue.decode_cursor("garbage") is None


def test_the_queue_page_pages_and_survives_bad_parameters(client, make_report, make_staff, login, db):
    login(make_staff("kcc"))
    for n in range(3):
        make_report(received_at=local(2026, 2, 2, 9, 0) + timedelta(days=n))
    for query in ("?after=garbage", "?q=%25_", "?view=all&after=garbage", "?q=" + "9" * 200):
        assert client.get("/admin/queue" + query).status_code == 200, query
    for query in ("?received_from=not-a-date", "?status=nonsense", "?team=NOPE", "?view=nonsense"):
        response = client.get("/admin/queue" + query + "&lang=en")
        assert response.status_code == 422, query
        assert "These filters could not be used and were left out" in response.get_data(as_text=True), query
    assert client.get("/admin/queue?q=%00").status_code == 400, "a NUL byte reaches no database"


def test_the_search_text_is_shown_back_as_text(client, make_staff, login):
    login(make_staff("kcc"))
    html = client.get("/admin/queue", query_string={"q": '<script>alert(1)</script>"'}).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# ---------------------------------------------------------------------------------------------------------------
# Finding a caller: a hand-made set of callers, two teams, and a report another team's member may never see


@pytest.fixture
def callers(make_report, make_team, make_staff, db):
    bz, bel = make_team("BZ", "Burgerzaken", "bz@dronten.example"), make_team("BEL", "Belastingen", "bel@d.example")
    people = {"kcc": make_staff("kcc", name="Karin Klantcontact"),
              "tom": make_staff("team", teams=[bz], name="Tom de Vries"),
              "els": make_staff("team", teams=[bel], name="Els Bakker")}
    made = {
        "anna": make_report(received_at=local(2026, 3, 2, 9, 0), name="Anna Jansen", email="anna.jansen@example.nl",
                            phone="+31611112222", description="Niemand belde mij terug over mijn paspoort."),
        "bram": make_report(received_at=local(2026, 3, 3, 9, 0), category="letter", name="Bram de Boer-El Amrani",
                            letter_reference="BEL/2026/004512", description="De brief over de WOZ snap ik niet."),
        "karel": make_report(received_at=local(2026, 3, 4, 9, 0), name="Karel Geheim", email="karel@example.nl",
                             phone="+31622223333", letter_reference="BEL/2026/999999",
                             description="Over mijn aanslag afvalstoffenheffing."),
        "closed": make_report(received_at=local(2026, 1, 5, 9, 0), name="Anna Jansen", email="anna.jansen@example.nl",
                              description="Een oude melding."),
    }
    with time_machine.travel(local(2026, 3, 4, 12, 0)):
        workflow.assign(made["bram"], team=bz, assignee=people["tom"], by=people["kcc"])
        workflow.assign(made["karel"], team=bel, by=people["kcc"])
    made["closed"].status = ReportStatus.CLOSED
    db.session.commit()
    return made, people


def listed(response):
    """The references in the page's list (the search box and links repeat what was typed; they don't count)."""
    return re.findall(r'<a href="/admin/reports/\d+">(MC-[0-9A-Z]{4}-[0-9A-Z]{4})</a>', response.get_data(as_text=True))


def found(user, text, **filters):
    return refs(queue.page(user, queue.QueueFilters(text=text, **filters))[0])


@pytest.mark.parametrize("typed", ["anna.jansen@example.nl", "Anna.Jansen@Example.NL", " ANNA.JANSEN@EXAMPLE.NL "])
def test_an_email_address_is_found_in_any_letter_case(callers, typed):
    made, people = callers
    assert found(people["kcc"], typed) == [made["anna"].reference]


@pytest.mark.parametrize("typed", ["0611112222", "06-11112222", "06 1111 2222", "+31 6 11112222", "+31611112222",
                                   "0031 6 1111 2222", "(06) 11 11 22 22"])
def test_a_phone_number_is_found_as_people_write_it(callers, typed):
    made, people = callers
    assert found(people["kcc"], typed) == [made["anna"].reference]


@pytest.mark.parametrize("typed, who", [
    ("Anna Jansen", "anna"), ("anna jansen", "anna"), ("ANNA", "anna"), ("jans", "anna"), ("Jansen", "anna"),
    ("de boer", "bram"), ("Boer", "bram"), ("el amrani", "bram"), ("Amrani", "bram"),
    ("Bram de Boer-El Amrani", "bram"),
])
def test_a_name_is_found_whole_or_by_the_start_of_a_part(callers, typed, who):
    made, people = callers
    assert found(people["kcc"], typed) == [made[who].reference]


@pytest.mark.parametrize("typed", ["ansen", "nna jans", "mrani"])
def test_a_name_is_not_found_by_a_piece_from_its_middle(callers, typed):
    _made, people = callers
    assert found(people["kcc"], typed) == []


@pytest.mark.parametrize("typed", ["BEL/2026/004512", "bel/2026/004512", "BEL/2026/0045", "Bel/2026"])
def test_a_letter_reference_is_found_whole_or_by_its_start_in_any_case(callers, typed):
    made, people = callers
    expected = {made["bram"].reference, made["karel"].reference} if typed.lower() == "bel/2026" else {
        made["bram"].reference}
    assert set(found(people["kcc"], typed)) == expected


def reference_parts(reference):
    """What a caller may read out of MC-K7Q2-X9ZD: one half, the halves in other forms, a piece across the dash."""
    first, second = reference[3:7], reference[8:]
    return [first, second.lower(), f"mc {first.lower()}", f"MC-{first}", first[2:] + second[:2],
            f"{first[1:]}-{second[:1]}", f"{first} {second[:2]}", f"mc {first.lower()} {second.lower()}"]


def test_part_of_a_reference_finds_the_report(callers):
    made, people = callers
    for typed in reference_parts(made["anna"].reference):
        assert made["anna"].reference in found(people["kcc"], typed), typed
    # An O typed for a zero and an I for a one, as on the phone.
    part = made["anna"].reference[3:7]
    assert made["anna"].reference in found(people["kcc"], part.replace("0", "O").replace("1", "I"))


def test_the_description_is_searched_as_before(callers):
    made, people = callers
    assert found(people["kcc"], "paspoort") == [made["anna"].reference]
    assert found(people["kcc"], "WOZ snap") == [made["bram"].reference]


def test_closed_reports_are_searched_when_asked_and_the_page_offers_it(callers, client, login):
    made, people = callers
    assert found(people["kcc"], "anna.jansen@example.nl", statuses=tuple(ReportStatus)) == [
        made["closed"].reference, made["anna"].reference]
    login(people["kcc"])
    response = client.get("/admin/queue?q=Anna+Jansen&lang=en")
    assert listed(response) == [made["anna"].reference]
    wider = re.search(r'<a href="([^"]+)">Search closed reports too</a>', response.get_data(as_text=True))
    assert wider, "the page offers no way to search closed reports too"
    assert listed(client.get(unescape(wider.group(1)))) == [made["closed"].reference, made["anna"].reference]


@pytest.mark.parametrize("kind", ["email", "phone", "name", "letter", "reference", "part", "text"])
def test_a_search_never_shows_another_teams_report(callers, client, login, kind):
    made, people = callers
    karel = made["karel"]
    typed = {"email": "KAREL@example.nl", "phone": "06-22223333", "name": "karel geheim",
             "letter": "bel/2026/999999", "reference": karel.reference, "part": karel.reference[3:7],
             "text": "afvalstoffenheffing"}[kind]
    assert found(people["kcc"], typed) == [karel.reference], "the KCC finds it"
    assert found(people["els"], typed) == [karel.reference], "its own team finds it"
    for statuses in (queue.OPEN_STATUSES, tuple(ReportStatus)):
        assert karel.reference not in found(people["tom"], typed, statuses=statuses), "another team's member"
    login(people["tom"])
    for extra in ({}, {"status": "all", "view": "all"}, {"team": "BEL"}):
        assert karel.reference not in listed(client.get("/admin/team", query_string={"q": typed, **extra})), extra
    assert client.get("/admin/queue", query_string={"q": typed}).status_code == 403


# ---------------------------------------------------------------------------------------------------------------
# The views, the count boxes as links, the team filter, and what a row says


TODAY = (2026, 3, 5, 10, 0)  # Thursday 5 March 2026


@pytest.fixture
def at_today():
    with time_machine.travel(local(*TODAY), tick=False):
        yield


@pytest.fixture
def waiting(callers, make_report, at_today):
    """Besides the callers: today's new report, and one that has waited for a year without being sent on."""
    made, people = callers
    made["today"] = make_report(received_at=local(2026, 3, 5, 8, 30), description="Vanochtend gebeld, niemand.")
    made["year_old"] = make_report(received_at=local(2025, 3, 3, 9, 0), description="Al een jaar niets gehoord.")
    return made, people


def test_the_kcc_lands_on_what_is_new_and_not_yet_sent_the_oldest_due_first(waiting, client, login):
    made, people = waiting
    login(people["kcc"])
    response = client.get("/admin/queue?lang=en")
    assert listed(response) == [made["year_old"].reference, made["anna"].reference, made["today"].reference], (
        "the KCC's own work, oldest due first (DESIGN.md); reports already with a team are not in it")
    assert "<h2 class=\"queue-heading\">New, not yet sent to a team</h2>" in response.get_data(as_text=True)
    everything = listed(client.get("/admin/queue?view=all"))
    assert everything[0] == made["year_old"].reference and set(everything) == {
        made[key].reference for key in ("today", "anna", "year_old", "bram", "karel")}


def test_a_search_from_the_landing_page_looks_through_every_report(waiting, client, login):
    made, people = waiting
    login(people["kcc"])
    assert listed(client.get("/admin/queue", query_string={"q": "06-22223333"})) == [made["karel"].reference]
    assert listed(client.get("/admin/queue", query_string={"q": "06-22223333", "view": "new"})) == [], (
        "a search within a chosen list stays within it")


def test_others_land_on_every_report_and_a_member_on_their_teams(waiting, app, make_staff):
    made, people = waiting
    assert listed(log_in(app, make_staff("manager")).get("/admin/queue"))[0] == made["year_old"].reference
    assert listed(log_in(app, people["tom"]).get("/admin/team")) == [made["bram"].reference]


def test_assigned_to_me_lists_only_the_reports_of_the_person_looking(waiting, app):
    made, people = waiting
    assert refs(queue.page(people["tom"], queue.QueueFilters(**queue.view_filters("mine", people["tom"])))[0]) == [
        made["bram"].reference]
    assert queue.page(people["els"], queue.QueueFilters(**queue.view_filters("mine", people["els"])))[0] == []
    assert listed(log_in(app, people["tom"]).get("/admin/team?view=mine")) == [made["bram"].reference]
    els = log_in(app, people["els"])
    assert listed(els.get("/admin/team?view=mine")) == []
    assert listed(els.get("/admin/team")) == [made["karel"].reference]


def log_in(app, user):
    """A client of its own, logged in as `user` through the log-in form."""
    from tests.conftest import STAFF_PASSWORD, csrf_token_from

    client = app.test_client()
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login", data={"csrf_token": token, "email": user.email,
                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 303, "log-in failed"
    return client


def count_boxes(response):
    """(label, number, link, shown now) of each count box."""
    html = response.get_data(as_text=True)
    boxes = re.findall(r'<li><a href="([^"]+)"( aria-current="page")?[^>]*><span class="counts__label">([^<]+)</span> '
                       r'<span class="counts__number">([\d.,]+)</span></a></li>', html)
    return [(label, int(number.replace(",", "").replace(".", "")), unescape(url), bool(current))
            for url, current, label, number in boxes]


@pytest.mark.parametrize("who, page", [("kcc", "/admin/queue"), ("tom", "/admin/team"), ("els", "/admin/team")])
def test_each_count_box_links_to_the_list_it_counts(waiting, client, login, who, page):
    _made, people = waiting
    login(people[who])
    boxes = count_boxes(client.get(page + "?lang=en"))
    expected = ["Assigned to me", "All open", "With a team", "Resident contacted", "Overdue"]
    assert [label for label, *_ in boxes] == (["New, not yet sent to a team"] if who == "kcc" else []) + expected
    assert sum(current for *_, current in boxes) == 1, "the list shown is marked"
    for label, number, url, _current in boxes:
        response = client.get(url)
        assert len(listed(response)) == number, f"{label}: the box says {number}, its list shows {listed(response)}"
        assert [current for box_label, *_, current in count_boxes(response) if box_label == label] == [True], label
    numbers = {label: number for label, number, *_ in boxes}
    assert numbers["Overdue"] == (2 if who == "kcc" else 0)  # anna's first contact was due on 4 March; a year-old one
    assert numbers["Assigned to me"] == (1 if who == "tom" else 0)


def team_choices(response):
    select = re.search(r'<select[^>]*id="team"[^>]*>(.*?)</select>', response.get_data(as_text=True), re.S).group(1)
    return re.findall(r'<option[^>]*value="([^"]*)"', select)


def test_a_team_member_is_offered_only_their_own_teams(waiting, app):
    made, people = waiting
    tom = log_in(app, people["tom"])
    assert team_choices(tom.get("/admin/team")) == ["", "BZ"]
    response = tom.get("/admin/team?team=BEL&status=all&lang=en")
    assert response.status_code == 422 and "left out: Team" in response.get_data(as_text=True)
    assert made["karel"].reference not in listed(response)
    assert team_choices(log_in(app, people["kcc"]).get("/admin/queue")) == ["", "none", "BEL", "BZ"]


def test_a_row_says_who_has_it_which_term_its_date_is_and_how_long_ago_in_words(waiting, client, login, db):
    made, people = waiting
    with time_machine.travel(local(2026, 3, 4, 15, 0), tick=False):
        workflow.record_first_contact(made["karel"], channel=Channel.PHONE, at=local(2026, 3, 4, 14, 0),
                                      summary="Gebeld.", by=people["kcc"])
    db.session.commit()
    login(people["kcc"])
    html = client.get("/admin/queue?view=all&lang=en").get_data(as_text=True)
    rows = {ref: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
            for ref in re.findall(r"MC-[0-9A-Z]{4}-[0-9A-Z]{4}", row)}
    bram, karel, anna, today = (rows[made[key].reference] for key in ("bram", "karel", "anna", "today"))
    assert "Tom de Vries" in bram and "Nobody in particular" in karel, "the person it is assigned to"
    assert "First contact by Mar 4, 2026" in anna, "a resident who wants contact: first contact is the next term"
    assert re.search(r"Close by Mar \d+, 2026", karel), "after first contact: closing"
    assert re.search(r"Close by Mar \d+, 2026", bram), "no contact asked for: closing is the only term"
    assert "3 days ago" in anna and "2 days ago" in bram and "1 day ago" in karel and "today" in today
    assert "Overdue" in anna and "Overdue" not in today
    assert not re.search(r"\d\d:\d\d:\d\d|CET|CEST", html), "times are written without seconds or zone"


# ---------------------------------------------------------------------------------------------------------------
# Migration 0009: the search and queue indexes, up and down, on SQLite and PostgreSQL


SEARCH_INDEXES = {"ix_reports_email", "ix_reports_phone", "ix_reports_name_trgm", "ix_reports_letter_reference_trgm",
                  "ix_reports_description_trgm", "ix_reports_reference_trgm", "ix_reports_open_search",
                  "ix_reports_open_assignee_next_due", "ix_reports_open_counts"}


def test_migration_0009_adds_the_search_indexes_and_takes_them_away_again(empty_database_url):
    import flask_migrate
    from sqlalchemy import inspect, text

    from portal import create_app
    from portal.extensions import db

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        def indexes():
            return {index["name"] for index in inspect(db.engine).get_indexes("reports")} & SEARCH_INDEXES

        flask_migrate.upgrade(revision="0009")
        assert indexes() == SEARCH_INDEXES
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                trigram = connection.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'reports' "
                                                  "AND indexdef LIKE '%USING gin%gin_trgm_ops%'")).scalars().all()
                statistics = connection.execute(text("SELECT stxname FROM pg_statistic_ext")).scalars().all()
            assert set(trigram) == {name for name in SEARCH_INDEXES if name.endswith(("_trgm", "_search"))}
            assert "st_reports_status_team" in statistics
        flask_migrate.downgrade(revision="0008")
        assert indexes() == set()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                assert "st_reports_status_team" not in connection.execute(
                    text("SELECT stxname FROM pg_statistic_ext")).scalars().all()
        flask_migrate.upgrade()
        assert indexes() == SEARCH_INDEXES
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_the_filters_unfold_when_they_narrow_the_list_and_stay_folded_for_a_count_box(client, make_staff, login):
    login(make_staff("kcc"))
    unfolded = '<details class="queue-filters" open>'
    assert unfolded in client.get("/admin/queue?view=all&category=other").get_data(as_text=True)
    assert unfolded in client.get("/admin/queue?category=nope").get_data(as_text=True), "a filter left out is shown"
    for folded in ("/admin/queue", "/admin/queue?view=all&overdue=yes", "/admin/queue?q=Jansen&lang=en"):
        assert unfolded not in client.get(folded).get_data(as_text=True), folded
