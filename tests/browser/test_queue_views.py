"""The queue in a real browser on a 1280×800 screen: the KCC lands on today's new work (not on a year-old report),
opens each list from its count box, finds a caller by the phone number typed as people write it with the keyboard
only; a team member sees their own list and only their own teams; every row is one or two lines high; axe-core
audits every view."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from portal.calendar.clock import now_utc
from portal.models import Channel
from portal.reports import workflow
from tests.browser.conftest import output_dir
from tests.browser.keyboard import tab_to
from tests.browser.test_staff_journey import (
    Audits,
    log_in,
    press_enter_and_load,
    queue_references,
    unfold_every_disclosure,
)

pytestmark = pytest.mark.browser

CALLER_PHONE = "+31611112222"
# Every category, so the longest names are in the rows whose height is measured.
CATEGORIES = ("callback", "email", "letter", "information", "other")


@pytest.fixture
def context_options():
    return {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def busy_queue(make_team, make_staff, make_report, db):
    """A KCC with new reports of today and earlier days, one that waited a year, reports with two teams (one assigned
    to a person, one after first contact), and a caller whose report is already with a team."""
    bz, bel = make_team("BZ", "Burgerzaken", "bz@dronten.example"), make_team("BEL", "Belastingen", "bel@d.example")
    kcc = make_staff("kcc", name="Karin Klantcontact")
    tom = make_staff("team", teams=[bz], name="Tom de Vries")
    now = now_utc()
    made = {"year_old": make_report(received_at=now - timedelta(days=365), category="email",
                                    description="Al een jaar geen antwoord op mijn e-mail.")}
    for day in range(8):
        made[f"new_{day}"] = make_report(received_at=now - timedelta(days=day, minutes=5),
                                         category=CATEGORIES[day % len(CATEGORIES)], email=f"bewoner{day}@example.nl",
                                         description="Niemand heeft gereageerd.")
    made["caller"] = make_report(received_at=now - timedelta(days=3), category="information", name="Anna Jansen",
                                 phone=CALLER_PHONE, description="Ik kreeg twee verschillende antwoorden.")
    made["toms"] = make_report(received_at=now - timedelta(days=20), category="letter", email="bram@example.nl",
                               letter_reference="BEL/2026/004512", description="De brief snap ik niet.")
    made["contacted"] = make_report(received_at=now - timedelta(days=6), category="email", email="els@example.nl")
    workflow.assign(made["caller"], team=bz, by=kcc)
    workflow.assign(made["toms"], team=bz, assignee=tom, by=kcc)
    workflow.assign(made["contacted"], team=bel, by=kcc)
    workflow.record_first_contact(made["contacted"], channel=Channel.EMAIL, at=now - timedelta(hours=1),
                                  summary="Gemaild.", by=kcc)
    db.session.commit()
    return made, {"kcc": kcc, "tom": tom}


def assert_rows_fit(page, view):
    """Every row of the list is at most two lines high (2.5 line heights leaves room for the cell padding)."""
    rows = page.evaluate("""() => [...document.querySelectorAll('table.queue-table tbody tr')].map(row => ({
        text: row.innerText.replace(/\\s+/g, ' ').slice(0, 120),
        height: row.getBoundingClientRect().height,
        line: parseFloat(getComputedStyle(row.cells[0]).lineHeight),
    }))""")
    assert rows, f"{view}: the list is empty"
    too_high = [row for row in rows if row["height"] > 2.5 * row["line"]]
    assert not too_high, f"{view}: rows higher than two lines on a 1280 px screen: {too_high}"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 1280, f"{view}: the page scrolls sideways"


def screenshot(page, request, view):
    """The screen as a KCC employee sees it, 1280×800, beside axe_audit's full-page screenshot."""
    name = f"queue-{view}-1280x800.png"
    page.screenshot(path=str(output_dir(request.config, "screenshots") / name))


def open_box(page, view_query):
    """Tab to the count box linking to this list and follow it with Enter; the box is marked as the list shown."""
    selector = f'.queue-counts a[href$="{view_query}"]'
    tab_to(page, selector)
    press_enter_and_load(page)
    assert page.locator(f'{selector}[aria-current="page"]').count() == 1, f"{view_query} is not marked as shown"


def box_number(page, view_query):
    return int(page.locator(f'.queue-counts a[href$="{view_query}"] .counts__number').inner_text().replace(".", ""))


def test_the_kcc_lands_on_todays_work_and_opens_each_list_from_its_count_box(page, axe_audit, request, busy_queue):
    made, people = busy_queue
    audit = Audits(axe_audit)
    log_in(page, people["kcc"])
    assert urlsplit(page.url).path == "/admin/queue"
    new = [made[f"new_{day}"].reference for day in range(8)]
    listed = queue_references(page)
    assert set(listed) == {*new, made["year_old"].reference}, "only what is new and not yet sent to a team"
    assert listed[0] == made["year_old"].reference, "the KCC's oldest undone work comes first (oldest due first)"
    by_reference = {report.reference: report for report in made.values()}
    assert listed == sorted(listed, key=lambda ref: (by_reference[ref].next_due, by_reference[ref].id)), (
        "the oldest due date first")
    assert box_number(page, "view=new") == len(listed)
    assert_rows_fit(page, "new")
    screenshot(page, request, "new")
    audit(page, "queue new not yet sent")

    for view_query, view in (("view=all", "all"), ("view=all&overdue=yes", "overdue"),
                             ("view=all&status=contacted", "contacted")):
        number = box_number(page, view_query)
        open_box(page, view_query)
        assert len(queue_references(page)) == number, f"the {view} box says {number}"
        assert_rows_fit(page, view)
        screenshot(page, request, view)
        audit(page, f"queue {view}")
    unfold_every_disclosure(page)
    audit(page, "queue with the filters unfolded")
    audit.check()


def test_a_caller_is_found_by_the_phone_number_typed_as_people_say_it_with_the_keyboard_only(
        page, axe_audit, request, busy_queue):
    made, people = busy_queue
    log_in(page, people["kcc"])
    assert made["caller"].reference not in queue_references(page), "the caller's report is already with a team"
    tab_to(page, "#q")
    page.keyboard.type("06-1111 2222")
    response = press_enter_and_load(page)
    assert response.status == 200
    assert parse_qs(urlsplit(page.url).query)["q"] == ["06-1111 2222"]
    assert queue_references(page) == [made["caller"].reference], "the caller's report, and nothing else"
    assert page.locator("#q").input_value() == "06-1111 2222", "the search box still says what was typed"
    assert_rows_fit(page, "search")
    screenshot(page, request, "search-phone")
    axe_audit(page, "queue search by phone")


def test_a_team_member_sees_their_own_list_and_only_their_own_teams(page, axe_audit, request, busy_queue):
    made, people = busy_queue
    audit = Audits(axe_audit)
    log_in(page, people["tom"])
    assert urlsplit(page.url).path == "/admin/team"
    assert set(queue_references(page)) == {made["caller"].reference, made["toms"].reference}
    assert page.locator("#team option").evaluate_all("options => options.map(o => o.value)") == ["", "BZ"], (
        "a team member is offered only their own team")
    open_box(page, "view=mine")
    assert queue_references(page) == [made["toms"].reference]
    assert "Tom de Vries" in page.locator("table.queue-table").inner_text(), "the person it is assigned to"
    assert_rows_fit(page, "mine")
    screenshot(page, request, "mine")
    audit(page, "team queue assigned to me")
    audit.check()
