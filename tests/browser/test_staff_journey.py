"""Staff in a real browser: the KCC sends a report to a team and the team closes it, with the keyboard only; a
member of another team cannot open it; resident text stays text; axe-core audits every staff page."""
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import select

from portal.calendar.clock import LOCAL_ZONE, local_today, now_utc
from portal.labels import EVENT_LABELS
from portal.models import Cause, ClosingDay, OutboxMessage, Outcome, Report, ReportStatus
from portal.reports import workflow
from tests.browser.keyboard import active, choose_radio, focus_matches, tab_to
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

RESIDENT = "anna.devries@example.nl"
STORY = "Ik zou teruggebeld worden over mijn parkeervergunning, maar niemand heeft gebeld."


# ---------------------------------------------------------------------------------------------------------------
# Helpers: the keyboard, the page, the database


def press_enter_and_load(page):
    """Enter on whatever has focus, which must load a new page; returns the final response."""
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def choose_option(page, selector, value):
    """With focus on the <select> `selector`, move with the arrow keys to the option `value`."""
    select_box = page.locator(selector)
    for _ in range(select_box.locator("option").count() + 1):
        assert focus_matches(page, selector), f"focus left {selector}: {active(page)}"
        if select_box.input_value() == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the arrow keys never chose {value!r} in {selector}; it shows {select_box.input_value()!r}")


def is_open(page, details_selector):
    return page.locator(details_selector).evaluate("details => details.open")


def unfold_with_keyboard(page, details_selector, key):
    """Tab to the disclosure's summary and unfold it with `key`; an unfolded one is folded and unfolded again,
    so the key is always shown to work. The form inside must be visible afterwards."""
    tab_to(page, f"{details_selector} > summary")
    if is_open(page, details_selector):
        page.keyboard.press(key)
        assert not is_open(page, details_selector), f"{key} on the summary did not fold {details_selector}"
        assert not page.locator(f"{details_selector} form").first.is_visible()
    page.keyboard.press(key)
    assert is_open(page, details_selector), f"{key} on the summary did not unfold {details_selector}"
    assert page.locator(f"{details_selector} form").first.is_visible()


def log_in(page, user):
    """Log in at /admin/login by typing the address and the password and pressing Enter."""
    page.goto("/admin/login")
    tab_to(page, "#email")
    page.keyboard.type(user.email)
    tab_to(page, "#password")
    page.keyboard.type(STAFF_PASSWORD)
    response = press_enter_and_load(page)
    assert response.status == 200, f"log-in answered {response.status} at {page.url}"
    assert "/admin/login" not in page.url, f"log-in failed for {user.email}: {page.locator('main').inner_text()}"


def queue_references(page):
    return page.locator("table.table tbody tr td:first-child a").all_inner_texts()


def success_notice(page):
    notice = page.locator(".flash-messages .notice--success")
    shown = page.locator("main").inner_text()[:500]
    assert notice.count() == 1, f"expected one success message; the page shows: {shown}"
    return notice.inner_text().strip()


def error_notices(page):
    return page.locator(".notice--error, .error-summary, .field__error").all_inner_texts()


def translated(app, text, language="nl", **values):
    with app.test_request_context(), force_locale(language):
        return gettext(text, **values)


def event_label(app, kind, language="nl"):
    with app.test_request_context(), force_locale(language):
        return str(EVENT_LABELS[kind])


def fresh(db, report):
    """The report as the server committed it, not as this test's session last saw it."""
    report_id = report.id
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Report, report_id)


def settle(page):
    """Give an image's error handler or any other stray script its turn before concluding that nothing ran."""
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 150))")


def html_lang(page):
    return page.evaluate("() => document.documentElement.lang")


def cause(db, code):
    return db.session.scalar(select(Cause).where(Cause.code == code))


# ---------------------------------------------------------------------------------------------------------------
# The KCC: triage with the keyboard only


def test_a_kcc_employee_logs_in_and_sends_a_new_report_to_a_team_with_the_keyboard_only(
    page, app, db, make_team, make_staff, make_report
):
    make_team("BEL", "Belastingen", "bel@dronten.example")
    make_team("VG", "Vergunningen", "vg@dronten.example")
    kcc = make_staff("kcc", name="Karin Klantcontact")
    now = now_utc()
    # One category, so the order depends on the received time alone, whatever terms the category has.
    # Residents who asked to be called back: each report's next term is its first contact.
    oldest = make_report(description="Ik ben al drie weken niet teruggebeld over mijn huurtoeslag.",
                         received_at=now - timedelta(days=15), phone="+31612345001")
    new = make_report(description=STORY, email=RESIDENT, received_at=now - timedelta(hours=3))
    older = make_report(description="Niemand belde mij terug over de WOZ-beschikking.",
                        received_at=now - timedelta(days=8), phone="+31612345002")
    expected_order = [oldest, older, new]
    assert [r.next_due for r in expected_order] == sorted({r.next_due for r in expected_order}), (
        "the test needs three different due dates to see the order"
    )

    log_in(page, kcc)
    assert urlsplit(page.url).path == "/admin/queue", "the KCC lands on the queue of all reports"
    assert queue_references(page) == [r.reference for r in expected_order], (
        "the queue shows the most urgent report (earliest due) first, and the new one last"
    )

    tab_to(page, f'a[href="/admin/reports/{new.id}"]')
    press_enter_and_load(page)
    assert urlsplit(page.url).path == f"/admin/reports/{new.id}"
    assert new.reference in page.locator("h1").inner_text()
    assert page.locator("#resident-text").inner_text() == STORY

    assign = "details.action:has(#assign-team)"
    unfold_with_keyboard(page, assign, "Enter")
    tab_to(page, "#assign-team")
    choose_option(page, "#assign-team", "VG")
    tab_to(page, f'{assign} button[type="submit"]')
    response = press_enter_and_load(page)

    assert response.status == 200 and urlsplit(page.url).path == f"/admin/reports/{new.id}", (
        f"after sending, the report page is shown again; got {response.status} at {page.url}: {error_notices(page)}"
    )
    assert success_notice(page) == translated(app, "Report %(ref)s sent to %(team)s.", ref=new.reference,
                                              team="Vergunningen")

    report = fresh(db, new)
    assert report.status is ReportStatus.ASSIGNED
    assert report.team.code == "VG"
    assert report.assignee is None, "'nobody in particular' is the default person"
    event = report.events[-1]
    assert (event.kind, event.actor_id, event.actor) == ("assigned", kcc.id, "Karin Klantcontact")
    assert event.details["after"]["team"] == "VG"
    for other in (oldest, older):
        assert fresh(db, other).status is ReportStatus.NEW, "only the opened report was sent"


# ---------------------------------------------------------------------------------------------------------------
# The team: first contact and closing with the keyboard only


@pytest.fixture
def assigned_report(make_team, make_staff, make_report, db):
    """A report received four hours ago with the resident's address, sent by the KCC to team VG."""
    team = make_team("VG", "Vergunningen", "vg@dronten.example")
    other_team = make_team("BEL", "Belastingen", "bel@dronten.example")
    kcc = make_staff("kcc", name="Karin Klantcontact")
    report = make_report(description=STORY, email=RESIDENT, name="Anna de Vries",
                         received_at=now_utc() - timedelta(hours=4))
    workflow.assign(report, team=team, by=kcc)
    db.session.commit()
    return {"report": report, "team": team, "other_team": other_team, "kcc": kcc}


def test_a_team_member_records_first_contact_and_closes_the_report_with_the_keyboard_only(
    page, app, db, make_staff, make_report, assigned_report
):
    report = assigned_report["report"]
    member = make_staff("team", teams=[assigned_report["team"]], name="Tom Vergunningen")
    elsewhere = make_report(description="Over een ander team.", received_at=now_utc() - timedelta(hours=5))
    workflow.assign(elsewhere, team=assigned_report["other_team"], by=assigned_report["kcc"])
    make_report(description="Nog niet naar een team gestuurd.")
    db.session.commit()

    log_in(page, member)
    assert urlsplit(page.url).path == "/admin/team", "a team member lands on their team's reports"
    assert queue_references(page) == [report.reference], "the team's queue holds its own report and nothing else"

    tab_to(page, f'a[href="/admin/reports/{report.id}"]')
    press_enter_and_load(page)
    assert urlsplit(page.url).path == f"/admin/reports/{report.id}"

    # First contact: channel by arrow keys, the time already filled in, a typed summary.
    first_contact = "details.action:has(#first_contact-summary)"
    unfold_with_keyboard(page, first_contact, "Enter")
    tab_to(page, 'input[name="first_contact-channel"]')
    choose_radio(page, "first_contact-channel", "email")
    tab_to(page, "#first_contact-at")
    prefilled = page.locator("#first_contact-at").input_value()
    assert prefilled, "the time of contact is prefilled, so the keyboard user need not type it"
    prefilled = datetime.strptime(prefilled, "%Y-%m-%dT%H:%M")
    local_now = now_utc().astimezone(LOCAL_ZONE).replace(tzinfo=None)
    assert local_now - timedelta(minutes=5) <= prefilled <= local_now, (
        f"the time of contact is prefilled with now in local time ({local_now:%H:%M}), not {prefilled}"
    )
    tab_to(page, "#first_contact-summary")
    page.keyboard.type("Mevrouw gemaild, excuses gemaakt en een afspraak voorgesteld.")
    tab_to(page, f'{first_contact} button[type="submit"]')
    response = press_enter_and_load(page)
    assert response.status == 200, f"first contact was refused ({response.status}): {error_notices(page)}"
    assert success_notice(page) == translated(app, "First contact recorded.")
    assert fresh(db, report).status is ReportStatus.CONTACTED

    # Closing: outcome by arrow keys, a cause ticked with Space, the answer to the resident typed.
    not_passed_on = cause(db, "callback_not_passed_on")
    close = "details.action:has(#close-summary)"
    unfold_with_keyboard(page, close, "Space")
    tab_to(page, 'input[name="close-outcome"]')
    choose_radio(page, "close-outcome", "explained")
    checkbox = f'input[name="close-causes"][value="{not_passed_on.id}"]'
    tab_to(page, checkbox)
    page.keyboard.press("Space")
    assert page.locator(checkbox).is_checked()
    tab_to(page, "#close-summary")
    answer = "We hebben u gemaild. Uw terugbelverzoek was niet doorgegeven; dat hebben we verbeterd."
    page.keyboard.type(answer)
    tab_to(page, f'{close} button[type="submit"]')
    response = press_enter_and_load(page)
    assert response.status == 200, f"closing was refused ({response.status}): {error_notices(page)}"
    assert success_notice(page) == translated(app, "Report %(ref)s closed.", ref=report.reference)

    report = fresh(db, report)
    assert report.status is ReportStatus.CLOSED
    assert report.outcome is Outcome.EXPLAINED
    assert [c.code for c in report.causes] == ["callback_not_passed_on"]
    assert report.closing_summary == answer
    assert report.first_contact_at is not None and report.first_contact_at >= report.received_at
    assert [(e.kind, e.actor_id) for e in report.events] == [
        ("received", None), ("assigned", assigned_report["kcc"].id), ("first_contact", member.id),
        ("closed", member.id),
    ]
    assert report.events[2].details["channel"] == "email"

    history = page.locator("ol.timeline > li")
    shown = [text.strip() for text in history.locator(".timeline__meta strong").all_inner_texts()]
    assert shown == [event_label(app, kind) for kind in ("closed", "first_contact", "assigned", "received")], (
        "the history on the page lists every step, newest first"
    )
    assert answer in history.nth(0).inner_text() and "Tom Vergunningen" in history.nth(0).inner_text()
    assert "afspraak voorgesteld" in history.nth(1).inner_text()
    assert "Karin Klantcontact" in history.nth(2).inner_text()

    closing_mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.report_id == report.id, OutboxMessage.template == "closed")
    ).all()
    assert [m.recipient for m in closing_mails] == [RESIDENT], "the resident's closing e-mail waits in the outbox"
    assert answer in closing_mails[0].body_text


def test_a_member_of_another_team_gets_page_not_found_for_the_report_and_sees_nothing_of_it(
    page, app, db, make_staff, assigned_report
):
    report = assigned_report["report"]
    outsider = make_staff("team", teams=[assigned_report["other_team"]], name="Bert Belastingen")
    log_in(page, outsider)
    assert queue_references(page) == [], "another team's queue does not list the report"

    path = f"/admin/reports/{report.id}"
    response = page.goto(path)
    assert response.status == 404, f"{path} answered {response.status} to a member of another team"
    assert page.locator("h1").inner_text() == translated(app, "Page not found")
    contact = page.request.post(f"{path}/contact")
    assert contact.status in (400, 404), f"the contact details answered {contact.status} to another team"
    for text in (page.content(), contact.text()):
        for secret in (report.reference, STORY, "parkeervergunning", RESIDENT, "Anna de Vries"):
            assert secret not in text, f"another team's member was shown {secret!r}"
    report = fresh(db, report)
    assert [e.kind for e in report.events] == ["received", "assigned"], "nothing was recorded for the outsider"


# ---------------------------------------------------------------------------------------------------------------
# Resident text stays text


def test_markup_in_a_residents_text_is_shown_as_text_on_the_staff_pages_and_never_runs(
    page, db, make_staff, make_report
):
    markup = "<img src=x onerror=alert(1)>Hallo daar echt"
    name = '<script>alert("naam")</script>Anna'
    report = make_report(description=markup, name=name, email=RESIDENT)
    kcc = make_staff("kcc")
    dialogs = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    log_in(page, kcc)
    page.goto(f"/admin/reports/{report.id}")
    page.wait_for_load_state("load")
    settle(page)
    assert dialogs == [], f"the resident's text ran as script on the report page: dialogs {dialogs}"
    text = page.locator("#resident-text")
    assert text.inner_text() == markup, "the resident's text is shown exactly as typed, markup and all"
    assert text.locator("img").count() == 0, "the resident's text was turned into HTML"

    with page.expect_navigation():
        page.locator(f'form[action="/admin/reports/{report.id}/contact"] button').click()
    page.wait_for_load_state("load")
    assert name in page.locator("#contact-details").inner_text()
    assert page.locator("#contact-details script").count() == 0

    assert page.locator("#resident-text").inner_text() == markup
    settle(page)
    assert dialogs == [], f"the resident's text ran as script on the contact details page: dialogs {dialogs}"


# ---------------------------------------------------------------------------------------------------------------
# Accessibility: axe-core on every staff page


class Audits:
    """Run axe_audit on several pages and report every page with violations at the end, not just the first."""

    def __init__(self, axe_audit):
        self.axe_audit = axe_audit
        self.failures = []

    def __call__(self, page, label):
        try:
            self.axe_audit(page, label)
        except pytest.fail.Exception as failure:
            self.failures.append(f"--- {label} ---\n{failure}")

    def check(self):
        if self.failures:
            pytest.fail("\n\n".join(self.failures), pytrace=False)


def unfold_every_disclosure(page):
    """Open every <details>, so that axe-core audits the forms inside them too; returns how many there are."""
    return page.evaluate("() => { const all = document.querySelectorAll('details'); "
                         "all.forEach(d => { d.open = true; }); return all.length; }")


def test_axe_finds_no_serious_or_critical_violation_on_the_log_in_page_with_and_without_an_error(
    page, axe_audit, make_staff
):
    audit = Audits(axe_audit)
    response = page.goto("/admin/login")
    assert response.status == 200
    audit(page, "staff log-in")

    user = make_staff("kcc")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill("not-the-password")
    with page.expect_navigation() as navigation:
        page.locator('main button[type="submit"]').click()
    assert navigation.value.status == 422
    assert page.locator("#error-summary").is_visible(), "the audit must see the log-in page in its error state"
    audit(page, "staff log-in with an error")
    audit.check()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_axe_finds_no_serious_or_critical_violation_on_the_kcc_queue_report_and_register_pages(
    page, axe_audit, db, make_staff, language, assigned_report
):
    """The report is assigned and has an address, so every action form a report can have is on the page."""
    report = assigned_report["report"]
    audit = Audits(axe_audit)
    log_in(page, make_staff("kcc"))
    if language == "en":
        page.goto("/admin/queue?lang=en")  # chosen once; the pages below are opened without it

    page.goto("/admin/queue?view=all")  # the report is with a team: not in the KCC's "new" list
    assert html_lang(page) == language, "the language chosen with ?lang= sticks for the visit"
    assert queue_references(page) == [report.reference]
    audit(page, f"kcc queue-{language}")

    page.goto(f"/admin/reports/{report.id}")
    assert html_lang(page) == language
    assert unfold_every_disclosure(page) >= 6, "the assigned report offers at least six actions"
    for form in ("assign-team", "first_contact-summary", "close-summary", "note-text", "message-subject",
                 "dismiss-explanation"):
        assert page.locator(f"#{form}").is_visible(), f"the audit must see the form with #{form}"
    audit(page, f"report detail all actions-{language}")

    if language == "nl":  # the register form is audited once; the language test above covers the switch
        page.goto("/admin/reports/new")
        audit(page, "register a report")
    audit.check()


def test_axe_finds_no_serious_or_critical_violation_on_the_team_queue(page, axe_audit, make_staff, assigned_report):
    audit = Audits(axe_audit)
    log_in(page, make_staff("team", teams=[assigned_report["team"]]))
    assert queue_references(page) == [assigned_report["report"].reference]
    audit(page, "team queue")
    audit.check()


def page_kind(path):
    """One audit per kind of page: /admin/manage/teams/3 and /admin/manage/teams/4 are the same template."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def test_axe_finds_no_serious_or_critical_violation_on_every_management_page_an_admin_reaches_by_links(
    page, axe_audit, db, make_staff, make_team
):
    make_team("VG", "Vergunningen", "vg@dronten.example")
    db.session.add(ClosingDay(day=local_today() + timedelta(days=30), description="Dag na Hemelvaart"))
    db.session.commit()
    admin = make_staff("admin", name="Ada Beheer")
    audit = Audits(axe_audit)
    log_in(page, admin)

    to_visit, seen = ["/admin/manage"], {"/admin/manage"}
    while to_visit:
        path = to_visit.pop(0)
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status} to an admin"
        audit(page, f"manage {page_kind(path)}")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        for href in hrefs:
            target = urlsplit(href).path
            if target.startswith("/admin/manage") and page_kind(target) not in {page_kind(p) for p in seen}:
                seen.add(target)
                to_visit.append(target)

    kinds = {page_kind(p) for p in seen}
    for expected in ("/admin/manage/staff", "/admin/manage/staff/<id>", "/admin/manage/staff/new",
                     "/admin/manage/teams", "/admin/manage/teams/<id>", "/admin/manage/teams/new",
                     "/admin/manage/categories", "/admin/manage/categories/<id>", "/admin/manage/closing-days",
                     "/admin/manage/causes", "/admin/manage/causes/<id>", "/admin/manage/causes/new",
                     "/admin/manage/texts", "/admin/manage/texts/<id>", "/admin/manage/texts/new"):
        assert expected in kinds, f"the links from /admin/manage never reach {expected}; reached {sorted(kinds)}"
    audit.check()
