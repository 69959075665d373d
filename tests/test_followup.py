"""Follow-up time: extension, digests, escalation, the resident's grade and retention, with time travel."""
from datetime import date, datetime, timedelta

import pytest
import time_machine
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.calendar.clock import LOCAL_ZONE
from portal.models import Cause, JobRun, OutboxMessage, Outcome, Report, ReportEvent, ReportStatus
from portal.operations import jobs
from portal.reports import retention, satisfaction, workflow
from portal.reports.workflow import TransitionNotAllowed
from tests.conftest import csrf_token_from


def local(*args):
    return datetime(*args, tzinfo=LOCAL_ZONE)


def mails(db, template):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)).all()


@pytest.fixture
def team(make_team):
    return make_team("BZ", "Burgerzaken", "bz@dronten.example")


@pytest.fixture
def kcc(make_staff):
    return make_staff("kcc", name="Karin KCC")


def handled_report(make_report, db, team, kcc, received, **kwargs):
    """A report received at `received` (local time) and sent to the team at once."""
    with time_machine.travel(received):
        report = make_report(received_at=received, email="anna@example.nl", name="Anna", **kwargs)
        workflow.assign(report, team=team, by=kcc)
        db.session.commit()
    return report


def close(report, db, kcc, at):
    with time_machine.travel(at):
        workflow.record_first_contact(report, channel=report.channel.__class__("phone"), at=at, summary="Gebeld.",
                                      by=kcc)
        cause = db.session.scalar(select(Cause).limit(1))
        workflow.close(report, outcome=Outcome.RESOLVED, causes=[cause], summary="Opgelost, excuses.", by=kcc)
        db.session.commit()


# Terms and extension

def test_terms_are_set_at_receipt_in_working_days_across_easter(make_report):
    # Thursday 2 April 2026: Goede Vrijdag (3) and Easter Monday (6) are not working days.
    report = make_report(received_at=local(2026, 4, 2, 10, 0))
    assert report.first_contact_due == date(2026, 4, 8)  # Tue 7, Wed 8
    # Tue 7(1) Wed 8(2) Thu 9(3) Fri 10(4) Mon 13(5) Tue 14(6) Wed 15(7) Thu 16(8) Fri 17(9) Mon 20(10).
    assert report.closing_due == date(2026, 4, 20)


def test_the_term_may_be_extended_once_by_at_most_four_weeks_and_the_resident_is_told(make_report, db, team, kcc):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 2, 9, 0))
    old = report.closing_due
    with time_machine.travel(local(2026, 3, 5, 9, 0)):
        with force_locale("en"), pytest.raises(TransitionNotAllowed, match="four weeks"):
            workflow.extend(report, new_closing_due=old + timedelta(days=29), reason="Overleg.", by=kcc)
        workflow.extend(report, new_closing_due=old + timedelta(days=28), reason="Overleg met Belastingen.", by=kcc)
        db.session.commit()
        with force_locale("en"), pytest.raises(TransitionNotAllowed, match="already extended"):
            workflow.extend(report, new_closing_due=old + timedelta(days=30), reason="Nog meer.", by=kcc)
    assert (report.original_closing_due, report.closing_due) == (old, old + timedelta(days=28))
    [mail] = mails(db, "extended")
    assert mail.recipient == "anna@example.nl"
    assert "Overleg met Belastingen." in mail.body_text
    event = report.events[-1]
    assert (event.kind, event.details["before"]["closing_due"]) == ("extended", old.isoformat())


def test_the_closing_term_from_the_extension_counts_for_on_time(make_report, db, team, kcc):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 2, 9, 0))
    old = report.closing_due
    with time_machine.travel(local(2026, 3, 3, 9, 0)):
        workflow.extend(report, new_closing_due=old + timedelta(days=7), reason="Overleg.", by=kcc)
        db.session.commit()
    close(report, db, kcc, local(old.year, old.month, old.day, 9, 0) + timedelta(days=5))
    assert report.closed_on_time is True


# Measured follow-up

def test_follow_up_is_measured_in_working_days_and_hours(make_report, db, team, kcc):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 6, 16, 0))  # a Friday
    close(report, db, kcc, local(2026, 3, 10, 10, 0))  # the next Tuesday
    assert report.triage_working_days == 0
    assert (report.first_contact_working_days, report.closing_working_days) == (2, 2)  # Mon 9, Tue 10
    assert report.first_contact_on_time is True  # due Tuesday 10 March
    from portal.reports.followup import summary

    closing = next(step for step in summary(report) if step["step"] == "closing")
    assert closing["hours"] == 90.0  # Fri 16:00 to Tue 10:00


# Digest

def test_the_morning_digest_lists_each_teams_reports_due_today_and_next_working_day(make_report, db, team, kcc):
    due_friday = handled_report(make_report, db, team, kcc, local(2026, 3, 4, 9, 0))  # Wed: first contact Fri 6
    due_monday = handled_report(make_report, db, team, kcc, local(2026, 3, 5, 9, 0))  # Thu: first contact Mon 9
    later = handled_report(make_report, db, team, kcc, local(2026, 3, 6, 9, 0), category="other")  # due Fri 13
    with time_machine.travel(local(2026, 3, 6, 7, 30)):  # Friday morning
        assert jobs.send_team_digests() == 1
        assert jobs.send_team_digests() == 0, "a second run the same day must send nothing"
    [digest] = mails(db, "digest")
    assert digest.recipient == "bz@dronten.example"
    assert due_friday.reference in digest.body_text and due_monday.reference in digest.body_text
    assert later.reference not in digest.body_text


def test_no_digest_on_weekends_and_holidays(make_report, db, team, kcc):
    handled_report(make_report, db, team, kcc, local(2026, 4, 1, 9, 0))
    for day in (local(2026, 4, 4, 7, 30), local(2026, 4, 6, 7, 30)):  # Saturday; Easter Monday
        with time_machine.travel(day):
            assert jobs.send_team_digests() == 0
    assert mails(db, "digest") == []


# Escalation

def test_escalation_comes_as_soon_as_the_term_has_passed_once(make_report, db, team, kcc, app):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 4, 9, 0))  # first contact due Fri 6 March
    with time_machine.travel(local(2026, 3, 6, 23, 59)):
        assert jobs.escalate_passed_terms() == 0, "the term has not passed before the end of its last day"
    with time_machine.travel(local(2026, 3, 7, 0, 5)):
        assert jobs.escalate_passed_terms() == 1
        assert jobs.escalate_passed_terms() == 0
    recipients = sorted(m.recipient for m in mails(db, "escalation"))
    assert recipients == sorted(["bz@dronten.example", app.config["KCC_EMAIL"]])
    assert report.events[-1].kind == "escalated"


def test_closing_escalation_is_separate_and_not_for_closed_reports(make_report, db, team, kcc):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 2, 9, 0))
    done = handled_report(make_report, db, team, kcc, local(2026, 3, 2, 9, 0))
    close(done, db, kcc, local(2026, 3, 3, 9, 0))
    with time_machine.travel(local(2026, 3, 3, 12, 0)):
        workflow.record_first_contact(report, channel=report.channel.__class__("phone"),
                                      at=local(2026, 3, 3, 11, 0), summary="Gebeld.", by=kcc)
        db.session.commit()
    with time_machine.travel(local(2026, 4, 1, 8, 0)):
        assert jobs.escalate_passed_terms() == 1
    escalations = mails(db, "escalation")
    assert all(report.reference in m.body_text and done.reference not in m.body_text for m in escalations)
    assert "Not closed yet" in escalations[0].body_text or "Nog niet afgehandeld" in escalations[0].body_text


# The resident's grade

@pytest.fixture
def closed_report(make_report, db, team, kcc):
    report = handled_report(make_report, db, team, kcc, local(2026, 3, 2, 9, 0))
    close(report, db, kcc, local(2026, 3, 3, 9, 0))
    return report


def test_the_closing_mail_carries_a_link_that_records_a_grade(client, db, closed_report):
    [mail] = mails(db, "closed")
    link = next(word for word in mail.body_text.split() if "/beoordeling/" in word)
    path = link.split("http://meldpunt.test", 1)[1]
    with time_machine.travel(local(2026, 3, 10, 9, 0)):
        page = client.get(path)
        assert page.status_code == 200
        assert page.get_data(as_text=True).count('type="radio"') == 10
        response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                           "grade": "8", "comment": "Snel <b>geholpen</b>."})
    assert response.status_code == 200
    db.session.refresh(closed_report)
    assert (closed_report.grade, closed_report.grade_comment) == (8, "Snel geholpen.")
    assert closed_report.events[-1].kind == "graded"


@pytest.mark.parametrize("grade", ["0", "11", "8.5", "", "acht", "-1"])
def test_invalid_grades_are_refused_and_nothing_changes(client, db, closed_report, grade):
    with time_machine.travel(local(2026, 3, 10, 9, 0)):
        path = f"/beoordeling/{satisfaction.make_token(closed_report)}"
        token = csrf_token_from(client.get(path).get_data(as_text=True))
        response = client.post(path, data={"csrf_token": token, "grade": grade})
    assert response.status_code == 422
    assert 'id="grade-error"' in response.get_data(as_text=True)
    db.session.refresh(closed_report)
    assert closed_report.grade is None


def test_a_used_expired_or_forged_link_gets_a_clear_page_and_changes_nothing(client, db, closed_report):
    with time_machine.travel(local(2026, 3, 10, 9, 0)):
        token = satisfaction.make_token(closed_report)
        page = client.get(f"/beoordeling/{token}?lang=en").get_data(as_text=True)
        client.post(f"/beoordeling/{token}", data={"csrf_token": csrf_token_from(page), "grade": "7"})
        again = client.get(f"/beoordeling/{token}")
        assert again.status_code == 409 and "already gave a grade" in again.get_data(as_text=True)
        forged = client.get(f"/beoordeling/{token[:-4]}abcd")
        assert forged.status_code == 404
    db.session.refresh(closed_report)
    assert closed_report.grade == 7

    other = closed_report
    other.grade = None
    db.session.commit()
    with time_machine.travel(local(2026, 3, 3, 9, 0)):
        old_token = satisfaction.make_token(other)
    with time_machine.travel(local(2026, 4, 3, 9, 1)):
        assert client.get(f"/beoordeling/{old_token}").status_code == 410


# Retention

def test_retention_removes_personal_data_but_keeps_the_facts(make_report, db, team, kcc, app):
    old = handled_report(make_report, db, team, kcc, local(2025, 9, 1, 9, 0),
                         description="Mijn buurman Piet de Boer belde niet terug.", phone="+31612345678")
    with time_machine.travel(local(2025, 9, 2, 9, 0)):
        workflow.add_note(old, text="Mevrouw Anna is boos, 06-12345678.", by=kcc)
        workflow.send_message(old, subject="Voor Anna", body="Beste Anna, wij bellen u.", by=kcc)
        db.session.commit()
    close(old, db, kcc, local(2025, 9, 3, 9, 0))
    recent = handled_report(make_report, db, team, kcc, local(2026, 3, 1, 9, 0))
    close(recent, db, kcc, local(2026, 3, 2, 9, 0))
    with time_machine.travel(local(2026, 9, 4, 2, 30)):  # 12 months and a day after the old one closed
        assert jobs.apply_retention() == 1
        assert jobs.apply_retention() == 0
    db.session.expire_all()
    old = db.session.get(Report, old.id)
    secrets = ("Anna", "anna@example.nl", "612345678", "Piet", "buurman", "boos")
    row = " ".join(str(getattr(old, column.key)) for column in Report.__table__.columns)
    history = db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == old.id))
    events = " ".join(str(e.details) for e in history)
    outbox = " ".join(f"{m.recipient} {m.subject} {m.body_text} {m.body_html}" for m in
                      db.session.scalars(select(OutboxMessage).where(OutboxMessage.report_id == old.id)))
    for secret in secrets:
        assert secret not in row, f"{secret!r} is still in the report row"
        assert secret not in events, f"{secret!r} is still in the history"
        assert secret not in outbox, f"{secret!r} is still in the outbox"
    assert (old.status, old.category.code, old.team.code, old.outcome) == (
        ReportStatus.CLOSED, "callback", "BZ", Outcome.RESOLVED)
    assert old.closing_working_days is not None and old.anonymised_at is not None
    assert old.events[-1].kind == "anonymised"
    assert db.session.get(Report, recent.id).email == "anna@example.nl", "a recent report must be kept"
    assert db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.job == "retention")) == 1


def test_a_subject_access_request_finds_exports_and_erases_a_residents_reports(make_report, db, kcc):
    first = make_report(email="anna@example.nl", name="Anna")
    second = make_report(phone="+31612345678", name="Anna")
    make_report(email="bram@example.nl")
    found = retention.reports_of_person(email="Anna@Example.nl ", phone="+31612345678")
    assert {r.id for r in found} == {first.id, second.id}
    exported = [retention.export_report(r) for r in found]
    assert {e["email"] for e in exported} == {"anna@example.nl", None}
    for report in found:
        retention.anonymise(report, by=kcc, kind="erased_on_request")
    db.session.commit()
    assert retention.reports_of_person(email="anna@example.nl") == []
    assert first.events[-1].kind == "erased_on_request" and first.events[-1].actor == "Karin KCC"


def test_an_admin_exports_and_erases_a_residents_reports_on_request(client, db, make_report, make_staff, login):
    report = make_report(email="anna@example.nl", name="Anna", description="Niemand belde Anna terug.")
    login(make_staff("admin", name="Anouk Admin"))
    token = csrf_token_from(client.get("/admin/privacy").get_data(as_text=True))
    page = client.post("/admin/privacy", data={"csrf_token": token, "email": "anna@example.nl"})
    assert report.reference in page.get_data(as_text=True)
    refused = client.post("/admin/privacy/erase", data={"csrf_token": token, "email": "anna@example.nl"})
    assert refused.status_code == 422 and 'id="confirm-erase-error"' in refused.get_data(as_text=True)
    db.session.refresh(report)
    assert report.email == "anna@example.nl", "erasure needs the confirmation"
    confirmed = {"csrf_token": token, "email": "anna@example.nl", "confirm": "y"}
    export = client.post("/admin/privacy/export", data=confirmed)
    assert export.get_json()["reports"][0]["description"] == "Niemand belde Anna terug."
    client.post("/admin/privacy/erase", data=confirmed)
    db.session.refresh(report)
    assert (report.email, report.name, report.description) == (None, None, "")
    assert [e.kind for e in report.events][-2:] == ["exported_on_request", "erased_on_request"]
