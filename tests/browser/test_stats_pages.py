"""The managers' figures in Chromium: with demo data, axe-core finds no serious or critical problem on the month
and quarter views and the overview, in Dutch and in English; screenshots of each, and of the quarter as printed for
the council, land in test-output/screenshots/."""
import pytest

from portal.figures import service_report as stats
from portal.operations.demo import generate_reports
from tests.browser.conftest import file_name, output_dir
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(db, make_staff):
    generate_reports(600, seed=11, months=8)
    db.session.commit()
    return make_staff("manager", name="Marco Manager")


def log_in(page, user):
    page.goto("/admin/login")
    page.fill("#email", user.email)
    page.fill("#password", STAFF_PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    assert "/admin/login" not in page.url, page.locator("main").inner_text()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_month_and_quarter_views_pass_the_accessibility_audit(page, manager, axe_audit, language):
    log_in(page, manager)
    month = stats.Period.last_complete(stats.MONTH)
    quarter = stats.Period.last_complete(stats.QUARTER)

    page.goto(f"/admin/stats/month/{month.key}?lang={language}")
    assert page.locator("h1").inner_text().strip() != ""
    charts = page.locator("svg[role=img]")
    assert charts.count() == 9
    for n in range(charts.count()):
        # Each chart is named and described for a screen reader, by its <title> and <desc>.
        assert charts.nth(n).get_attribute("aria-labelledby").endswith("-desc")
    axe_audit(page, f"stats-month-{language}")

    page.goto(f"/admin/stats/quarter/{quarter.key}?lang={language}")
    assert page.get_by_role("table").count() >= 10
    axe_audit(page, f"stats-quarter-{language}")

    # The overview on one screen: the targets for both months, the worst teams and categories, the trends.
    page.goto(f"/admin/stats?lang={language}")
    assert page.locator("svg[role=img]").count() == 5
    assert page.locator("[data-worst-team]").count() <= 3 and page.locator("[data-worst-category]").count() <= 3
    axe_audit(page, f"stats-overview-{language}")


def test_the_quarter_prints_as_a_clean_report(page, manager, request):
    log_in(page, manager)
    quarter = stats.Period.last_complete(stats.QUARTER)
    page.goto(f"/admin/stats/quarter/{quarter.key}?lang=en")
    page.emulate_media(media="print")
    # Menus, the team form and the download links are for the screen only; the figures and charts are printed.
    assert not page.locator(".staff-nav").is_visible()
    assert not page.locator(".stats-controls").is_visible()
    assert page.locator("svg[role=img]").first.is_visible()
    path = output_dir(request.config, "screenshots") / f"{file_name('stats-quarter-print')}.png"
    page.screenshot(path=str(path), full_page=True)
    page.pdf(path=str(output_dir(request.config, "screenshots") / "stats-quarter-print.pdf"), format="A4")
