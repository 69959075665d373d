"""Rules that once lived in several copies, two of them wrong: each now has one home, and these show it holds."""
import pytest
from sqlalchemy import update

from portal.models import Category, Report
from tests.conftest import csrf_token_from


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
        page = client.get("/admin/privacy", query_string={"email": email}).get_data(as_text=True)
        assert reference in page, f"an access request for {email!r} must find the resident's report"
    for phone in ("0611112222", "06-11112222", "+31 6 11112222", "+31611112222"):
        page = client.get("/admin/privacy", query_string={"phone": phone}).get_data(as_text=True)
        assert reference in page, f"an access request for {phone!r} must find the resident's report"


def test_erasure_by_a_differently_written_address_removes_the_residents_data(
    client, report_form_data, admin, db
):
    client.post("/melden", data=report_form_data(
        name="Anna Jansen", email="Anna.Jansen@Example.NL", contact_preference="email", consent="y"))
    page = client.get("/admin/privacy", query_string={"email": "anna.jansen@example.nl"}).get_data(as_text=True)
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
