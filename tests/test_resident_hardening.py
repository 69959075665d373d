"""Hardening of the resident's side: what a stranger can make our mail say, where the language link leads, errors
that became 500s and went unlogged, a session cookie overwritten by the favicon's 404, and the answer to robots."""
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.extensions import csrf
from portal.mail.outbox import queue_mail
from portal.models import Channel, OutboxMessage, Report, ReportEvent, ReportStatus
from portal.reports.references import PATTERN
from portal.text import name_for_mail
from tests.conftest import csrf_token_from, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PHISHING = "Jan. Let op: uw DigiD wordt vandaag geblokkeerd. Verleng direct via https://digid-verlengen.example"
STORY = "Ik zou teruggebeld worden over mijn paspoort, maar niemand belde."
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def assert_nothing_stored(db):
    db.session.rollback()
    assert count(db, Report) == 0, "nothing may be stored"
    assert count(db, ReportEvent) == 0
    assert count(db, OutboxMessage) == 0, "nothing may be sent"


def local(*args):
    return datetime(*args, tzinfo=LOCAL_ZONE)


def session_cookies_set(response, name="session"):
    return [header for header in response.headers.getlist("Set-Cookie") if header.startswith(f"{name}=")]


# ---------------------------------------------------------------------------------------------------------------
# Names in our mail


@pytest.mark.parametrize("name", [
    "Anna", "Anna de Vries", "Anne-Marie d'Ancona", "J.P. Balkenende", "A.B.C. de Vries Jr.", "'t Hart",
    "Zoë Müller", "O\u2019Brien", "Ørsted", "Çelik Yılmaz", "Ñúñez", "Nguyễn Văn An",
])
def test_a_name_shaped_value_may_greet_the_resident(name):
    assert name_for_mail(name) == name


@pytest.mark.parametrize("name", [
    PHISHING, "Jan, bel 0800-1234", "digid.nl", "x.com", "www.digid.nl", "Jan@example.nl", "Jan 2",
    "Anna &amp; Piet", "Jan--Piet", "-Jan", "Jan: lees dit", "Jan (KCC)", "Jan!", "\u216b", "Jan\U0001f600",
    "A" * 61, ".", "", None,
])
def test_anything_else_gets_no_place_in_a_mail(name):
    assert name_for_mail(name) is None


def test_a_strangers_text_in_the_name_never_reaches_the_confirmation(client, db, report_form_data):
    response = client.post("/melden", data=report_form_data(
        name=PHISHING, email="slachtoffer@example.nl", contact_preference="email", consent="y"))
    assert response.status_code == 303
    report = db.session.scalar(select(Report))
    assert report.name == PHISHING, "staff still see what was typed"
    mail = db.session.scalar(select(OutboxMessage))
    for part in (mail.subject, mail.body_text, mail.body_html):
        assert "DigiD" not in part and "https://digid" not in part and "geblokkeerd" not in part
    assert mail.body_text.startswith("Beste inwoner,"), "the general greeting instead"
    assert "<p>Beste inwoner,</p>" in mail.body_html


def test_a_real_name_still_greets_the_resident(client, db, report_form_data):
    client.post("/melden", data=report_form_data(
        name="  Zoë   van den  Berg-d'Ancona ", email="zoe@example.nl", contact_preference="email", consent="y"))
    mail = db.session.scalar(select(OutboxMessage))
    assert mail.body_text.startswith("Beste Zoë van den Berg-d'Ancona,")
    assert "Beste Zoë van den Berg-d&#39;Ancona," in mail.body_html


@pytest.mark.parametrize("template, extra", [
    ("closed", {"grade_url": "http://meldpunt.test/beoordeling/x", "status_url": "http://meldpunt.test/status"}),
    ("extended", {"status_url": "http://meldpunt.test/status"}),
    ("confirmation", {"status_url": "http://meldpunt.test/status"}),
])
@pytest.mark.parametrize("language, greeting", [("nl", "Beste inwoner,"), ("en", "Hello,")])
def test_every_mail_that_greets_by_name_greets_only_a_name(make_report, db, template, extra, language, greeting):
    report = make_report(name=PHISHING, email="slachtoffer@example.nl", language=language)
    report.closing_summary = "Wij hebben u gebeld."
    report.extension_reason = "Wij wachten op een collega."
    mail = queue_mail(report.email, template, language, report=report, **extra)
    for part in (mail.subject, mail.body_text, mail.body_html):
        assert "DigiD" not in part and "digid-verlengen" not in part, f"{template} carries the stranger's text"
    assert mail.body_text.startswith(greeting)


# ---------------------------------------------------------------------------------------------------------------
# Confirmations per address


def post_report(client, report_form_data, email):
    response = client.post("/melden", data=report_form_data(email=email, contact_preference="email", consent="y"))
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_one_address_gets_at_most_three_confirmations_a_day_and_the_page_promises_none_after(
        client, db, report_form_data):
    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        client.get("/?lang=en")  # in the travelled time: a session signed later would not be read
        pages = [post_report(client, report_form_data, email)
                 for email in ("anna@example.nl", "Anna@Example.nl", "ANNA@example.nl", "anna@example.nl")]
    assert count(db, Report) == 4, "every report is stored and handled"
    confirmations = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "confirmation")).all()
    assert len(confirmations) == 3
    promise = "We will send a confirmation to your e-mail address."
    assert [promise in page for page in pages] == [True, True, True, False]
    assert promise not in pages[3], "the page must not promise a mail that was not queued"
    assert "This time we do not send one." in pages[3]

    with time_machine.travel(local(2026, 3, 4, 9, 1), tick=False):
        assert promise in post_report(client, report_form_data, "anna@example.nl"), "a day later, one again"
    assert count(db, OutboxMessage) == 4


def test_reports_staff_register_are_always_confirmed(make_report, db):
    for _ in range(4):
        make_report(email="anna@example.nl", channel=Channel.PHONE, received_at=now_utc())
    assert count(db, OutboxMessage) == 4


# ---------------------------------------------------------------------------------------------------------------
# The language link


def language_link(page):
    match = re.search(r'<nav class="language-switch"[^>]*>\s*<a href="([^"]*)"', page)
    assert match, "the page has no language link"
    return match.group(1).replace("&amp;", "&")


@pytest.mark.parametrize("path", ["/%5Cevil.example", "/%2F%2Fevil.example", "/melden/%5C%5Cx", "/%5C%5Cevil.example"])
def test_the_language_link_stays_on_this_site_whatever_the_path(client, path):
    page = client.get(path).get_data(as_text=True)
    href = language_link(page)
    assert href.startswith("?"), f"the language link {href!r} is not relative to the page"
    # A browser reads "\" as "/": resolved that way, the link must still lead to this site and this page.
    resolved = urllib.parse.urljoin("https://meldpunt.test" + path, href.replace("\\", "/"))
    assert urllib.parse.urlsplit(resolved).netloc == "meldpunt.test"


def test_the_language_link_keeps_the_other_query_arguments(client):
    page = client.get("/status?code=MC-AAAA-AAAA&lang=nl").get_data(as_text=True)
    assert language_link(page) == "?code=MC-AAAA-AAAA&lang=en"
    page = client.get("/status?lang=en").get_data(as_text=True)
    assert language_link(page) == "?lang=nl"


# ---------------------------------------------------------------------------------------------------------------
# No input gives a 500


@pytest.mark.parametrize("query, left_out", [
    ("channel=x", "Channel"),
    ("received_to=9999-12-31", "Received up to"),
    ("received_from=0001-01-01", "Received from"),
    ("received_from=1999-12-31&received_to=2100-01-01", "Received from, Received up to"),
    ("category=nope&overdue=maybe", "Category, Overdue"),
])
def test_a_queue_filter_that_cannot_be_used_is_left_out_and_named(client, make_staff, login, make_report, query,
                                                                   left_out):
    login(make_staff("kcc"))
    report = make_report()
    response = client.get(f"/admin/queue?{query}&lang=en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"These filters could not be used and were left out: {left_out}." in page
    assert report.reference in page, "the list is still shown, without the filter"


def test_the_widest_dates_the_queue_accepts_still_work(client, make_staff, login, make_report):
    login(make_staff("kcc"))
    report = make_report()
    response = client.get("/admin/queue?received_from=2000-01-01&received_to=2099-12-31")
    assert response.status_code == 200
    assert report.reference in response.get_data(as_text=True)


def test_the_queue_filters_themselves_survive_any_date(make_staff):
    from datetime import date

    from portal.reports import queue

    kcc = make_staff("kcc")
    filters = queue.QueueFilters(received_from=date.min, received_to=date.max)
    assert queue.page(kcc, filters) == ([], None)


def test_a_cursor_beyond_any_id_is_the_first_page(client, make_staff, login, make_report):
    login(make_staff("kcc"))
    report = make_report()
    response = client.get("/admin/queue?after=2026-01-01.99999999999999999999")
    assert response.status_code == 200
    assert report.reference in response.get_data(as_text=True)


def multipart(fields):
    """A multipart body in which a tuple value is sent as a file."""
    boundary = "meldpunt-boundary"
    parts = []
    for key, value in fields.items():
        if isinstance(value, tuple):
            filename, content = value
            head = f'Content-Disposition: form-data; name="{key}"; filename="{filename}"\r\n' \
                   "Content-Type: text/plain\r\n"
        else:
            head, content = f'Content-Disposition: form-data; name="{key}"\r\n', value.encode()
        parts.append(f"--{boundary}\r\n{head}\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_file_sent_as_the_description_is_asked_for_as_text(client, db, report_form_data):
    data = report_form_data(email="anna@example.nl", consent="y")
    data["description"] = ("verhaal.txt", b"Ik zou teruggebeld worden, maar niemand belde.")
    body, content_type = multipart(data)
    response = client.post("/melden", data=body, content_type=content_type)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="description-error"' in page
    assert 'value="anna@example.nl"' in page, "what was typed is kept"
    assert_nothing_stored(db)


@pytest.mark.parametrize("field", ["category", "contact_date", "email", "phone", "name", "consent", "website"])
def test_a_file_in_place_of_any_field_is_no_error_page(client, db, report_form_data, field):
    data = report_form_data()
    data[field] = ("x.txt", b"2026-01-01")
    body, content_type = multipart(data)
    response = client.post("/melden", data=body, content_type=content_type)
    assert response.status_code in (303, 422)
    if field == "website":
        assert_nothing_stored(db)  # a file in the honeypot does not make a robot a resident


def test_numbers_and_lists_in_a_json_body_are_no_error_page(client, db, report_form_data):
    token = report_form_data()["csrf_token"]
    body = {"category": ["callback"], "description": 12345678901234, "contact_date": 20260101, "email": 1,
            "contact_preference": None}
    response = client.post("/melden", data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 422
    assert_nothing_stored(db)


def test_a_file_sent_as_the_grade_comment_is_no_error_page_and_not_kept(client, db, make_report):
    from portal.reports.satisfaction import make_token

    report = make_report(email="anna@example.nl")
    report.status, report.closed_at = ReportStatus.CLOSED, now_utc()
    db.session.commit()
    url = f"/beoordeling/{make_token(report)}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    body, content_type = multipart({"csrf_token": token, "grade": "8", "comment": ("brief.txt", b"Goed gedaan.")})
    response = client.post(url, data=body, content_type=content_type)
    assert response.status_code == 200
    db.session.refresh(report)
    assert (report.grade, report.grade_comment) == (8, None)


# ---------------------------------------------------------------------------------------------------------------
# Request ids and the log


def test_every_answer_carries_a_request_id_of_its_own(client):
    ids = [client.get(path).headers.get("X-Request-ID") for path in ("/", "/", "/nope", "/static/meldpunt.css")]
    assert all(request_id and REQUEST_ID.match(request_id) for request_id in ids), ids
    assert len(set(ids)) == len(ids)


@pytest.fixture
def failing_app(app):
    @csrf.exempt
    def broken(rest=None):
        raise RuntimeError("deliberately broken")

    app.add_url_rule("/test-only/broken/<rest>", "broken", broken, methods=["GET", "POST"])
    return app


@pytest.mark.parametrize("app_overrides", [{"TESTING": False}])  # as in production: the catch-all answers
def test_the_500_page_and_the_log_share_the_request_id_and_the_log_has_one_line_per_error(failing_app, caplog,
                                                                                          app_overrides):
    caplog.set_level(logging.ERROR, logger="meldpunt.errors")
    client = failing_app.test_client()
    response = client.post("/test-only/broken/x%0AERROR%20forged%20line?email=anna@example.nl&lang=en",
                           data={"name": "Anna de Vries"})
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert REQUEST_ID.match(request_id)
    page = response.get_data(as_text=True)
    assert f"Do you call us about this? Then mention this code: {request_id}" in page
    [record] = [r for r in caplog.records if r.name == "meldpunt.errors"]
    message = record.getMessage()
    assert message == f"Unexpected error on POST /test-only/broken/x\\nERROR forged line (request {request_id})"
    assert "\n" not in message, "a path cannot forge a log line"
    assert "anna" not in caplog.text.lower()


BROKEN_APP = '''
import os

from portal import create_app
from portal.extensions import csrf

app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["BROKEN_APP_DATABASE"]})


@csrf.exempt
def broken():
    raise RuntimeError("deliberately broken for the log test")


app.add_url_rule("/broken", "broken", broken, methods=["POST"])
'''


def wait_for_port(process, port):
    """Until the server accepts connections (it has started), or has died."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped: {process.communicate()[1]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    process.kill()
    pytest.fail("the server did not start")


@pytest.mark.parametrize("server", ["gunicorn", "flask run"])
def test_an_unexpected_error_reaches_standard_error_with_its_request_id(tmp_path, server):
    (tmp_path / "broken_app.py").write_text(BROKEN_APP)
    port = free_port()
    command = {
        "gunicorn": [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "broken_app:app"],
        "flask run": [str(BIN / "flask"), "--app", "broken_app", "run", "--port", str(port), "--no-reload"],
    }[server]
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "MELDPUNT_"))}
    env.update(PYTHONPATH=f"{tmp_path}{os.pathsep}{ROOT}", MELDPUNT_ENV="development",
               BROKEN_APP_DATABASE=f"sqlite:///{tmp_path / 'broken.sqlite'}", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        wait_for_port(process, port)
        form = urllib.parse.urlencode({"email": "anna.devries@example.nl", "name": "Anna de Vries"}).encode()
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/broken", data=form, timeout=30)
        assert answer.value.code == 500
        request_id = answer.value.headers["X-Request-ID"]
        assert request_id in answer.value.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, err = process.communicate()
    line = next((line for line in err.splitlines() if "Unexpected error on POST /broken" in line), None)
    assert line, f"the error is not on standard error:\n{err}"
    assert f"(request {request_id})" in line
    assert "meldpunt.errors" in line and "ERROR" in line
    assert "RuntimeError: deliberately broken for the log test" in err and "Traceback" in err
    assert "anna" not in err.lower(), "personal data in the log"


# ---------------------------------------------------------------------------------------------------------------
# The session cookie and the favicon


def test_the_favicon_and_a_404_page_leave_the_form_pages_session_alone(app, db):
    browser = app.test_client()
    browser.get("/?lang=en")
    cookie_of_the_page_before = browser.get_cookie("session").value
    form = browser.get("/melden")
    assert session_cookies_set(form), "the form page puts its CSRF token in the session"
    token = csrf_token_from(form.get_data(as_text=True))

    # What the page before asked for while the form page loaded, with the cookie the browser had then: any cookie
    # in these answers would replace the form page's, and with it the CSRF token.
    late = app.test_client()
    late.set_cookie("session", cookie_of_the_page_before)
    for path in ("/favicon.ico", "/does-not-exist", "/static/favicon.svg"):
        response = late.get(path)
        assert not session_cookies_set(response), f"{path} ({response.status_code}) wrote the session cookie"
    for path in ("/favicon.ico", "/does-not-exist"):
        assert not session_cookies_set(browser.get(path)), f"{path} wrote the session cookie"

    response = browser.post("/melden", data={
        "csrf_token": token, "category": "callback", "description": STORY, "contact_preference": "none"})
    assert response.status_code == 303, "the form still posts"
    assert count(db, Report) == 1


def test_a_page_that_changes_the_session_still_writes_it(client):
    assert session_cookies_set(client.get("/?lang=en")), "the language choice is kept"
    assert not session_cookies_set(client.get("/")), "nothing changed, nothing written"


def test_a_change_made_in_place_is_still_a_change():
    from portal.web.sessions import TrackedSession, only_anonymous_freshness_changed

    session = TrackedSession({"_flashes": [("info", "Eerste bericht")], "_fresh": False})
    session["_fresh"] = False
    assert only_anonymous_freshness_changed(session), "nothing but the mark changed"
    session["_flashes"].append(("info", "Tweede bericht"))  # as flask.flash does
    assert not only_anonymous_freshness_changed(session), "a second message would be lost"


def test_the_favicon_is_served_from_this_site(client):
    page = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon and icon.group(1).startswith("/static/"), "the icon is self-hosted"
    svg = client.get(icon.group(1))
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert ico.data[:4] == b"\x00\x00\x01\x00", "an ICO file"


# ---------------------------------------------------------------------------------------------------------------
# Robots


def test_a_robot_gets_the_same_answer_and_page_as_a_resident_and_nothing_is_stored_or_sent(app, db):
    def submit(website):
        browser = app.test_client()
        page = browser.get("/melden").get_data(as_text=True)
        response = browser.post("/melden", data={
            "csrf_token": csrf_token_from(page), "category": "letter", "description": STORY,
            "email": "anna@example.nl", "contact_preference": "email", "consent": "y", "website": website})
        assert response.status_code == 303
        reference = response.headers["Location"].rsplit("/", 1)[1]
        assert PATTERN.match(reference)
        received = browser.get(response.headers["Location"])
        assert received.status_code == 200
        cookie = json.loads(_session_payload(browser.get_cookie("session").value))
        return reference, received.get_data(as_text=True).replace(reference, "MC-XXXX-XXXX"), sorted(cookie)

    with time_machine.travel(local(2026, 3, 3, 9, 0), tick=False):
        resident = submit("")
        db.session.rollback()
        stored_before = count(db, Report), count(db, OutboxMessage)
        robot = submit("http://spam.example")
    assert stored_before == (1, 1)
    assert robot[1] == resident[1], "the robot's page differs from a resident's"
    assert robot[2] == resident[2], "the robot's cookie holds other things than a resident's"
    db.session.rollback()
    assert (count(db, Report), count(db, OutboxMessage)) == (1, 1), "the robot's report was stored or sent"
    # Nobody else sees a page for the robot's reference.
    assert app.test_client().get(f"/melden/ontvangen/{robot[0]}").status_code == 404


def _session_payload(cookie):
    """The JSON inside Flask's signed (not encrypted) session cookie, as anyone holding it can read it."""
    import base64
    import zlib

    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return zlib.decompress(data) if compressed else data


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True, "STATUS_RATE_LIMIT": "3 per minute"}])
def test_the_received_page_is_rate_limited_like_the_status_page(client, make_report, app_overrides):
    reference = make_report().reference
    statuses = [client.get(f"/melden/ontvangen/{reference}").status_code for _ in range(3)]
    statuses += [client.get("/melden/ontvangen/MC-AAAA-AAAA").status_code]
    assert statuses == [200, 200, 200, 429]


def test_an_empty_post_is_explained_not_an_error(client, db, report_form_data):
    token = report_form_data()["csrf_token"]
    response = client.post("/melden", data={"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert_nothing_stored(db)
