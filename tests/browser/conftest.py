"""Browser fixtures: Debian's Chromium driven by Playwright against the app served on loopback, and an axe-core audit.

Chromium is found at `CHROMIUM_PATH`, else `/usr/bin/chromium`. Without it the browser tests are skipped, unless
`MELDPUNT_REQUIRE_BROWSER=1` (CI) turns its absence into a failure. Screenshots of audited pages and of failed
tests land in `test-output/screenshots/`; axe-core's full findings per audited page in `test-output/axe/`.
"""
import json
import os
import re
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import got_request_exception
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

DEFAULT_CHROMIUM = "/usr/bin/chromium"

# The machine has no internet: without these Chromium waits on network services it will never reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Up to WCAG 2.2 AA (the law asks 2.1 AA; DESIGN.md asks the audit to look further), plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING_IMPACTS = ("critical", "serious")

# Fail fast: a page of this app that takes longer than this is broken, not slow.
TIMEOUT_MS = 10_000


def chromium_path():
    return os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM


def browser_required():
    return os.environ.get("MELDPUNT_REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}


def output_dir(config, *parts):
    path = Path(config.rootpath, "test-output", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_name(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:150]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell in their teardown whether it failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# ---------------------------------------------------------------------------------------------------------------
# Chromium


@pytest.fixture(scope="session", autouse=True)
def chromium_executable():
    """Chromium's path; autouse, so that without it every test here stops before the app and database are set up."""
    path = chromium_path()
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    message = (
        f"Chromium not found at {path!r}: install Debian's package (`apt-get install chromium`) "
        "or point CHROMIUM_PATH at the browser."
    )
    if browser_required():
        pytest.fail(f"MELDPUNT_REQUIRE_BROWSER=1 but the browser tests cannot run. {message}", pytrace=False)
    pytest.skip(f"browser tests skipped. {message}")


@pytest.fixture(scope="session")
def browser(chromium_executable):
    """One headless Chromium for the whole session (per xdist worker)."""
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        pytest.fail(f"Chromium at {chromium_executable!r} was found but did not start:\n{error}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


# ---------------------------------------------------------------------------------------------------------------
# The app, served on loopback


@pytest.fixture
def live_server(app, smtp):
    """The test app served over real HTTP by werkzeug in a background thread; yields its base URL.

    Each request runs in its own thread with its own app context, so it sees only what the test committed.
    An exception inside the app fails the test even when the page looked fine.
    """
    errors = []

    def record(sender, exception, **extra):
        errors.append(exception)

    got_request_exception.connect(record, app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval lets shutdown() return at once instead of after half a second.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        got_request_exception.disconnect(record, app)
    if errors:
        pytest.fail(f"the app raised while serving the browser: {errors!r}", pytrace=False)


@pytest.fixture
def context_options():
    """Extra `browser.new_context()` options, e.g. a viewport; override in a module or parametrize it by name."""
    return {}


@pytest.fixture
def context(browser, live_server, context_options):
    """A fresh browser context per test: no cookies, no session, no language remembered from another test."""
    options = {"base_url": live_server, "locale": "nl-NL", **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    page = context.new_page()
    yield page
    reports = (getattr(request.node, f"rep_{when}", None) for when in ("setup", "call"))
    failed = any(report is not None and report.failed for report in reports)
    if failed and not page.is_closed():
        path = output_dir(request.config, "screenshots") / f"FAILED-{file_name(request.node.name)}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except PlaywrightError:
            pass  # a screenshot is a help, never a second failure


# ---------------------------------------------------------------------------------------------------------------
# Accessibility


_axe = Axe()


def run_axe(page):
    """axe-core's violations on the page as it is now, for the WCAG 2.2 AA tags and best practices."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


def describe_violations(violations, page_url, title):
    lines = [
        f"axe-core found {len(violations)} serious or critical accessibility "
        f"violation{'s' if len(violations) != 1 else ''} on {page_url}",
        f"(page title: {title!r})",
    ]
    for number, violation in enumerate(violations, start=1):
        lines.append("")
        lines.append(f"{number}. [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.append(f"   {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " > ".join(str(part) for part in node["target"])
            lines.append(f"   - {target}")
            summary = (node.get("failureSummary") or "").strip()
            for summary_line in summary.splitlines():
                lines.append(f"       {summary_line.strip()}")
    return "\n".join(lines)


@pytest.fixture
def axe_audit(request):
    """`axe_audit(page, label)`: screenshot the page, run axe-core, fail listing every serious or critical violation.

    Every finding (also moderate and minor ones, which do not fail the test) is written as JSON to
    `test-output/axe/`, and the screenshot to `test-output/screenshots/`.
    """
    audited = []

    def audit(page, label=None):
        name = file_name(f"axe-{label}" if label else f"axe-{request.node.name}-{len(audited) + 1}")
        page.screenshot(path=str(output_dir(request.config, "screenshots") / f"{name}.png"), full_page=True)
        violations = run_axe(page)
        (output_dir(request.config, "axe") / f"{name}.json").write_text(
            json.dumps({"url": page.url, "violations": violations}, indent=2, ensure_ascii=False)
        )
        audited.append(page.url)
        blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
        if blocking:
            pytest.fail(describe_violations(blocking, page.url, page.title()), pytrace=False)
        return violations

    return audit
