"""A resident in a real browser: reporting with the keyboard only, correcting a mistake, in Dutch and in English,
on a phone, with axe-core watching every page."""
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import func, select

from portal.models import ContactPreference, OutboxMessage, Report
from tests.browser.keyboard import active, choose_radio, tab_to

pytestmark = pytest.mark.browser

REFERENCE = re.compile(r"^MC-[0-9A-Z]{4}-[0-9A-Z]{4}$")
REFERENCE_IN_TEXT = re.compile(r"MC-[0-9A-Z]{4}-[0-9A-Z]{4}")
RECEIVED_URL = re.compile(r"/melden/ontvangen/(?P<reference>[^/?#]+)$")
UNKNOWN_REFERENCE = "MC-0000-0000"

STORY = "Ik zou teruggebeld worden over mijn WOZ-beschikking, maar na twee weken heeft nog niemand gebeld."
ADDRESS = "anna.devries@example.nl"

PHONE = {"width": 390, "height": 844}


# ---------------------------------------------------------------------------------------------------------------
# Helpers: the keyboard, and what the page and the database say


def html_lang(page):
    return page.evaluate("() => document.documentElement.lang")


def stored_reports(db):
    db.session.rollback()  # end any earlier read, so we see what the server committed since
    return db.session.scalars(select(Report)).all()


def reference_on_received_page(page):
    """The reference in the address of the received page, after checking the page shows that same reference."""
    page.wait_for_url(RECEIVED_URL)
    reference = RECEIVED_URL.search(page.url).group("reference")
    assert REFERENCE.match(reference), f"the received page's address has no valid reference: {page.url}"
    shown = REFERENCE_IN_TEXT.findall(page.locator("main").inner_text())
    assert shown and set(shown) == {reference}, f"the received page shows {shown}, not {reference}"
    return reference


# ---------------------------------------------------------------------------------------------------------------
# The journey, by keyboard only


def test_a_resident_files_a_report_with_the_keyboard_only_and_gets_a_reference_and_a_confirmation(page, db):
    page.goto("/")
    assert html_lang(page) == "nl", "Dutch is the default language"

    visited = tab_to(page, 'a[href="/melden"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/melden")
    assert html_lang(page) == "nl"

    visited += tab_to(page, 'input[name="category"]')
    choose_radio(page, "category", "letter")

    visited += tab_to(page, "#description")
    page.keyboard.type(STORY)

    visited += tab_to(page, "#email")
    page.keyboard.type(ADDRESS)

    visited += tab_to(page, 'input[name="contact_preference"]')
    assert active(page)["value"] == "none", "Tab lands on the checked radio, and 'do not contact me' is the default"
    choose_radio(page, "contact_preference", "email")

    visited += tab_to(page, "#consent")
    page.keyboard.press("Space")
    assert page.locator("#consent").is_checked()

    visited += tab_to(page, 'form.report-form [type="submit"]')
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200, "after the 303 the received page answers 200"
    assert not [v for v in visited if v["name"] == "website"], "the honeypot must never take keyboard focus"

    reference = reference_on_received_page(page)
    assert html_lang(page) == "nl"

    reports = stored_reports(db)
    assert [report.reference for report in reports] == [reference]
    report = reports[0]
    assert report.category.code == "letter"
    assert report.description == STORY
    assert report.email == ADDRESS
    assert report.contact_preference is ContactPreference.EMAIL
    assert report.language == "nl"

    confirmations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == ADDRESS)).all()
    assert [(m.template, m.report_id) for m in confirmations] == [("confirmation", report.id)]
    assert reference in confirmations[0].body_text


def test_a_too_short_description_is_explained_at_the_top_and_corrected_without_retyping_the_rest(page, db):
    page.goto("/melden")
    tab_to(page, 'input[name="category"]')
    choose_radio(page, "category", "callback")
    tab_to(page, "#description")
    page.keyboard.type("Te kort")  # seven characters; at least ten are needed
    tab_to(page, "#letter_reference")
    page.keyboard.type("BRF-2026-0042")
    tab_to(page, "#name")
    page.keyboard.type("Anna de Vries")
    tab_to(page, "#email")
    page.keyboard.type(ADDRESS)
    tab_to(page, 'input[name="contact_preference"]')
    choose_radio(page, "contact_preference", "email")
    tab_to(page, "#consent")
    page.keyboard.press("Space")
    tab_to(page, 'form.report-form [type="submit"]')
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status in (200, 422)
    assert stored_reports(db) == [], "an invalid report must not be stored"

    # The error summary: at the top of the content, before the form, announced or focused, naming the problem.
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate(
        """() => {
            const summary = document.getElementById('error-summary');
            const form = document.querySelector('form.report-form');
            return document.querySelector('main').contains(summary)
                && !!(summary.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
        }"""
    ), "the error summary must be inside main, before the form"
    focused = active(page)["id"] == "error-summary"
    announced = summary.get_attribute("role") == "alert"
    assert focused or announced, "the error summary must get focus or be announced with role=alert"
    assert "10" in summary.inner_text(), "the summary says how long the description must at least be"
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["#description"]
    assert page.locator("#description").get_attribute("aria-invalid") == "true"

    # Its link, followed with the keyboard, puts focus in the description.
    tab_to(page, '#error-summary a[href="#description"]')
    page.keyboard.press("Enter")
    try:
        page.wait_for_function("() => document.activeElement && document.activeElement.id === 'description'",
                               timeout=2_000)
    except PlaywrightTimeoutError:
        pass  # the assertion below says where focus went instead
    assert active(page)["id"] == "description", f"the summary's link left focus on {active(page)}"

    # Everything else that was typed or chosen is still there.
    assert page.locator("#description").input_value() == "Te kort"
    assert page.locator("#letter_reference").input_value() == "BRF-2026-0042"
    assert page.locator("#name").input_value() == "Anna de Vries"
    assert page.locator("#email").input_value() == ADDRESS
    assert page.locator('input[name="category"][value="callback"]').is_checked()
    assert page.locator('input[name="contact_preference"][value="email"]').is_checked()
    assert page.locator("#consent").is_checked()

    # Correct it and send again.
    page.keyboard.press("Control+End")
    page.keyboard.type(": niemand heeft mij teruggebeld.")
    tab_to(page, 'form.report-form [type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    reference = reference_on_received_page(page)

    reports = stored_reports(db)
    assert len(reports) == 1, "exactly one report is stored after one mistake and one correction"
    report = reports[0]
    assert report.reference == reference
    assert report.description == "Te kort: niemand heeft mij teruggebeld."
    assert (report.name, report.email, report.letter_reference) == ("Anna de Vries", ADDRESS, "BRF-2026-0042")
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


# ---------------------------------------------------------------------------------------------------------------
# Language


def test_english_chosen_with_lang_en_sticks_for_the_visit_and_dutch_is_the_default_for_a_new_one(
    page, browser, live_server
):
    page.goto("/melden")
    assert html_lang(page) == "nl"
    page.goto("/?lang=en")
    assert html_lang(page) == "en"
    for path in ("/melden", "/status", "/"):
        page.goto(path)
        assert html_lang(page) == "en", f"{path} forgot the English chosen earlier in the visit"

    page.goto("/status?lang=nl")
    assert html_lang(page) == "nl"
    page.goto("/melden")
    assert html_lang(page) == "nl", "switching back to Dutch sticks too"

    other_visit = browser.new_context(base_url=live_server, locale="en-GB")
    try:
        stranger = other_visit.new_page()
        stranger.goto("/melden")
        assert html_lang(stranger) == "nl", "another visitor's choice must not leak; Dutch is the default"
    finally:
        other_visit.close()


# ---------------------------------------------------------------------------------------------------------------
# Accessibility: axe-core on every resident page, in both languages


def open_start_page(page, make_report):
    return page.goto("/"), 200


def open_form(page, make_report):
    return page.goto("/melden"), 200


def open_form_with_errors(page, make_report):
    page.goto("/melden")
    page.locator("#email").fill("niet-een-adres")
    page.locator('input[name="contact_preference"][value="phone"]').check()
    with page.expect_navigation() as navigation:
        page.locator('form.report-form [type="submit"]').click()
    assert page.locator("#error-summary").is_visible(), "the audit must see the form in its error state"
    return navigation.value, None  # 200 or 422


def open_received_page(page, make_report):
    report = make_report(name="Anna de Vries", email=ADDRESS, contact_preference=ContactPreference.EMAIL)
    return page.goto(f"/melden/ontvangen/{report.reference}"), 200


def open_status_page(page, make_report):
    report = make_report()
    return page.goto(f"/status?code={report.reference}"), 200


def open_status_page_for_an_unknown_code(page, make_report):
    return page.goto(f"/status?code={UNKNOWN_REFERENCE}"), 404


RESIDENT_PAGES = {
    "start page": open_start_page,
    "form": open_form,
    "form with errors": open_form_with_errors,
    "received page": open_received_page,
    "status page": open_status_page,
    "status page for an unknown code": open_status_page_for_an_unknown_code,
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("page_name", list(RESIDENT_PAGES))
def test_axe_finds_no_serious_or_critical_violation_on_the_resident_pages(page, make_report, axe_audit,
                                                                          page_name, language):
    if language == "en":
        page.goto("/?lang=en")  # the choice is made once; the page under audit is opened without the parameter
    response, expected_status = RESIDENT_PAGES[page_name](page, make_report)
    if expected_status is None:
        assert response.status in (200, 422)
    else:
        assert response.status == expected_status
    assert html_lang(page) == language
    axe_audit(page, f"{page_name}-{language}")


# ---------------------------------------------------------------------------------------------------------------
# A phone


@pytest.mark.parametrize(
    "context_options",
    [{"viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}],
    ids=["390x844"],
)
@pytest.mark.parametrize("with_errors", [False, True], ids=["empty", "with errors"])
def test_the_form_fits_a_phone_screen_without_horizontal_scrolling(page, with_errors, context_options):
    page.goto("/melden")
    if with_errors:
        page.locator("#email").fill("niet-een-adres")
        with page.expect_navigation():
            page.locator("#email").press("Enter")
        assert page.locator("#error-summary").is_visible()
    widths = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, layout: document.documentElement.clientWidth})"
    )
    # A phone browser zooms out to fit content that is too wide, so compare with the phone's width itself.
    assert widths["layout"] == PHONE["width"], (
        f"the page lays out {widths['layout']}px wide instead of the phone's {PHONE['width']}px "
        "(is <meta name=viewport content='width=device-width'> missing?)"
    )
    assert widths["scroll"] <= PHONE["width"], (
        f"the form is {widths['scroll']}px wide on a {PHONE['width']}px screen: residents would scroll sideways"
    )
