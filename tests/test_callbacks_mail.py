"""The resident's confirmation in both languages, and late requests in the escalation and digest mails (one mail
per recipient per run); two people closing one request at once."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.calendar.clock import LOCAL_ZONE, now_utc
from portal.models import CallbackEvent, CallbackRequest, CallbackStatus, OutboxMessage
from portal.operations.jobs import send_team_digests
from portal.reports import workflow
from portal.reports.escalations import escalate_passed_terms
from tests.test_concurrent_actions import Browser, at_once, server  # noqa: F401 (the live server fixture)

TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=LOCAL_ZONE)  # a term of 2 working days ends Thursday 3 December


@pytest.fixture
def team(make_team):
    return make_team("BZ", "Burgerzaken", "bz@dronten.example")


def confirmation(db):
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "callback_confirmation"))


def test_the_confirmation_says_the_day_in_words_in_english(db, team, make_callback):
    make_callback(team, email="anna@example.nl", name="Anna", language="en", registered_at=TUESDAY)
    mail = confirmation(db)
    assert "A colleague of Burgerzaken will call you back no later than Thursday 3 December." in mail.body_text
    assert "If we cannot reach you after 3 tries, we will send you an e-mail." in mail.body_text
    assert mail.reply_to == "bz@dronten.example" and "Dear Anna," in mail.body_text
    assert "Thursday 3 December" in mail.body_html


def test_the_confirmation_says_the_day_in_dutch(db, team, make_callback):
    make_callback(team, email="anna@example.nl", language="nl", registered_at=TUESDAY)
    mail = confirmation(db)
    assert "donderdag 3 december" in mail.body_text and "donderdag 3 december" in mail.body_html
    assert "Thursday" not in mail.body_text


def test_without_a_phone_number_we_promise_an_answer_by_email_not_a_call(db, team, make_callback):
    make_callback(team, phone=None, email="anna@example.nl", language="en", registered_at=TUESDAY)
    mail = confirmation(db)
    assert "will answer your question by e-mail no later than Thursday 3 December" in mail.body_text
    assert "call you back" not in mail.body_text


def test_no_address_no_mail(db, team, make_callback):
    make_callback(team, registered_at=TUESDAY)
    assert confirmation(db) is None


def test_a_late_request_and_a_late_report_reach_the_team_in_one_escalation_mail(
        app, db, team, make_callback, make_report, make_staff):
    callback = make_callback(team, registered_at=now_utc() - timedelta(days=20))
    report = make_report(email="jan@example.nl", received_at=now_utc() - timedelta(days=30))
    workflow.assign(report, team=team, by=make_staff("kcc"))
    db.session.commit()
    assert escalate_passed_terms() >= 2
    to_team = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "escalation",
                                                             OutboxMessage.recipient == "bz@dronten.example")).all()
    assert len(to_team) == 1, "one mail per recipient per run"
    assert callback.number in to_team[0].body_text and report.reference in to_team[0].body_text
    kcc = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == app.config["KCC_EMAIL"])).all()
    assert len(kcc) == 1 and callback.number in kcc[0].body_text
    assert escalate_passed_terms() == 0, "escalated once"
    assert db.session.scalar(select(func.count()).select_from(CallbackEvent)
                             .where(CallbackEvent.kind == "escalated")) == 1


def test_a_late_request_alone_has_its_own_subject(db, team, make_callback):
    make_callback(team, registered_at=now_utc() - timedelta(days=20))
    escalate_passed_terms()
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "bz@dronten.example"))
    assert "1 terugbelverzoek" in mail.subject and "melding" not in mail.subject  # the team mails are in Dutch


def test_the_team_digest_lists_requests_still_waiting_for_a_call(db, team, make_callback):
    callback = make_callback(team, registered_at=datetime(2026, 11, 27, 10, 0, tzinfo=LOCAL_ZONE))  # due Tue 1 Dec
    assert send_team_digests(today=date(2026, 12, 1)) == 1
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "digest"))
    assert callback.number in mail.body_text and mail.recipient == "bz@dronten.example"


def test_two_people_closing_one_request_at_once_close_it_once(server, db, team, make_callback, make_staff):  # noqa: F811
    callback = make_callback(team)
    browsers = []
    for name in ("Tom", "Tess"):
        browser = Browser(server)
        browser.log_in(make_staff("team", teams=[team], name=name))
        browsers.append(browser)
    path = f"/admin/callbacks/{callback.id}"
    forms = [{**browser.form_fields(path), "close-agreement": f"Afspraak {number}."}
             for number, browser in enumerate(browsers)]
    answers = at_once(browsers, f"{path}/close", forms)
    assert sorted(status for status, _ in answers) == [303, 409]
    assert "Afspraak" in next(page for status, page in answers if status == 409), "the second gets their text back"
    db.session.expire_all()
    assert db.session.get(CallbackRequest, callback.id).status is CallbackStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(CallbackEvent)
                             .where(CallbackEvent.kind == "closed")) == 1
