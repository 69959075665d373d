"""The management pages as an administrator uses them: accounts, teams, categories, closing days, causes, texts."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, update

from portal.calendar import deadlines
from portal.models import Category, Cause, ClosingDay, OutboxMessage, Role, StandardText, Team, User
from tests.conftest import STAFF_PASSWORD, csrf_token_from

NEW_PASSWORD = "Lange-Zomeravond-42"


@pytest.fixture(autouse=True)
def reference_data_restored(db):
    """Categories, causes and standard texts are migrated reference data that outlive a test: put them back."""
    tables = [Category.__table__, Cause.__table__, StandardText.__table__]
    saved = {table: [dict(row._mapping) for row in db.session.execute(select(table))] for table in tables}
    yield
    db.session.rollback()
    for table, rows in saved.items():
        db.session.execute(delete(table).where(table.c.id.not_in([row["id"] for row in rows])))
        for row in rows:
            db.session.execute(update(table).where(table.c.id == row["id"]).values(**row))
    db.session.commit()


@pytest.fixture
def admin(client, make_staff, login):
    user = make_staff("admin", name="Anna Beheer")
    login(user)
    client.get("/admin/manage?lang=en")  # English for the rest of the visit: the tests read the source messages
    return user


def log_in(client, email, password=STAFF_PASSWORD):
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password})


def fresh(db, model, **where):
    db.session.expire_all()
    return db.session.scalar(select(model).filter_by(**where))


def category_data(category, **changes):
    data = {
        "name_nl": category.name_nl, "name_en": category.name_en, "help_nl": category.help_nl,
        "help_en": category.help_en, "first_contact_days": str(category.first_contact_days),
        "closing_days": str(category.closing_days), "default_team": "", "active": "y",
        "position": str(category.position),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Teams

def test_an_admin_creates_a_team(client, admin, post_form, db):
    data = {"code": "wz", "name": "Werk en Zorg", "email": "WZ@Dronten.example"}
    response = post_form("/admin/manage/teams/new", data)
    assert response.status_code == 303
    team = fresh(db, Team, code="WZ")
    assert team is not None and team.active, "the team was not created (with its code in capitals)"
    assert team.name == "Werk en Zorg"
    assert "Werk en Zorg" in client.get("/admin/manage/teams").get_data(as_text=True)


def test_a_team_with_an_invalid_e_mail_address_is_refused_with_the_values_kept(client, admin, post_form, db):
    response = post_form("/admin/manage/teams/new", {"code": "WZ", "name": "Werk en Zorg", "email": "geen adres"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'href="#email"' in page
    assert 'value="Werk en Zorg"' in page, "the admin would have to type the name again"
    assert fresh(db, Team, code="WZ") is None


def test_a_team_code_is_unique(client, admin, post_form, make_team, db):
    make_team("BZ", "Burgerzaken")
    response = post_form("/admin/manage/teams/new", {"code": "bz", "name": "Nog eens", "email": ""})
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_an_admin_edits_and_deactivates_a_team_which_is_then_not_offered(client, admin, post_form, make_team, db):
    team = make_team("BZ", "Burgerzaken")
    assert post_form(f"/admin/manage/teams/{team.id}", {"name": "Publiekszaken", "email": ""}).status_code == 303
    assert fresh(db, Team, code="BZ").name == "Publiekszaken"
    assert fresh(db, Team, code="BZ").email is None
    assert post_form(f"/admin/manage/teams/{team.id}/active", {"active": "0"}).status_code == 303
    assert not fresh(db, Team, code="BZ").active
    assert "Publiekszaken" not in client.get("/admin/manage/staff/new").get_data(as_text=True)
    callback = fresh(db, Category, code="callback")
    assert "Publiekszaken" not in client.get(f"/admin/manage/categories/{callback.id}").get_data(as_text=True)


def test_the_default_team_of_a_category_cannot_be_deactivated(client, admin, post_form, make_team, db):
    team = make_team("BZ", "Burgerzaken")
    db.session.execute(update(Category).where(Category.code == "callback").values(default_team_id=team.id))
    db.session.commit()
    response = post_form(f"/admin/manage/teams/{team.id}/active", {"active": "0"})
    assert response.status_code == 409
    assert "default team" in response.get_data(as_text=True)
    assert fresh(db, Team, code="BZ").active


# Staff accounts

def password_link_sent_to(db, email):
    """The path of the newest set-password link e-mailed to this address (through the outbox)."""
    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc()))
    assert message is not None, f"no e-mail to {email}"
    match = re.search(r"https?://[^/\s]+(/admin/account/set-password/[^\s]+)", message.body_text)
    assert match, "the e-mail has no link to set a password"
    return match.group(1)


def set_password_through(client, path, password=NEW_PASSWORD):
    page = client.get(path)
    assert page.status_code == 200, "the link from the e-mail does not open the page to set a password"
    return client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                   "new_password": password, "new_password_again": password})


def test_an_admin_creates_a_staff_account_with_teams_that_can_then_log_in(app, client, admin, post_form, make_team,
                                                                         db):
    make_team("A", "Team A")
    make_team("B", "Team B")
    assert 'type="password"' not in client.get("/admin/manage/staff/new").get_data(as_text=True), \
        "the admin must not choose the new colleague's password"
    response = post_form("/admin/manage/staff/new", {
        "email": "Piet.Team@Dronten.example", "name": "Piet Team", "role": "team", "teams": ["A", "B"],
    })
    assert response.status_code == 303
    user = fresh(db, User, email="piet.team@dronten.example")
    assert user is not None and user.role is Role.TEAM
    assert sorted(team.code for team in user.teams) == ["A", "B"]
    other = app.test_client()
    assert log_in(other, "piet.team@dronten.example").status_code == 422, "no password works before one is set"
    assert set_password_through(other, password_link_sent_to(db, "piet.team@dronten.example")).status_code == 303
    assert log_in(other, "piet.team@dronten.example", NEW_PASSWORD).status_code == 303
    assert other.get("/admin/team").status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"email": "bestaat@dronten.example"}, "email"),
    ({"role": "team", "teams": []}, "teams"),
])
def test_an_account_the_rules_refuse_shows_the_message_at_its_field(client, admin, post_form, make_staff, db,
                                                                     changes, field):
    make_staff("kcc", email="bestaat@dronten.example")
    data = {"email": "nieuw@dronten.example", "name": "Nieuwe Collega", "role": "kcc"}
    response = post_form("/admin/manage/staff/new", {**data, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page, f"the message is not at the {field} field"
    assert 'value="Nieuwe Collega"' in page
    assert db.session.scalar(select(User).where(User.name == "Nieuwe Collega")) is None


def test_the_staff_list_shows_role_teams_two_factor_and_last_log_in(client, admin, make_staff, make_team):
    member = make_staff("team", teams=[make_team("A", "Team Afval")], name="Tom Team", two_factor=True)
    member.last_login_at = datetime(2026, 7, 1, 10, 30, tzinfo=timezone.utc)
    page = client.get("/admin/manage/staff").get_data(as_text=True)
    assert "Tom Team" in page and "Team Afval" in page and "Team member" in page
    assert "12:30" in page, "the last log-in must be shown in Amsterdam time (UTC+2 in summer)"
    assert '<th scope="col">' in page


def test_deactivating_an_account_ends_its_session(app, client, admin, post_form, make_staff, db):
    kcc = make_staff("kcc")
    other = app.test_client()
    assert log_in(other, kcc.email).status_code == 303
    assert other.get("/admin/queue").status_code == 200
    assert post_form(f"/admin/manage/staff/{kcc.id}/active", {"active": "0"}).status_code == 303
    response = other.get("/admin/queue")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert log_in(app.test_client(), kcc.email).status_code == 422, "a deactivated account must not log in"
    assert post_form(f"/admin/manage/staff/{kcc.id}/active", {"active": "1"}).status_code == 303
    assert log_in(app.test_client(), kcc.email).status_code == 303


def test_an_admin_cannot_deactivate_themselves_or_drop_their_own_admin_role(client, admin, post_form, db):
    assert post_form(f"/admin/manage/staff/{admin.id}/active", {"active": "0"}).status_code == 409
    response = post_form(f"/admin/manage/staff/{admin.id}/access", {"role": "kcc"})
    assert response.status_code == 422
    assert 'id="role-error"' in response.get_data(as_text=True)
    user = fresh(db, User, id=admin.id)
    assert user.active and user.role is Role.ADMIN
    assert client.get("/admin/manage").status_code == 200


def test_an_admin_changes_role_and_teams(client, admin, post_form, make_staff, make_team, db):
    make_team("A", "Team A")
    kcc = make_staff("kcc")
    assert post_form(f"/admin/manage/staff/{kcc.id}/access", {"role": "team"}).status_code == 422
    assert post_form(f"/admin/manage/staff/{kcc.id}/access", {"role": "team", "teams": ["A"]}).status_code == 303
    user = fresh(db, User, id=kcc.id)
    assert user.role is Role.TEAM and [team.code for team in user.teams] == ["A"]


def test_a_password_reset_ends_the_old_password_and_sends_a_link_to_set_a_new_one(app, client, admin, post_form,
                                                                                  make_staff, db):
    kcc = make_staff("kcc")
    logged_in = app.test_client()
    assert log_in(logged_in, kcc.email).status_code == 303
    assert post_form(f"/admin/manage/staff/{kcc.id}/password", {}).status_code == 303
    assert logged_in.get("/admin/queue").status_code == 302, "the reset must end the account's sessions"
    assert log_in(app.test_client(), kcc.email).status_code == 422, "the old password still works"
    other = app.test_client()
    assert other.get("/admin/account/set-password/forged").status_code == 410
    link = password_link_sent_to(db, kcc.email)
    assert set_password_through(other, link, "kort").status_code == 422
    assert set_password_through(other, link).status_code == 303
    assert log_in(app.test_client(), kcc.email, NEW_PASSWORD).status_code == 303


def test_a_two_factor_reset_switches_two_factor_log_in_off(client, admin, post_form, make_staff, db):
    kcc = make_staff("kcc", two_factor=True)
    assert post_form(f"/admin/manage/staff/{kcc.id}/two-factor", {}).status_code == 303
    assert not fresh(db, User, id=kcc.id).has_two_factor


# Categories

def test_an_admin_edits_a_categorys_terms(client, admin, post_form, make_team, db):
    team = make_team("BZ", "Burgerzaken")
    category = fresh(db, Category, code="callback")
    response = post_form(f"/admin/manage/categories/{category.id}",
                         category_data(category, first_contact_days="2", closing_days="15", default_team="BZ"))
    assert response.status_code == 303
    category = fresh(db, Category, code="callback")
    assert (category.first_contact_days, category.closing_days) == (2, 15)
    assert category.default_team_id == team.id


@pytest.mark.parametrize(("first", "closing", "message"), [
    ("5", "31", "Awb 9:11"),
    ("10", "5", "cannot be shorter"),
    ("0", "5", "at least 1"),
    ("2,5", "10", "whole number"),
    ("", "10", "Fill in the first-contact term"),
])
def test_an_invalid_term_is_refused_and_nothing_changes(client, admin, post_form, db, first, closing, message):
    category = fresh(db, Category, code="callback")
    before = (category.first_contact_days, category.closing_days)
    response = post_form(f"/admin/manage/categories/{category.id}",
                         category_data(category, first_contact_days=first, closing_days=closing, name_en="Changed"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'class="error-summary"' in page
    assert 'value="Changed"' in page, "the values typed must be kept"
    category = fresh(db, Category, code="callback")
    assert (category.first_contact_days, category.closing_days) == before and category.name_en != "Changed"


def test_a_category_an_admin_changes_is_offered_at_once_by_the_form_and_its_terms_apply(
        app, client, admin, post_form, db, report_form_data):
    from portal.reports.models import Report

    resident = app.test_client()
    assert "Tweede naam" not in resident.get("/melden").get_data(as_text=True)  # the form keeps its categories now
    callback = fresh(db, Category, code="callback")
    letter = fresh(db, Category, code="letter")
    assert post_form(f"/admin/manage/categories/{callback.id}", category_data(
        callback, name_nl="Tweede naam", first_contact_days="1", closing_days="2")).status_code == 303
    assert post_form(f"/admin/manage/categories/{letter.id}", category_data(letter, active=None)).status_code == 303

    page = resident.get("/melden").get_data(as_text=True)
    assert "Tweede naam" in page and 'value="letter"' not in page
    token = csrf_token_from(page)
    answer = resident.post("/melden", data={**report_form_data(), "csrf_token": token, "category": "letter"})
    assert answer.status_code == 422, "a category no longer offered is refused"
    answer = resident.post("/melden", data={**report_form_data(), "csrf_token": token, "category": "callback"})
    assert answer.status_code == 303
    report = db.session.scalar(select(Report))
    assert report.closing_due == deadlines.due_date(report.received_at, 2), "the new term applies at once"


def test_a_change_made_elsewhere_reaches_the_form_within_the_seconds_it_is_kept(
        app, client, db, monkeypatch):
    from portal import kept

    assert "Van elders" not in client.get("/melden").get_data(as_text=True)
    # Another process (another worker, another host) changes the row: nothing of this process hears of it.
    with db.engine.begin() as connection:
        connection.execute(update(Category).where(Category.code == "callback").values(name_nl="Van elders"))
    later = kept.monotonic() + kept.SECONDS + 0.1
    monkeypatch.setattr(kept, "monotonic", lambda: later)
    assert "Van elders" in client.get("/melden").get_data(as_text=True)


def test_a_bulk_change_to_the_categories_in_this_process_is_offered_at_once(client, db):
    assert "In bulk" not in client.get("/melden").get_data(as_text=True)
    db.session.execute(update(Category).where(Category.code == "callback").values(name_nl="In bulk"))
    db.session.commit()
    assert "In bulk" in client.get("/melden").get_data(as_text=True)


# Closing days

def test_an_added_closing_day_is_skipped_by_due_date(client, admin, post_form, db):
    received = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)
    due_before = deadlines.due_date(received, 3)
    response = post_form("/admin/manage/closing-days", {"day": due_before.isoformat(), "description": "Heidag"})
    assert response.status_code == 303
    assert fresh(db, ClosingDay, day=due_before).description == "Heidag"
    due_after = deadlines.due_date(received, 3)
    assert due_after > due_before and deadlines.is_working_day(due_after)
    assert not deadlines.is_working_day(due_before)


@pytest.mark.parametrize(("day", "message"), [
    (date(2031, 3, 8), "Saturday or Sunday"),
    (date(2030, 12, 25), "public holiday"),
])
def test_a_weekend_or_holiday_is_refused_as_a_closing_day_with_a_friendly_message(client, admin, post_form, db, day,
                                                                                   message):
    response = post_form("/admin/manage/closing-days", {"day": day.isoformat(), "description": ""})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(ClosingDay)) is None


def test_closing_days_are_listed_and_removed(client, admin, post_form, db):
    future = date.today() + timedelta(days=400)
    while not deadlines.is_working_day(future, closing_days=()):
        future += timedelta(days=1)
    added = post_form("/admin/manage/closing-days", {"day": future.isoformat(), "description": "Verhuizing"})
    assert added.status_code == 303
    again = post_form("/admin/manage/closing-days", {"day": future.isoformat(), "description": ""})
    assert again.status_code == 422 and "already a closing day" in again.get_data(as_text=True)
    assert "Verhuizing" in client.get("/admin/manage/closing-days").get_data(as_text=True)
    closing_day = fresh(db, ClosingDay, day=future)
    assert post_form(f"/admin/manage/closing-days/{closing_day.id}/remove", {}).status_code == 303
    assert fresh(db, ClosingDay, day=future) is None
    assert post_form(f"/admin/manage/closing-days/{closing_day.id}/remove", {}).status_code == 303


# Causes

def test_an_admin_creates_edits_and_deactivates_a_cause(client, admin, post_form, db):
    data = {"code": "wrong_address", "name_nl": "Verkeerd adres", "name_en": "Wrong address", "position": "50"}
    assert post_form("/admin/manage/causes/new", data).status_code == 303
    assert post_form("/admin/manage/causes/new", data).status_code == 422, "a code is unique"
    cause = fresh(db, Cause, code="wrong_address")
    assert cause.name_nl == "Verkeerd adres" and cause.active
    edit = {"name_nl": "Oud adres gebruikt", "name_en": "Old address used", "position": "5"}
    assert post_form(f"/admin/manage/causes/{cause.id}", edit).status_code == 303
    assert fresh(db, Cause, code="wrong_address").name_nl == "Oud adres gebruikt"
    assert post_form(f"/admin/manage/causes/{cause.id}/active", {"active": "0"}).status_code == 303
    cause = fresh(db, Cause, code="wrong_address")
    assert cause is not None and not cause.active, "a cause is deactivated, never deleted"


# Standard texts

def text_data(**changes):
    data = {
        "code": "late_answer", "title": "Later antwoord", "subject_nl": "Uw melding {reference}",
        "subject_en": "Your report {reference}", "body_nl": "Beste {name},\n\nWij bellen u voor {closing_due}.",
        "body_en": "Dear {name},\n\nWe will call you before {closing_due}.",
    }
    data.update(changes)
    return data


def test_an_admin_creates_and_edits_a_standard_text(client, admin, post_form, db):
    page = client.get("/admin/manage/texts/new").get_data(as_text=True)
    for placeholder in ("{reference}", "{name}", "{received_date}", "{first_contact_due}", "{closing_due}",
                        "{municipality}", "{phone}"):
        assert placeholder in page, f"the page does not show the placeholder {placeholder}"
    assert post_form("/admin/manage/texts/new", text_data()).status_code == 303
    text = fresh(db, StandardText, code="late_answer")
    assert text.active and text.body_nl.startswith("Beste {name},\n\n")
    edit = text_data(title="Later antwoord (nieuw)")
    del edit["code"]
    assert post_form(f"/admin/manage/texts/{text.id}", edit).status_code == 303
    assert fresh(db, StandardText, code="late_answer").title == "Later antwoord (nieuw)"
    assert post_form(f"/admin/manage/texts/{text.id}/active", {"active": "0"}).status_code == 303
    assert not fresh(db, StandardText, code="late_answer").active


def test_a_standard_text_with_an_unknown_placeholder_is_refused(client, admin, post_form, db):
    response = post_form("/admin/manage/texts/new", text_data(body_nl="Beste {naam},"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "{naam}" in page and 'id="body_nl-error"' in page
    assert fresh(db, StandardText, code="late_answer") is None


def test_markup_in_a_text_field_is_stored_stripped(client, admin, post_form, db):
    body = "Beste {name},\n\n<b>Sorry</b> <script>alert(1)</script>: 5 < 10 & klopt."
    assert post_form("/admin/manage/texts/new", text_data(title="<i>Excuses</i>", body_nl=body)).status_code == 303
    text = fresh(db, StandardText, code="late_answer")
    assert text.title == "Excuses"
    assert "<b>" not in text.body_nl and "<script>" not in text.body_nl
    assert "Sorry" in text.body_nl and "5 < 10 & klopt." in text.body_nl, "plain text must stay as typed"


# Access

def manage_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.manage"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.build({argument: 1 for argument in rule.arguments})[1], method


@pytest.mark.parametrize("role", ["kcc", "team", "manager"])
def test_only_admins_reach_any_management_page(app, client, make_staff, make_team, login, role, db):
    login(make_staff(role, teams=[make_team("A", "Team A")] if role == "team" else []))
    token = csrf_token_from(client.get("/admin/", follow_redirects=True).get_data(as_text=True))
    routes = list(manage_routes(app))
    assert len(routes) > 20, "the management routes are missing"
    for url, method in routes:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, "active": "0", "name": "Gekaapt"})
        assert response.status_code == 403, f"{method} {url} as {role}: {response.status_code}"
    assert db.session.scalar(select(Team).where(Team.name == "Gekaapt")) is None


def test_an_out_of_date_link_leads_back_to_the_list_with_a_message(client, admin, post_form):
    response = client.get("/admin/manage/teams/999999")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/manage/teams")
    assert "not found" in client.get("/admin/manage/teams").get_data(as_text=True)
    response = post_form("/admin/manage/staff/999999/active", {"active": "0"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/manage/staff")


def test_every_staff_change_is_on_the_record_without_secrets(client, db, make_staff, login):
    from portal.models import StaffAction

    admin = make_staff("admin", name="Anouk Admin")
    login(admin)
    page = client.get("/admin/manage/teams/new").get_data(as_text=True)
    client.post("/admin/manage/teams/new", data={
        "csrf_token": csrf_token_from(page), "code": "VG", "name": "Vergunningen", "email": "vg@dronten.example"})
    action = db.session.scalar(select(StaffAction).where(StaffAction.action == "admin.manage_team_new"))
    assert action is not None and action.actor == "Anouk Admin"
    assert action.details == {"code": ["VG"]}, "only the fields on the action's allow-list are written down"
    listing = client.get("/admin/manage/staff-actions?lang=en").get_data(as_text=True)
    assert "<td>Team created</td>" in listing and "vg@dronten.example" not in listing
    action.action = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
