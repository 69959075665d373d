"""One stated rule for contact: a resident who asked to be contacted is owed first contact within its term; one who
did not is not. The form pre-selects nothing; the page, the mails, the staff side, the escalations and the figures
all follow the rule (portal.reports.terms)."""
from datetime import datetime

import time_machine
from sqlalchemy import select

from portal.calendar.clock import LOCAL_ZONE
from portal.models import ContactPreference, Report, ReportStatus
from portal.operations import jobs
from portal.reports import workflow


def local(month, day, hour=9):
    return datetime(2026, month, day, hour, 0, tzinfo=LOCAL_ZONE)


def test_the_form_pre_selects_no_way_of_contact(client):
    page = client.get("/melden").get_data(as_text=True)
    for value in ("none", "email", "phone"):
        assert f'value="{value}" checked' not in page and f'checked value="{value}"' not in page


def test_a_resident_who_left_an_address_and_chose_nothing_is_contacted_by_e_mail(client, report_form_data, db):
    response = client.post("/melden", data=report_form_data(
        name="Anna", email="anna@example.nl", consent="y", contact_preference=""))
    assert response.status_code == 303
    received = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "niet gevraagd" not in received and "did not ask" not in received
    report = db.session.scalar(select(Report))
    assert report.contact_preference is ContactPreference.EMAIL
    assert report.next_due == report.first_contact_due


def test_a_resident_who_wants_no_contact_has_no_first_contact_term_anywhere(client, report_form_data, db,
                                                                           make_team, make_staff, login):
    with time_machine.travel(local(3, 2)):
        assert client.post("/melden", data=report_form_data(contact_preference="none")).status_code == 303
    report = db.session.scalar(select(Report))
    assert report.next_due == report.closing_due, "the next term to meet is closing"
    team = make_team("BZ", "Burgerzaken")
    workflow.assign(report, team=team, by=None)
    db.session.commit()
    with time_machine.travel(local(3, 9)):  # the first-contact term of two working days passed long ago
        assert jobs.escalate_passed_terms() == 0, "no escalation for contact nobody asked for"
        login(make_staff("kcc"))
        page = client.get(f"/admin/reports/{report.id}").get_data(as_text=True)
        assert "badge--overdue" not in page
        status = client.get(f"/status?code={report.reference}").get_data(as_text=True)
        assert "Eerste contact" not in status and "First contact" not in status


def test_the_figures_judge_first_contact_only_for_residents_who_asked_for_it(make_report, db, make_staff):
    from portal.figures import service_report
    from portal.figures.periods import Period

    with time_machine.travel(local(3, 2)):
        make_report(received_at=local(3, 2), phone="+31612345678")  # asked to be called back
        make_report(received_at=local(3, 2))  # anonymous
    db.session.commit()
    figures = service_report.period_figures(Period.month(2026, 3), today=local(4, 20).date())
    assert (figures.headline.first_contact_late, figures.headline.first_contact_on_time) == (1, 0)


def test_the_status_page_gives_the_answer_and_a_dismissed_report_says_why_without_a_term(client, make_report, make_team,
                                                                                          db):
    from portal.models import Cause, Outcome

    closed = make_report(phone="+31612345678")
    workflow.assign(closed, team=make_team("BZ", "Burgerzaken"), by=None)
    workflow.close(closed, outcome=Outcome.RESOLVED, causes=[db.session.scalar(select(Cause).limit(1))],
                   summary="We hebben uw aanvraag alsnog behandeld.", by=None)
    workflow.add_note(closed, text="Interne notitie: klant was boos.", by=None)
    duplicate = make_report()
    workflow.dismiss(duplicate, reason="duplicate", explanation="Dubbel ingestuurd.",
                     duplicate_reference=closed.reference, by=None)
    db.session.commit()
    page = client.get(f"/status?code={closed.reference}").get_data(as_text=True)
    assert "We hebben uw aanvraag alsnog behandeld." in page
    assert "Interne notitie" not in page, "internal notes never reach the resident"
    page = client.get(f"/status?code={duplicate.reference}").get_data(as_text=True)
    assert closed.reference in page, "a duplicate says under which reference it is handled"
    assert "uiterlijk" not in page, "a dismissed report shows no open term"
    assert duplicate.status is ReportStatus.DISMISSED



def test_a_resident_who_asked_to_be_called_gets_a_call_step_with_its_attempts(client, make_report, make_team,
                                                                              make_staff, login, db):
    from tests.conftest import csrf_token_from

    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc", name="Karin KCC")
    by_phone = make_report(phone="+31612345678", name="Piet")
    by_mail = make_report(email="anna@example.nl")
    for report in (by_phone, by_mail):
        workflow.assign(report, team=team, by=kcc)
    db.session.commit()
    login(kcc)
    assert f"/admin/reports/{by_mail.id}/call" not in client.get(f"/admin/reports/{by_mail.id}").get_data(as_text=True)

    def call(reached, note):
        page = client.get(f"/admin/reports/{by_phone.id}").get_data(as_text=True)
        assert f"/admin/reports/{by_phone.id}/call" in page
        db.session.refresh(by_phone)
        return client.post(f"/admin/reports/{by_phone.id}/call", data={
            "csrf_token": csrf_token_from(page), "version": str(by_phone.version), "call-reached": reached,
            "call-note": note})

    assert call("no", "Voicemail, morgen om 10 uur opnieuw.").status_code == 303
    db.session.refresh(by_phone)
    assert by_phone.first_contact_at is None and by_phone.events[-1].kind == "call_attempt"
    page = client.get(f"/admin/reports/{by_phone.id}").get_data(as_text=True)
    assert "Voicemail, morgen om 10 uur opnieuw." in page, "colleagues see the attempt"
    assert call("yes", "Uitgelegd hoe de aanvraag verder gaat.").status_code == 303
    db.session.refresh(by_phone)
    assert by_phone.status is ReportStatus.CONTACTED and by_phone.first_contact_at is not None
    assert [event.kind for event in by_phone.events][-2:] == ["call_attempt", "first_contact"]
