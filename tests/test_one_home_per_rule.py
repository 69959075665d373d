"""Rules that once lived in several copies, two of them wrong: each now has one home, and these show it holds."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from portal.calendar.deadlines import working_days_left
from portal.models import Category, Report, Team
from tests.conftest import csrf_token_from


def search(client, **field):
    """A personal-data search as the admin makes it: a POST, so the address never lands in a URL."""
    token = csrf_token_from(client.get("/admin/privacy").get_data(as_text=True))
    return client.post("/admin/privacy", data={"csrf_token": token, **field}).get_data(as_text=True)


@pytest.fixture
def admin(make_staff, login):
    user = make_staff("admin", name="Anouk Admin")
    login(user)
    return user


def test_a_resident_who_typed_capitals_in_their_address_is_found_by_a_personal_data_request(
    client, report_form_data, admin, db
):
    sent = client.post("/melden", data=report_form_data(
        name="Anna Jansen", email="Anna.Jansen@Example.NL", phone="06-11112222", contact_preference="email",
        consent="y",
    ))
    assert sent.status_code == 303
    reference = sent.headers["Location"].rsplit("/", 1)[-1]
    for email in ("anna.jansen@example.nl", "Anna.Jansen@Example.NL", " ANNA.JANSEN@EXAMPLE.NL "):
        page = search(client, email=email)
        assert reference in page, f"an access request for {email!r} must find the resident's report"
    for phone in ("0611112222", "06-11112222", "+31 6 11112222", "+31611112222"):
        page = search(client, phone=phone)
        assert reference in page, f"an access request for {phone!r} must find the resident's report"


def test_erasure_by_a_differently_written_address_removes_the_residents_data(
    client, report_form_data, admin, db
):
    client.post("/melden", data=report_form_data(
        name="Anna Jansen", email="Anna.Jansen@Example.NL", contact_preference="email", consent="y"))
    page = search(client, email="anna.jansen@example.nl")
    erased = client.post("/admin/privacy/erase", data={
        "csrf_token": csrf_token_from(page), "email": "ANNA.JANSEN@example.nl", "confirm": "y"})
    assert erased.status_code == 303
    db.session.expire_all()
    assert db.session.query(Report).filter(Report.name == "Anna Jansen").count() == 0


def test_a_name_an_admin_typed_is_shown_as_text_in_another_admins_message(client, admin, make_team, db):
    team = make_team("BZ", "Burgerzaken")
    markup = '<img src="x" onerror="alert(1)">'
    db.session.execute(update(Category).where(Category.code == "callback")
                       .values(default_team_id=team.id, name_nl=markup))
    db.session.commit()
    try:
        page = client.get("/admin/manage/teams").get_data(as_text=True)
        response = client.post(f"/admin/manage/teams/{team.id}/active",
                               data={"csrf_token": csrf_token_from(page), "active": "0"})
        html = response.get_data(as_text=True)
        assert response.status_code == 409
        assert markup not in html, "an admin-entered name must never reach a page as markup"
        assert "&lt;img" in html, "the name is still shown, as text"
    finally:
        db.session.execute(update(Category).where(Category.code == "callback")
                           .values(default_team_id=None, name_nl="Ik ben niet teruggebeld"))
        db.session.commit()


def act(client, report, action, **data):
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    return client.post(f"/admin/reports/{report.id}/{action}", data={"csrf_token": csrf_token_from(page), **data})


@pytest.fixture
def desk(make_team, make_staff, make_report, login):
    team = make_team("BZ", "Burgerzaken")
    other_team = make_team("BEL", "Belastingen", "bel@dronten.example")
    kcc = make_staff("kcc", name="Karin KCC")
    member = make_staff("team", teams=[team], name="Tom Team")
    stranger = make_staff("team", teams=[other_team], name="Bea Belastingen")
    report = make_report(email="anna@example.nl", name="Anna")
    login(kcc)
    return {"team": team, "member": member, "stranger": stranger, "report": report, "kcc": kcc}


def test_a_report_cannot_be_sent_to_a_team_with_someone_from_another_team_as_the_person(client, desk, db):
    report = desk["report"]
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert "Burgerzaken: Tom Team" in page and "Belastingen: Bea Belastingen" in page, "people shown with their team"
    refused = act(client, report, "assign", **{"assign-team": "BZ", "assign-assignee": str(desk["stranger"].id)})
    assert refused.status_code == 409
    assert "Bea Belastingen" in refused.get_data(as_text=True)
    db.session.refresh(report)
    assert report.team is None and report.assignee is None
    accepted = act(client, report, "assign", **{"assign-team": "BZ", "assign-assignee": str(desk["member"].id)})
    assert accepted.status_code == 303
    db.session.refresh(report)
    assert (report.team.code, report.assignee.name) == ("BZ", "Tom Team")


def test_the_report_page_offers_an_extension_only_until_it_was_used(client, desk, db):
    report = desk["report"]
    act(client, report, "assign", **{"assign-team": "BZ"})
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f'action="/admin/reports/{report.id}/extend"' in page
    db.session.refresh(report)
    new_due = (report.closing_due + timedelta(days=7)).isoformat()
    assert act(client, report, "extend", **{"extend-new_closing_due": new_due,
                                            "extend-reason": "We wachten op informatie."}).status_code == 303
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f'action="/admin/reports/{report.id}/extend"' not in page, "Awb 9:11 allows one extension"


def test_a_report_without_an_address_offers_no_e_mail_message(client, desk, make_report):
    report = make_report(phone="+31612345678", name="Piet")
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f'action="/admin/reports/{report.id}/message"' not in page


def test_a_term_that_ended_on_friday_is_overdue_on_saturday_in_days_left_and_in_the_queue():
    friday, saturday, monday = date(2026, 11, 27), date(2026, 11, 28), date(2026, 11, 30)
    assert working_days_left(friday, friday, closing_days=()) == 0, "the last day of a term is not overdue"
    assert working_days_left(friday, saturday, closing_days=()) == -1
    assert working_days_left(friday, monday, closing_days=()) == -1
    assert working_days_left(monday, friday, closing_days=()) == 1


def test_teams_created_on_the_command_line_follow_the_same_rules_as_on_the_page(runner, make_team, db):
    make_team("BZ", "Burgerzaken")
    again = runner.invoke(args=["teams", "create", "--code", "bz", "--name", "Burgerzaken 2"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad_address = runner.invoke(args=["teams", "create", "--code", "WON", "--name", "Wonen", "--email", "geen adres"])
    assert bad_address.exit_code != 0
    made = runner.invoke(args=["teams", "create", "--code", " won ", "--name", " Wonen ", "--email",
                               "Wonen@Dronten.Example"])
    assert made.exit_code == 0, made.output
    team = db.session.scalar(select(Team).where(Team.code == "WON"))
    assert (team.name, team.email) == ("Wonen", "wonen@dronten.example")


def test_a_reopened_report_that_had_first_contact_keeps_it_and_is_not_offered_it_again(client, desk, db):
    from portal.models import Cause, Channel, Outcome, ReportStatus
    from portal.reports import workflow

    report = desk["report"]
    workflow.assign(report, team=desk["team"], by=desk["kcc"])
    from portal.calendar.clock import now_utc

    contact = now_utc()
    workflow.record_first_contact(report, channel=Channel.PHONE, at=contact, summary="Gebeld.", by=desk["kcc"])
    workflow.close(report, outcome=Outcome.RESOLVED, causes=[db.session.scalar(select(Cause).limit(1))],
                   summary="Opgelost.", by=desk["kcc"])
    db.session.commit()
    assert act(client, report, "reopen", **{"reopen-reason": "De inwoner belde terug."}).status_code == 303
    db.session.refresh(report)
    assert report.status is ReportStatus.CONTACTED
    assert report.first_contact_at == contact and report.next_due == report.closing_due
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert f"/admin/reports/{report.id}/first-contact" not in page, "first contact cannot be recorded twice"


def test_the_chosen_language_sticks_also_after_a_page_that_only_redirects(client, make_staff, login):
    login(make_staff("kcc"))
    assert client.get("/admin/?lang=en").status_code in (302, 303)
    assert 'lang="en"' in client.get("/admin/queue").get_data(as_text=True)


def test_an_id_no_database_column_can_hold_is_a_page_that_does_not_exist(client, make_staff, login):
    login(make_staff("admin"))
    for path in ("/admin/reports/99999999999999999999", "/admin/reports/2147483648",
                 "/admin/manage/teams/99999999999999999999"):
        assert client.get(path).status_code == 404, path
