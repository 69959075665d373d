"""Callback requests: the term, registering during a call, attempts and the message after failed ones,
redistribution, team isolation, and the link with reports."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.callbacks import assignment, attempts, handling, links
from portal.callbacks.intake import CallbackRefused
from portal.callbacks.models import CallbackRequest, CallbackStatus, ContactAttempt, UnreachableNotice
from portal.models import ClosingDay, OutboxMessage
from portal.reports import workflow
from portal.reports.models import Channel, ContactPreference
from tests.conftest import csrf_token_from


def local(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


def count(db, model, *conditions):
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.fixture
def team(make_team):
    return make_team("BZ", "Burgerzaken", "bz@dronten.example")


def test_the_term_skips_ascension_day_a_closing_day_and_the_weekend(db, team, make_callback):
    db.session.add(ClosingDay(day=date(2026, 5, 15), description="Vrijdag na Hemelvaart"))
    db.session.commit()
    callback = make_callback(team, registered_at=local(2026, 5, 13))
    assert callback.due == date(2026, 5, 19), "Thu 14 (Ascension) and Fri 15 (closed) do not count"
    assert callback.term_days == 2


def test_the_term_skips_christmas_and_follows_the_teams_own_term(db, team, make_callback):
    assert make_callback(team, registered_at=local(2025, 12, 23)).due == date(2025, 12, 29)
    team.callback_term_days = 5
    db.session.commit()
    assert make_callback(team, registered_at=local(2025, 12, 23)).due == date(2026, 1, 2), "New Year's Day too"


@pytest.fixture
def kcc_page(client, make_staff, login, team):
    login(make_staff("kcc"))
    return client.get("/admin/callbacks/new").get_data(as_text=True)


def test_the_kcc_registers_a_request_and_the_resident_gets_the_term_with_replies_to_the_team(client, db, kcc_page):
    assert "autofocus" in kcc_page
    response = client.post("/admin/callbacks/new", data={
        "csrf_token": csrf_token_from(kcc_page), "name": "Anna de Vries", "phone": "06-12345678",
        "email": "Anna@Example.NL", "requested_action": "Vraag over de aanslag", "team": "BZ", "assignee": "",
        "channel": "phone", "language": "nl"})
    assert response.status_code == 303
    callback = db.session.scalar(select(CallbackRequest))
    assert (callback.phone, callback.email, callback.status) == ("+31612345678", "anna@example.nl",
                                                                 CallbackStatus.OPEN)
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "callback_confirmation"))
    assert mail.recipient == "anna@example.nl" and mail.reply_to == "bz@dronten.example"
    assert callback.number in mail.body_text


@pytest.mark.parametrize("fields", [
    {"phone": "", "email": ""},  # no way to reach the resident
    {"phone": "12", "email": ""},  # no phone number
    {"requested_action": ""},
    {"team": ""},
])
def test_bad_input_is_refused_with_the_form_again_and_nothing_is_stored(client, db, kcc_page, fields):
    data = {"csrf_token": csrf_token_from(kcc_page), "name": "Anna", "phone": "0612345678", "email": "",
            "requested_action": "Vraag", "team": "BZ", "assignee": "", "channel": "phone", "language": "nl", **fields}
    response = client.post("/admin/callbacks/new", data=data)
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert count(db, CallbackRequest) == 0 and count(db, OutboxMessage) == 0


def test_attempts_are_measured_against_the_term(db, team, make_callback, make_staff):
    member = make_staff("team", teams=[team])
    callback = make_callback(team, registered_at=local(2026, 3, 2))  # due Wed 4 March
    attempts.record_callback_attempt(callback, at=local(2026, 3, 5), channel=Channel.PHONE, reached=False,
                                     note="Voicemail.", by=member)
    attempts.record_callback_attempt(callback, at=local(2026, 3, 6), channel=Channel.PHONE, reached=True,
                                     note="Gesproken.", by=member)
    db.session.commit()
    assert (callback.first_attempt_working_days, callback.first_attempt_on_time) == (3, False)
    assert callback.contacted_on_time is False and callback.failed_attempts == 1
    assert [a.reached for a in callback.attempts] == [False, True]
    with pytest.raises(CallbackRefused):
        attempts.record_callback_attempt(callback, at=now_utc() + timedelta(hours=1), channel=Channel.PHONE,
                                         reached=True, note="", by=member)


def test_after_three_failed_attempts_a_resident_with_an_address_gets_one_email(db, team, make_callback, make_staff):
    member = make_staff("team", teams=[team])
    callback = make_callback(team, email="anna@example.nl", registered_at=now_utc() - timedelta(days=1))
    for number in range(4):
        attempts.record_callback_attempt(callback, at=now_utc() - timedelta(hours=5 - number), channel=Channel.PHONE,
                                         reached=False, note="", by=member)
        db.session.commit()
        sent = count(db, OutboxMessage, OutboxMessage.template == "callback_unreachable")
        assert sent == (1 if number >= 2 else 0), f"after {number + 1} failed attempts"
    assert callback.unreachable_notice is UnreachableNotice.EMAIL and not callback.letter_task


def test_without_an_address_the_request_shows_a_letter_task(client, db, team, make_callback, make_staff, login):
    member = make_staff("team", teams=[team])
    callback = make_callback(team, registered_at=now_utc() - timedelta(days=1))
    for hours in (3, 2, 1):
        attempts.record_callback_attempt(callback, at=now_utc() - timedelta(hours=hours), channel=Channel.PHONE,
                                         reached=False, note="", by=member)
    db.session.commit()
    assert callback.letter_task and count(db, OutboxMessage) == 0
    login(member)
    assert "Task: send a letter" in client.get(f"/admin/callbacks/{callback.id}?lang=en").get_data(as_text=True)
    assert "Letters to send" in client.get("/admin/callbacks?lang=en").get_data(as_text=True)


def test_a_coordinator_redistributes_within_the_team_and_sees_who_has_how_many(
        client, db, team, make_callback, make_staff, login, post_form, make_team):
    coordinator, colleague = make_staff("team", teams=[team], name="Cor"), make_staff("team", teams=[team], name="Ed")
    outsider = make_staff("team", teams=[make_team("WZ", "Werk en Zorg")])
    team.callback_coordinator_id = coordinator.id
    db.session.commit()
    callback = make_callback(team)
    login(coordinator)
    page = f"/admin/callbacks/{callback.id}"
    response = post_form(f"{page}/redistribute", {"redistribute-assignee": str(colleague.id),
                                                  "version": str(callback.version)}, token_page=page)
    assert response.status_code == 303
    db.session.refresh(callback)
    assert callback.assignee == colleague
    with pytest.raises(CallbackRefused):
        assignment.redistribute(callback, assignee=outsider, by=coordinator)
    workload = client.get("/admin/callbacks/workload?lang=en").get_data(as_text=True)
    assert "Ed" in workload and "Open requests" in workload
    assert dict(assignment.workload(team)[0])[colleague] == 1


def test_a_team_member_who_is_not_the_coordinator_cannot_redistribute(client, team, make_callback, make_staff,
                                                                       login, post_form):
    member = make_staff("team", teams=[team])
    callback = make_callback(team)
    login(member)
    page = f"/admin/callbacks/{callback.id}"
    assert post_form(f"{page}/redistribute", {"redistribute-assignee": ""}, token_page=page).status_code == 403


def test_a_team_member_cannot_see_or_act_on_another_teams_request(client, db, team, make_team, make_callback,
                                                                  make_staff, login, post_form):
    callback = make_callback(team, name="Anna de Vries")
    other = make_staff("team", teams=[make_team("WZ", "Werk en Zorg")])
    login(other)
    assert client.get(f"/admin/callbacks/{callback.id}").status_code == 404
    for action, data in (("attempt", {"attempt-reached": "yes", "attempt-channel": "phone",
                                      "attempt-at": "2026-01-05T10:00"}),
                         ("close", {"close-agreement": "Klaar."})):
        assert post_form(f"/admin/callbacks/{callback.id}/{action}", data,
                         token_page="/admin/callbacks").status_code == 404
    listed = client.get("/admin/callbacks?view=all").get_data(as_text=True)
    assert callback.number not in listed and "Anna de Vries" not in listed
    assert db.session.get(CallbackRequest, callback.id).status is CallbackStatus.OPEN


def test_most_urgent_first_then_by_due_date(db, team, make_callback, make_staff):
    from portal.callbacks import queue
    from portal.callbacks.models import Urgency

    member = make_staff("team", teams=[team])
    later = make_callback(team, registered_at=local(2026, 11, 20))
    earlier = make_callback(team, registered_at=local(2026, 11, 10))
    urgent = make_callback(team, registered_at=local(2026, 11, 25), urgency=Urgency.URGENT)
    assert [c.id for c in queue.listed(member, "team")] == [urgent.id, earlier.id, later.id]


def test_closing_records_what_was_agreed_once(client, db, team, make_callback, make_staff, login, post_form):
    member = make_staff("team", teams=[team])
    callback = make_callback(team)
    login(member)
    page = f"/admin/callbacks/{callback.id}"
    assert post_form(f"{page}/close", {"close-agreement": ""}, token_page=page).status_code == 422
    assert post_form(f"{page}/close", {"close-agreement": "Uitgelegd hoe bezwaar werkt."},
                     token_page=page).status_code == 303
    db.session.refresh(callback)
    assert callback.status is CallbackStatus.DONE and callback.agreement == "Uitgelegd hoe bezwaar werkt."
    with pytest.raises(CallbackRefused):
        handling.close(callback, agreement="Nog eens.", by=member)


def test_meldpunt_proposes_requests_by_the_reports_number_and_both_pages_show_the_link(
        client, db, team, make_callback, make_report, make_staff, login, post_form):
    callback = make_callback(team, phone="06 1234 5678")
    make_callback(team, phone="0687654321")
    report = make_report(phone="+31 6 12345678", name="Anna")
    kcc = make_staff("kcc")
    assert links.candidates(report, assignment.callbacks_visible_to(kcc)) == [callback]
    login(kcc)
    page = f"/admin/reports/{report.id}/link-callback"
    assert callback.number in client.get(page).get_data(as_text=True)
    response = post_form(f"/admin/reports/{report.id}/link-callback", {"number": callback.number.lower()},
                         token_page=page)
    assert response.status_code == 303
    assert callback.number in client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
    assert report.reference in client.get(f"/admin/callbacks/{callback.id}").get_data(as_text=True)
    assert post_form(f"/admin/reports/{report.id}/link-callback", {"number": callback.number},
                     token_page=page).status_code == 422, "linked once"


def test_the_reports_call_step_writes_to_the_shared_attempt_log(db, team, make_report, make_staff):
    member = make_staff("team", teams=[team])
    report = make_report(phone="0612345678", contact_preference=ContactPreference.PHONE)
    workflow.assign(report, team=team, by=member)
    workflow.record_call(report, reached=False, note="Geen gehoor.", by=member)
    workflow.record_call(report, reached=True, note="Gesproken.", by=member)
    db.session.commit()
    logged = db.session.scalars(select(ContactAttempt).where(ContactAttempt.report_id == report.id)
                                .order_by(ContactAttempt.id)).all()
    assert [(a.reached, a.channel, a.note) for a in logged] == [(False, Channel.PHONE, "Geen gehoor."),
                                                               (True, Channel.PHONE, "Gesproken.")]
    assert len(workflow.call_attempts(report)) == 2, "the report's history keeps its calls too"
