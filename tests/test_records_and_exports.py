"""The record of staff actions, personal-data requests and erasure, the figures' exports and staff messages, as the
outside review (issue 10) attacked them: each test shows what a person would notice."""
import csv
import io
import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import openpyxl
import pyotp
import pytest
from dateutil.relativedelta import relativedelta
from flask import render_template_string
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from admin.audit.record import MAX_RECORD, MAX_VALUE, MAX_VALUES, allowed_details
from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.mail import outbox
from portal.models import (
    Category,
    Cause,
    Channel,
    OutboxMessage,
    OutboxStatus,
    Outcome,
    Report,
    ReportStatus,
    StaffAction,
)
from portal.operations import jobs
from portal.reference import management
from portal.refusals import ManagementError
from portal.reports import retention
from tests.conftest import STAFF_PASSWORD, csrf_token_from

MARKUP = "<svg/onload=alert(1)//"


@pytest.fixture
def admin(make_staff, login):
    user = make_staff("admin", name="Anouk Admin")
    login(user)
    return user


def every_text(db):
    """Every value of every row of every table, as one lower-case text: where personal data could hide."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.extend(str(value) for value in row)
    return " ".join(parts).lower()


def recorded(db, *, without_log_ins=True):
    """The record of staff actions, oldest first, as (action, actor, target, details)."""
    db.session.expire_all()
    rows = db.session.scalars(select(StaffAction).order_by(StaffAction.id)).all()
    return [(a.action, a.actor, a.target, a.details) for a in rows
            if not (without_log_ins and a.action in ("admin.login", "admin.login_code"))]


class FormsOnPage(HTMLParser):
    """The forms of a page as a browser without JavaScript sends them: action and the values of their inputs."""

    def __init__(self, html):
        super().__init__()
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": attrs.get("method", "get"), "action": attrs.get("action"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("type") in ("hidden", "text", "email", "tel", None):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""

    def form_to(self, action):
        return next(form for form in self.forms if form["action"] == action)


# ---------------------------------------------------------------------------------------------------------------
# Personal-data requests: the search is a POST; export and erasure work from its result, without JavaScript


def test_a_personal_data_search_is_a_post_so_the_address_stays_out_of_urls_and_logs(client, make_report, admin):
    report = make_report(email="anna.jansen@example.nl", name="Anna Jansen")
    by_url = client.get("/admin/privacy", query_string={"email": "anna.jansen@example.nl"})
    assert by_url.status_code == 200
    assert report.reference not in by_url.get_data(as_text=True), \
        "a search by URL puts the resident's address in access logs and the browser's history"
    search = FormsOnPage(by_url.get_data(as_text=True)).form_to("/admin/privacy")
    assert search["method"] == "post" and "csrf_token" in search["fields"]
    assert client.post("/admin/privacy", data={"email": "anna.jansen@example.nl"}).status_code == 400, \
        "the search needs the page's CSRF token"
    found = client.post("/admin/privacy", data={**search["fields"], "email": "Anna.Jansen@Example.NL"})
    assert found.status_code == 200 and report.reference in found.get_data(as_text=True)


def test_an_empty_personal_data_search_says_what_to_fill_in(client, admin):
    page = client.get("/admin/privacy?lang=en").get_data(as_text=True)
    response = client.post("/admin/privacy", data={"csrf_token": csrf_token_from(page), "email": " ", "phone": ""})
    assert response.status_code == 422
    assert "Fill in the e-mail address or the phone number the resident used." in response.get_data(as_text=True)


def test_export_and_erasure_work_from_the_search_result_with_a_confirmation(client, make_report, admin, db):
    report = make_report(email="anna.jansen@example.nl", name="Anna Jansen", description="Niemand belde Anna terug.")
    page = client.get("/admin/privacy?lang=en").get_data(as_text=True)
    result = client.post("/admin/privacy", data={"csrf_token": csrf_token_from(page), "phone": "",
                                                 "email": "anna.jansen@example.nl"}).get_data(as_text=True)
    forms = FormsOnPage(result)
    export, erase = forms.form_to("/admin/privacy/export"), forms.form_to("/admin/privacy/erase")

    refused = client.post("/admin/privacy/erase", data=erase["fields"])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Location" not in refused.headers
    assert report.reference in html, "the result stays on the page, with the reason the erasure was refused"
    assert 'href="#confirm-erase"' in html and "Confirm that you checked the request." in html
    db.session.refresh(report)
    assert report.email == "anna.jansen@example.nl", "nothing is erased without the confirmation"

    download = client.post("/admin/privacy/export", data={**export["fields"], "confirm": "y"})
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.get_json()["reports"][0]["description"] == "Niemand belde Anna terug."

    erased = client.post("/admin/privacy/erase", data={**erase["fields"], "confirm": "y"})
    assert erased.status_code == 303 and erased.headers["Location"] == "/admin/privacy", \
        "after the erasure, back to an empty search: no address in the URL"
    db.session.refresh(report)
    assert (report.email, report.name) == (None, None)


# ---------------------------------------------------------------------------------------------------------------
# Erasure leaves nothing of the resident behind


def log_out(client):
    page = client.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert client.post("/admin/logout", data={"csrf_token": csrf_token_from(page)}).status_code == 303


def _erase_through_the_page(client, email):
    page = client.get("/admin/privacy").get_data(as_text=True)
    result = client.post("/admin/privacy", data={"csrf_token": csrf_token_from(page), "email": email, "phone": ""})
    erase = FormsOnPage(result.get_data(as_text=True)).form_to("/admin/privacy/erase")
    response = client.post("/admin/privacy/erase", data={**erase["fields"], "confirm": "y"})
    assert response.status_code == 303, "the erasure was refused"


def test_erasure_removes_the_address_from_the_mail_servers_answer(client, make_report, smtp, admin, db):
    make_report(email="w.zwartekop@example.nl", name="Wil Zwartekop")
    smtp.catcher.refuse_with = "550 5.1.1 w.zwartekop... User unknown"
    outbox.send_pending()
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED))
    assert "zwartekop" in failed.last_error, "the server's answer is kept for the admin while the report lives"
    _erase_through_the_page(client, "w.zwartekop@example.nl")
    assert "zwartekop" not in every_text(db), "the server's answer quoted the resident's address"


def test_a_report_registered_for_a_resident_leaves_nothing_of_them_after_erasure(client, make_staff, login, db):
    login(make_staff("kcc", name="Karin KCC"))
    page = client.get("/admin/reports/new").get_data(as_text=True)
    registered = client.post("/admin/reports/new", data={
        "csrf_token": csrf_token_from(page), "channel": "phone", "received_at": "2026-11-20T10:15",
        "category": "letter", "description": "Mevrouw belde over een brief die zij niet begreep.",
        "contact_date": "2026-11-17", "letter_reference": "Brief ZK-4471 aan Zwartekop, Kerkstraat 12",
        "name": "Wilhelmina Zwartekop", "email": "W.Zwartekop@Example.NL", "phone": "06 47263915",
        "contact_preference": "email", "consent": "y",
    })
    assert registered.status_code == 303
    report_id = int(registered.headers["Location"].rsplit("/", 1)[-1])
    log_out(client)
    login(make_staff("admin", name="Anouk Admin"))
    _erase_through_the_page(client, "w.zwartekop@example.nl")

    text = every_text(db)
    for secret in ("zwartekop", "wilhelmina", "zk-4471", "kerkstraat", "47263915", "niet begreep"):
        assert secret not in text, f"{secret!r} is still stored somewhere after the erasure"
    actions = " ".join(str(details) + str(target) for _a, _who, target, details in recorded(db))
    assert "2026-11-17" not in actions, "the date of the resident's contact is not the record's business"
    assert ("admin.register", "Karin KCC", {"report_id": report_id}, {"category": ["letter"], "channel": ["phone"]}) \
        in recorded(db), "the record says who registered which report, with its codes only"


# ---------------------------------------------------------------------------------------------------------------
# The record of staff actions: only logged-in staff, only what succeeded, only the form's own codes


def test_posts_from_someone_not_logged_in_are_not_recorded(client, db):
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    for url in ("/admin/manage/teams/new", "/admin/logout", "/admin/privacy/erase", "/admin/reports/1/note"):
        for _ in range(5):
            response = client.post(url, data={"csrf_token": token, "code": "EVIL", "x" * 150_000: "y"})
            assert response.status_code in (302, 303) and "/admin/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(StaffAction)) == 0, \
        "a stranger can fill the record of staff actions"


def test_refused_actions_are_not_recorded_as_done(client, admin, post_form, make_report, db):
    report = make_report()
    refusals = [
        ("/admin/manage/teams/new", {"code": "met spaties", "name": "Vergunningen"}, 422),
        ("/admin/manage/staff/999999/active", {"active": "0"}, 303),  # an out-of-date link
        ("/admin/manage/teams/999999/active", {"active": "0"}, 303),
        ("/admin/manage/closing-days/999999/remove", {}, 303),  # removed already
        ("/admin/privacy/erase", {"email": "anna@example.nl"}, 422),  # not confirmed
        ("/admin/privacy/export", {"email": "nobody@example.nl", "confirm": "y"}, 422),  # nothing found
        (f"/admin/reports/{report.id}/reopen", {"reopen-reason": "Nog een keer."}, 409),  # not closed
    ]
    for url, data, status in refusals:
        assert post_form(url, data).status_code == status, url
    assert recorded(db) == [], "refused actions are on the record as if they were done"


def test_a_done_action_is_recorded_with_the_forms_own_codes_only(client, admin, post_form, make_team, db):
    response = post_form("/admin/manage/teams/new", {
        "code": "VG", "name": "Vergunningen", "email": "vg@dronten.example", "x" * 150_000: "y",
        "comment": "z" * 50_000, "password": "geheim"})
    assert response.status_code == 303
    assert recorded(db) == [("admin.manage_team_new", "Anouk Admin", {}, {"code": ["VG"]})]


def test_a_closed_report_is_recorded_with_its_outcome_and_causes_but_not_the_answer(
        client, admin, post_form, make_report, make_team, db):
    from portal.reports import workflow

    report = make_report(email="anna@example.nl", name="Anna")
    workflow.assign(report, team=make_team("BZ", "Burgerzaken"), by=admin)
    db.session.commit()
    cause = db.session.scalars(select(Cause).where(Cause.active).order_by(Cause.id)).first()
    response = post_form(f"/admin/reports/{report.id}/close", {
        "close-outcome": "resolved", "close-causes": str(cause.id),
        "close-summary": "Beste Anna, wij hebben u gebeld op 06-12345678."}, token_page=f"/admin/reports/{report.id}")
    assert response.status_code == 303
    assert recorded(db) == [("admin.close", "Anouk Admin", {"report_id": report.id},
                             {"close-outcome": ["resolved"], "close-causes": [str(cause.id)]})]


def test_each_value_and_the_whole_record_are_capped():
    form = MultiDict([("close-causes", "7" * 500)] * 80 + [("close-outcome", "resolved"), ("close-summary", "Anna")])
    details = allowed_details("admin.close", form)
    causes = details.get("close-causes", [])
    assert "close-summary" not in details
    assert 0 < len(causes) <= MAX_VALUES and all(len(value) <= MAX_VALUE for value in causes)
    assert sum(len(value) for values in details.values() if isinstance(values, list) for value in values) \
        <= MAX_RECORD
    assert allowed_details("admin.some_new_page", MultiDict([("code", "X")])) == {}, \
        "an action not on the list keeps no fields"


def test_log_in_and_log_out_are_on_the_record_with_the_person(client, make_staff, login, db):
    user = make_staff("kcc", name="Karin KCC")
    page = client.get("/admin/login").get_data(as_text=True)
    wrong = client.post("/admin/login", data={"csrf_token": csrf_token_from(page), "email": user.email,
                                              "password": "niet-het-wachtwoord"})
    assert wrong.status_code == 422
    login(user)
    log_out(client)
    assert [(action, actor) for action, actor, _t, _d in recorded(db, without_log_ins=False)] == [
        ("admin.login", "Karin KCC"), ("admin.logout", "Karin KCC")]


def test_a_log_in_with_a_code_is_recorded_once_the_person_is_in(client, make_staff, db):
    user = make_staff("kcc", name="Karin KCC", two_factor=True)
    page = client.get("/admin/login").get_data(as_text=True)
    first = client.post("/admin/login", data={"csrf_token": csrf_token_from(page), "email": user.email,
                                              "password": STAFF_PASSWORD})
    assert first.status_code == 303 and recorded(db, without_log_ins=False) == []
    page = client.get("/admin/login/code").get_data(as_text=True)
    wrong = client.post("/admin/login/code", data={"csrf_token": csrf_token_from(page), "code": "000000"})
    assert wrong.status_code == 422 and recorded(db, without_log_ins=False) == []
    code = pyotp.TOTP(user.totp_secret).now()
    assert client.post("/admin/login/code", data={"csrf_token": csrf_token_from(page), "code": code}).status_code == 303
    assert [(action, actor) for action, actor, _t, _d in recorded(db, without_log_ins=False)] == [
        ("admin.login_code", "Karin KCC")]


def test_switching_on_two_factor_log_in_is_on_the_record(client, make_staff, login, db):
    login(make_staff("kcc", name="Karin KCC"))
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    wrong = client.post("/admin/account/two-factor", data={"csrf_token": csrf_token_from(page), "code": "000000"})
    assert wrong.status_code == 422 and recorded(db) == []
    switched_on = client.post("/admin/account/two-factor", data={"csrf_token": csrf_token_from(page),
                                                                 "code": pyotp.TOTP(secret).now()})
    assert switched_on.status_code == 200
    assert [(action, actor) for action, actor, _t, _d in recorded(db)] == [("admin.enrol_two_factor", "Karin KCC")]


def _pages(client, url):
    """Every page of the record from `url` on, following its "next page" links; the report ids in row order."""
    ids, pages = [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        assert pages < 20, "the pages never end"
        pages += 1
        ids += [int(number) for number in re.findall(r'<a href="/admin/reports/(\d+)">', html)]
        link = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = link.group(1).replace("&amp;", "&") if link else None
    return ids, pages


def test_the_record_pages_through_every_action_newest_first_with_filters(client, admin, make_staff, db):
    karin = make_staff("kcc", name="Karin KCC")
    start = now_utc() - timedelta(days=1)
    for number in range(260):
        db.session.add(StaffAction(
            created_at=start + timedelta(seconds=number), actor_id=(karin if number % 2 else admin).id,
            actor=(karin if number % 2 else admin).name, action="admin.assign" if number % 3 else "admin.add_note",
            target={"report_id": number}, details={}))
    db.session.commit()
    ids, pages = _pages(client, "/admin/manage/staff-actions")
    assert ids == list(range(259, -1, -1)), "every action, newest first, each once"
    assert pages == 6
    ids, _pages_seen = _pages(client, f"/admin/manage/staff-actions?person={karin.id}")
    assert ids == [n for n in range(259, -1, -1) if n % 2]
    ids, _pages_seen = _pages(client, f"/admin/manage/staff-actions?person={karin.id}&action=admin.add_note")
    assert ids == [n for n in range(259, -1, -1) if n % 2 and not n % 3]


@pytest.mark.parametrize("query", ["person=abc", "action=%3Cb%3E", "before=abc", "before=99999999999999999999999",
                                   "before=%C2%B2", "person=999999"])
def test_a_filter_that_cannot_be_read_answers_with_the_page_not_an_error(client, admin, query):
    response = client.get(f"/admin/manage/staff-actions?{query}")
    assert response.status_code == 200
    assert "<b>" not in response.get_data(as_text=True)


def test_the_nightly_retention_removes_staff_actions_older_than_their_period(app, db):
    months = retention.staff_actions_months()
    assert months >= app.config["RETENTION_MONTHS"] + 12, "kept at least as long as the reports it covers"
    now = now_utc()
    for age in (relativedelta(months=months, days=1), relativedelta(months=months, days=-1)):
        db.session.add(StaffAction(created_at=now - age, action="admin.add_note", target={}, details={}))
    db.session.commit()
    jobs.apply_retention()
    db.session.expire_all()
    ages = [now - action.created_at for action in db.session.scalars(select(StaffAction))]
    assert len(ages) == 1 and ages[0] < timedelta(days=31 * months), "only the entry past its period is removed"


def test_the_record_is_never_kept_shorter_than_the_reports_it_covers(app):
    app.config["STAFF_ACTIONS_MONTHS"] = 1
    assert retention.staff_actions_months() == app.config["RETENTION_MONTHS"] + 12
    app.config["STAFF_ACTIONS_MONTHS"] = 60
    assert retention.staff_actions_months() == 60


# ---------------------------------------------------------------------------------------------------------------
# Exports: names that look like formulas are written as text


FORMULAS = {
    "team": '=HYPERLINK("http://evil.example","Klik")',
    "category": "@SUM(1+1)",
    "cause": "-2+3",
    "other_cause": "+31 6 12345678",
}


@pytest.fixture
def formula_names(db, make_team):
    team = make_team("EVIL", FORMULAS["team"])
    category = db.session.scalar(select(Category).where(Category.code == "letter"))
    category.name_nl = category.name_en = FORMULAS["category"]
    causes = db.session.scalars(select(Cause).order_by(Cause.id)).all()[:2]
    causes[0].name_nl = causes[0].name_en = FORMULAS["cause"]
    causes[1].name_nl = causes[1].name_en = FORMULAS["other_cause"]
    received = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_ZONE)
    db.session.add(Report(
        reference="MC-FORM-0001", received_at=received, channel=Channel.WEB, category=category,
        description="Een melding voor de cijfers.", status=ReportStatus.CLOSED, team=team,
        first_contact_due=date(2026, 3, 12), closing_due=date(2026, 3, 24), next_due=date(2026, 3, 24),
        closed_at=received + timedelta(days=3), closing_working_days=3, closed_on_time=True,
        outcome=Outcome.RESOLVED, causes=causes,
    ))
    db.session.commit()
    return team


def test_a_name_like_a_formula_is_text_in_the_workbook(client, formula_names, make_staff, login):
    login(make_staff("manager"))
    response = client.get("/admin/stats/monthly.xlsx?month=2026-03")
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    texts, numbers = set(), []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
                elif isinstance(cell.value, int | float):
                    numbers.append(cell.value)
    for name in FORMULAS.values():
        assert name in texts, f"{name!r} is not shown as typed"
    headline = {row[1]: row[2] for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert headline["received"] == 1 and isinstance(headline["received"], int), "numbers stay numbers"
    assert numbers


def test_a_name_like_a_formula_starts_with_a_quote_in_the_csv(client, formula_names, make_staff, login):
    login(make_staff("manager"))
    text = client.get("/admin/stats/monthly.csv?month=2026-03").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["group_name"] for row in rows}
    for name in FORMULAS.values():
        assert "'" + name in names and name not in names, f"{name!r} would be a formula in a spreadsheet"
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (key, value)
        if row["value"]:
            float(row["value"])  # numbers stay numbers
    received = next(row for row in rows if row["section"] == "headline" and row["figure"] == "received")
    assert received["value"] == "1"


# ---------------------------------------------------------------------------------------------------------------
# Messages with names people typed are plain text


def test_an_unknown_placeholder_with_markup_is_shown_as_text(client, admin):
    page = client.get("/admin/manage/texts/new").get_data(as_text=True)
    response = client.post("/admin/manage/texts/new", data={
        "csrf_token": csrf_token_from(page), "code": "tekst", "title": "Tekst", "subject_nl": "Onderwerp",
        "subject_en": "Subject", "body_nl": "Beste {" + MARKUP + "}", "body_en": "Dear resident"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert MARKUP not in html, "the placeholder the admin typed reached the error summary as markup"
    assert "{&lt;svg/onload=alert(1)//}" in html


def test_the_placeholder_refusal_is_plain_text_wherever_it_is_shown(app):
    with app.test_request_context("/admin/manage/texts/new"):
        with pytest.raises(ManagementError) as refusal:
            management.create_standard_text(code="tekst", title="Tekst", subject_nl="Onderwerp", subject_en="Subject",
                                            body_nl="Beste {" + MARKUP + "}", body_en="Dear resident")
        shown = render_template_string("{{ message }}", message=refusal.value.message)
    assert MARKUP not in shown and "&lt;svg" in shown, "a lazy string counts as safe markup"


@pytest.mark.parametrize("where", ["cause", "category"])
def test_a_name_an_admin_typed_is_text_in_the_message_after_saving_it(client, admin, db, where):
    if where == "cause":
        url = "/admin/manage/causes/new"
        data = {"code": "nieuw", "name_nl": "Oorzaak " + MARKUP, "name_en": "Cause", "position": "10"}
    else:
        category = db.session.scalar(select(Category).where(Category.code == "other"))
        url = f"/admin/manage/categories/{category.id}"
        data = {"name_nl": "Anders " + MARKUP, "name_en": "Other", "help_nl": "", "help_en": "",
                "first_contact_days": str(category.first_contact_days), "closing_days": str(category.closing_days),
                "default_team": "", "active": "y", "position": str(category.position)}
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token_from(page), **data}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "&lt;svg/onload" in html
    assert MARKUP not in html, "the name reached the page as markup"



def test_every_staff_form_says_what_the_record_keeps_of_it(app):
    from admin.audit.record import AUDITED, NOT_RECORDED

    posts = {rule.endpoint for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith("admin.") and "POST" in rule.methods}
    assert posts - set(AUDITED) - NOT_RECORDED == set(), \
        "a new staff form: add it to AUDITED in admin/audit/record.py with the fields that hold no personal data"


def test_the_record_speaks_the_staffs_words(client, admin, make_staff, make_team, make_report, db):
    from portal.models import Cause, StaffAction

    cause = db.session.scalar(select(Cause).limit(1))
    report = make_report()
    db.session.add(StaffAction(actor_id=admin.id, actor=admin.name, action="admin.close",
                               target={"report_id": report.id},
                               details={"close-outcome": ["resolved"], "close-causes": [str(cause.id)]}))
    db.session.commit()
    html = client.get("/admin/manage/staff-actions").get_data(as_text=True)
    assert f'<a href="/admin/reports/{report.id}">' in html
    assert "close-causes" not in html and "report_id=" not in html, "no code names"
    assert cause.name_nl in html or cause.name_en in html
