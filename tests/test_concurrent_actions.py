"""Two people acting on one report at the same moment: real concurrent HTTP requests to a real server.

Exactly one of them succeeds; the other sees that a colleague just changed the report, the fresh page, and what
they typed. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""
import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from portal.calendar.clock import now_utc
from portal.models import Cause, OutboxMessage, Report, ReportEvent, ReportStatus
from portal.reports import workflow
from tests.conftest import STAFF_PASSWORD


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies, so its own session."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def form_fields(self, path):
        status, html = self.request(path)
        assert status == 200, html[:500]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        version = re.search(r'name="version" value="([0-9]+)"', html)
        return {"csrf_token": token, **({"version": version.group(1)} if version else {})}

    def log_in(self, user):
        fields = self.form_fields("/admin/login")
        status, _ = self.request("/admin/login", {**fields, "email": user.email, "password": STAFF_PASSWORD})
        assert status == 303


@pytest.fixture
def server(app):
    live = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{live.server_port}"
    live.shutdown()
    thread.join(5)


@pytest.fixture
def two_colleagues(server, make_team, make_staff, make_report, db):
    team = make_team("BZ", "Burgerzaken")
    first = make_staff("team", teams=[team], name="Tom Team")
    second = make_staff("team", teams=[team], name="Tess Team")
    report = make_report(email="anna@example.nl", name="Anna", received_at=now_utc() - timedelta(hours=5))
    workflow.assign(report, team=team, by=first)
    db.session.commit()
    browsers = []
    for user in (first, second):
        browser = Browser(server)
        browser.log_in(user)
        browsers.append(browser)
    return report, browsers


def at_once(browsers, path, forms):
    """Both people press their button at the same moment; the two answers (status, page)."""
    barrier = threading.Barrier(len(browsers))
    answers = [None] * len(browsers)

    def press(index):
        barrier.wait()
        answers[index] = browsers[index].request(path, forms[index])

    threads = [threading.Thread(target=press, args=(index,)) for index in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def count(db, model, *conditions):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_two_people_closing_the_same_report_at_once_give_the_resident_one_answer(two_colleagues, db):
    report, browsers = two_colleagues
    cause = db.session.scalar(select(Cause.id).where(Cause.active).limit(1))
    path = f"/admin/reports/{report.id}"
    forms = []
    for number, browser in enumerate(browsers):
        forms.append({**browser.form_fields(path), "close-outcome": "resolved", "close-causes": str(cause),
                      "close-summary": f"Antwoord nummer {number + 1}: we hebben u teruggebeld."})
    answers = at_once(browsers, f"{path}/close", forms)
    assert sorted(status for status, _ in answers) == [303, 409]
    refused_page = next(page for status, page in answers if status == 409)
    assert "Antwoord nummer" in refused_page, "the person who was second gets their text back"
    assert count(db, ReportEvent, ReportEvent.report_id == report.id, ReportEvent.kind == "closed") == 1
    assert count(db, OutboxMessage, OutboxMessage.report_id == report.id, OutboxMessage.template == "closed") == 1
    assert db.session.get(Report, report.id).status is ReportStatus.CLOSED


def test_two_extensions_at_once_extend_the_term_once(two_colleagues, db):
    report, browsers = two_colleagues
    path = f"/admin/reports/{report.id}"
    new_due = (report.closing_due + timedelta(days=14)).isoformat()
    forms = [{**browser.form_fields(path), "extend-new_closing_due": new_due,
              "extend-reason": "We wachten op informatie van de belastingdienst."} for browser in browsers]
    answers = at_once(browsers, f"{path}/extend", forms)
    assert sorted(status for status, _ in answers) == [303, 409]
    assert count(db, ReportEvent, ReportEvent.report_id == report.id, ReportEvent.kind == "extended") == 1
    assert count(db, OutboxMessage, OutboxMessage.report_id == report.id, OutboxMessage.template == "extended") == 1


def test_acting_on_a_page_a_colleague_changed_since_is_refused_with_the_fresh_page(two_colleagues, db):
    report, (first, second) = two_colleagues
    path = f"/admin/reports/{report.id}"
    stale = second.form_fields(path)
    assert first.request(f"{path}/note", {**first.form_fields(path), "note-text": "Gebeld, geen gehoor."})[0] == 303
    status, page = second.request(f"{path}/note", {**stale, "note-text": "Mijn eigen notitie."})
    assert status == 409
    assert "Gebeld, geen gehoor." in page, "the fresh page shows what the colleague did"
    assert "Mijn eigen notitie." in page, "and what this person typed is not lost"
    assert count(db, ReportEvent, ReportEvent.report_id == report.id, ReportEvent.kind == "note") == 1
