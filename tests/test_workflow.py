"""Staff actions on a report over HTTP: each one changes the report, leaves an event, and refuses what it must."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.models import Category, Cause, OutboxMessage, ReportEvent, ReportStatus, StandardText
from portal.reference import placeholders
from tests.conftest import csrf_token_from


@pytest.fixture
def desk(make_team, make_staff, make_report, login, client, db):
    """A KCC employee logged in, a team with a member, and a fresh report with an e-mail address."""
    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc", name="Karin KCC")
    member = make_staff("team", teams=[team], name="Tom Team")
    report = make_report(email="anna@example.nl", name="Anna", description="Niemand belde mij terug.",
                         received_at=now_utc() - timedelta(hours=3))
    login(kcc)
    return {"team": team, "kcc": kcc, "member": member, "report": report}


def act(client, report, action, **data):
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    return client.post(f"/admin/reports/{report.id}/{action}", data={"csrf_token": csrf_token_from(page), **data})


def kinds(report):
    return [event.kind for event in report.events]


def test_kcc_sends_a_new_report_to_a_team_in_one_action(client, desk, db):
    report = desk["report"]
    response = act(client, report, "assign", **{"assign-team": "BZ", "assign-assignee": str(desk["member"].id)})
    assert response.status_code == 303
    db.session.refresh(report)
    assert (report.status, report.team.code, report.assignee.name) == (ReportStatus.ASSIGNED, "BZ", "Tom Team")
    assert report.triaged_at is not None
    event = report.events[-1]
    assert (event.kind, event.actor, event.actor_id) == ("assigned", "Karin KCC", desk["kcc"].id)
    assert event.details["before"]["team"] is None and event.details["after"]["team"] == "BZ"


def test_the_categorys_default_team_is_preselected(client, desk, db):
    category = db.session.scalar(select(Category).where(Category.code == "callback"))
    category.default_team = desk["team"]
    db.session.commit()
    page = client.get(f"/admin/reports/{desk['report'].id}").get_data(as_text=True)
    assert '<option selected value="BZ">' in page or '<option value="BZ" selected>' in page


def test_changing_the_category_recomputes_the_terms_and_records_both(client, desk, db):
    report = desk["report"]
    before = report.closing_due
    assert act(client, report, "category", **{"category-category": "other"}).status_code == 303
    db.session.refresh(report)
    assert report.category.code == "other"
    from portal.calendar.deadlines import due_date

    assert report.closing_due == due_date(report.received_at, 20) != before
    event = report.events[-1]
    assert event.details["before"]["closing_due"] == before.isoformat()
    assert event.details["after"]["closing_due"] == report.closing_due.isoformat()


def test_the_team_records_first_contact_and_closes_and_the_resident_is_told(app, client, desk, db, login):
    report = desk["report"]
    act(client, report, "assign", **{"assign-team": "BZ"})
    member_client = app.test_client()
    from tests.test_staff_access import login_client

    login_client(member_client, desk["member"], login)
    contact_at = (now_utc() - timedelta(hours=1)).astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M")
    assert act(member_client, report, "first-contact", **{
        "first_contact-channel": "phone", "first_contact-at": contact_at,
        "first_contact-summary": "Gebeld, excuses gemaakt."}).status_code == 303
    db.session.refresh(report)
    assert report.status is ReportStatus.CONTACTED
    assert report.next_due == report.closing_due
    assert report.first_contact_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M") == contact_at

    cause = db.session.scalar(select(Cause).where(Cause.code == "callback_not_passed_on"))
    assert act(member_client, report, "close", **{
        "close-outcome": "resolved", "close-causes": [str(cause.id)],
        "close-summary": "We hebben u gebeld en het terugbelverzoek alsnog afgehandeld."}).status_code == 303
    db.session.refresh(report)
    assert (report.status, report.outcome.value, [c.code for c in report.causes]) == (
        ReportStatus.CLOSED, "resolved", ["callback_not_passed_on"])
    assert kinds(report)[-3:] == ["assigned", "first_contact", "closed"]
    closing_mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "closed"))
    assert closing_mail.recipient == "anna@example.nl"
    assert "terugbelverzoek alsnog afgehandeld" in closing_mail.body_text
    assert "ombudsman" in closing_mail.body_text.lower()


def test_closing_needs_an_outcome_a_cause_and_a_summary(client, desk, db):
    report = desk["report"]
    act(client, report, "assign", **{"assign-team": "BZ"})
    response = act(client, report, "close", **{"close-outcome": "", "close-summary": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="close-outcome-error"' in page and 'id="close-causes-error"' in page
    db.session.refresh(report)
    assert report.status is ReportStatus.ASSIGNED


def test_a_forbidden_transition_is_refused_with_a_message(client, desk, db):
    report = desk["report"]
    client.get("/?lang=en")
    response = act(client, report, "first-contact", **{
        "first_contact-channel": "phone", "first_contact-at": "2026-01-01T10:00",
        "first_contact-summary": "Gebeld."})
    assert response.status_code == 409
    assert "cannot be done now" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status is ReportStatus.NEW
    assert kinds(report) == ["received"]


def test_reopen_and_dismiss_follow_the_state_machine(client, desk, db, make_report):
    report = desk["report"]
    original = make_report()
    assert act(client, report, "dismiss", **{
        "dismiss-reason": "duplicate", "dismiss-duplicate_of": original.reference.lower(),
        "dismiss-explanation": "Twee keer gemeld."}).status_code == 303
    db.session.refresh(report)
    assert (report.status, report.duplicate_of) == (ReportStatus.DISMISSED, original.reference)
    assert act(client, report, "reopen", **{"reopen-reason": "Toch geen dubbele melding."}).status_code == 303
    db.session.refresh(report)
    assert report.status is ReportStatus.NEW
    assert kinds(report)[-2:] == ["dismissed", "reopened"]


def test_a_duplicate_must_name_an_existing_other_report(client, desk, db):
    report = desk["report"]
    response = act(client, report, "dismiss", **{
        "dismiss-reason": "duplicate", "dismiss-duplicate_of": "MC-ZZZZ-ZZZZ", "dismiss-explanation": "Dubbel."})
    assert response.status_code == 409
    db.session.refresh(report)
    assert report.status is ReportStatus.NEW


def test_a_message_from_a_standard_text_fills_the_placeholders_and_goes_through_the_outbox(client, desk, db):
    report = desk["report"]
    page = client.get(f"/admin/reports/{report.id}?text=callback_apology").get_data(as_text=True)
    assert f"Uw melding {report.reference}: wij bellen u terug" in page
    assert "Beste Anna," in page
    text = db.session.scalar(select(StandardText).where(StandardText.code == "callback_apology"))
    body = placeholders.fill(text.body_nl, report, "nl") + "\n\nAangepast door de medewerker."
    response = act(client, report, "message", **{"message-subject": "Over uw melding", "message-body": body})
    assert response.status_code == 303
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "message"))
    assert message.recipient == "anna@example.nl" and message.subject == "Over uw melding"
    assert "Aangepast door de medewerker." in message.body_text
    assert "{" not in message.body_text
    assert report.events[-1].kind == "message_sent"


def test_placeholders_cannot_reach_python_attributes(desk):
    report = desk["report"]
    assert placeholders.fill("{reference.__class__} {unknown} {name}", report, "nl") == (
        "{reference.__class__} {unknown} Anna")


def test_a_note_is_recorded_with_its_author(client, desk, db):
    report = desk["report"]
    assert act(client, report, "note", **{"note-text": "Klant belt vaak; let op."}).status_code == 303
    event = db.session.scalar(select(ReportEvent).where(ReportEvent.kind == "note"))
    assert (event.actor, event.details["text"]) == ("Karin KCC", "Klant belt vaak; let op.")


def test_viewing_contact_details_is_recorded(client, desk, db):
    report = desk["report"]
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert "anna@example.nl" not in page, "contact details are shown only on request"
    assert client.get(f"/admin/reports/{report.id}/contact").status_code == 405, "a link cannot show or record"
    assert client.post(f"/admin/reports/{report.id}/contact").status_code == 400, "nor a form from elsewhere"
    page = client.post(f"/admin/reports/{report.id}/contact",
                       data={"csrf_token": csrf_token_from(page)}).get_data(as_text=True)
    assert "anna@example.nl" in page
    db.session.refresh(report)
    assert report.events[-1].kind == "contact_details_viewed"
    assert report.events[-1].actor == "Karin KCC"


def test_history_cannot_be_edited_or_deleted(desk, db):
    event = desk["report"].events[0]
    event.kind = "forged"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ReportEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()


def test_resident_text_is_shown_escaped_on_the_staff_page(client, desk, db):
    report = desk["report"]
    report.description = "<script>alert('x')</script> & <b>vet</b>"
    db.session.commit()
    page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>vet</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;vet&lt;/b&gt;" in page


def test_no_template_marks_text_as_safe():
    from pathlib import Path

    offenders = [str(p) for p in Path("templates").rglob("*.html") if "|safe" in p.read_text().replace(" ", "")]
    assert offenders == [], "a template disables escaping with |safe"


def test_kcc_registers_a_report_phoned_in_by_a_resident(client, desk, db):
    page = client.get("/admin/reports/new").get_data(as_text=True)
    phoned_at = (datetime.now(LOCAL_ZONE) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/admin/reports/new", data={
        "csrf_token": csrf_token_from(page), "channel": "phone", "received_at": phoned_at, "category": "letter",
        "description": "Mevrouw begrijpt de brief over de WOZ-waarde niet.", "contact_preference": "phone",
        "phone": "0321 123456", "name": "Mevrouw Jansen", "consent": "y"})
    assert response.status_code == 303
    from portal.models import Report

    report = db.session.scalar(select(Report).where(Report.channel == "phone"))
    assert report.phone == "+31321123456"
    assert report.received_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%dT%H:%M") == phoned_at
    assert kinds(report) == ["received", "registered_by_staff"]


def test_a_registered_report_follows_the_same_rules(client, desk, db):
    page = client.get("/admin/reports/new").get_data(as_text=True)
    response = client.post("/admin/reports/new", data={
        "csrf_token": csrf_token_from(page), "channel": "phone", "received_at": "2999-01-01T10:00",
        "category": "letter", "description": "kort", "contact_preference": "none"})
    assert response.status_code == 422
    from portal.models import Report

    assert db.session.scalar(select(Report).where(Report.channel == "phone")) is None


def test_flash_messages_escape_names_that_hold_markup(client, desk, db):
    desk["team"].name = "<i>Burgerzaken</i>"
    db.session.commit()
    response = act(client, desk["report"], "assign", **{"assign-team": "BZ"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;i&gt;Burgerzaken&lt;/i&gt;" in page
    assert "<i>Burgerzaken</i>" not in page
