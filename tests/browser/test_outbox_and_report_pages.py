"""The outbox page and the report page's new states in a real browser, with axe-core audits: a failed mail is
found, read in words and sent again with the keyboard; a colleague's change is announced with the typed text kept;
a grade given by phone is noted."""
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.mail import outbox, review
from portal.models import Cause, OutboxMessage, OutboxStatus, Outcome
from portal.reports import workflow
from tests.browser.keyboard import tab_to
from tests.browser.test_staff_journey import Audits, log_in, press_enter_and_load, unfold_every_disclosure

pytestmark = pytest.mark.browser


@pytest.fixture
def failed_mail(make_report, smtp, db):
    make_report(email="jan.jansen@example.nl", name="Jan")
    smtp.catcher.refuse_with = "550 5.1.1 Recipient address rejected"
    outbox.send_pending()
    smtp.catcher.refuse_with = None
    message = db.session.scalar(select(OutboxMessage))
    assert message.status is OutboxStatus.FAILED
    return message


def test_an_admin_finds_a_failed_mail_reads_why_and_sends_it_again_with_the_keyboard(
        page, axe_audit, make_staff, failed_mail, db, app):
    audit = Audits(axe_audit)
    log_in(page, make_staff("admin"))
    page.goto("/admin/manage")
    tab_to(page, 'a[href="/admin/outbox"]')
    press_enter_and_load(page)
    assert "jan.jansen@example.nl" in page.locator("main").inner_text()
    audit(page, "outbox all")
    page.goto("/admin/outbox?status=failed")
    with app.test_request_context(), force_locale("nl"):
        in_words = str(review.error_in_words(failed_mail.last_error))
    assert in_words in page.locator("main").inner_text(), "the reason is given in words"
    audit(page, "outbox failed")
    tab_to(page, f'form[action="/admin/outbox/{failed_mail.id}/resend"] button')
    response = press_enter_and_load(page)
    assert response.status == 200
    db.session.refresh(failed_mail)
    assert failed_mail.status is OutboxStatus.PENDING
    audit(page, "outbox after resend")
    audit.check()


@pytest.fixture
def closed_report(make_team, make_staff, make_report, db):
    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc")
    report = make_report(phone="+31612345678", name="Piet")
    workflow.assign(report, team=team, by=kcc)
    workflow.close(report, outcome=Outcome.RESOLVED, causes=[db.session.scalar(select(Cause).limit(1))],
                   summary="Teruggebeld.", by=kcc)
    db.session.commit()
    return report


def test_the_report_page_with_a_colleagues_change_and_the_grade_form_passes_the_audit(
        page, axe_audit, make_staff, closed_report, db):
    audit = Audits(axe_audit)
    log_in(page, make_staff("kcc"))
    page.goto(f"/admin/reports/{closed_report.id}")
    unfold_every_disclosure(page)
    assert page.locator("#grade-comment").is_visible()
    page.locator("#reopen-reason").fill("De inwoner belde opnieuw.")
    workflow.add_note(closed_report, text="Een collega was eerder.", by=None)
    closed_report.version += 1  # a colleague's action, as versions.take would count it
    db.session.commit()
    with page.expect_navigation() as navigation:
        page.locator('form[action$="/reopen"] button[type="submit"]').click()
    assert navigation.value.status == 409
    text = page.locator("main").inner_text()
    assert "De inwoner belde opnieuw." in text and "Een collega was eerder." in text
    audit(page, "report page after a colleague's change")
    audit.check()


def test_the_call_step_for_a_resident_who_asked_to_be_called_passes_the_audit(page, axe_audit, make_staff, make_team,
                                                                               make_report, db):
    team = make_team("BZ", "Burgerzaken")
    kcc = make_staff("kcc")
    report = make_report(phone="+31612345678", name="Piet")
    workflow.assign(report, team=team, by=kcc)
    workflow.record_call(report, reached=False, note="Voicemail.", by=kcc)
    db.session.commit()
    audit = Audits(axe_audit)
    log_in(page, kcc)
    page.goto(f"/admin/reports/{report.id}")
    assert page.locator("#call-note").is_visible(), "the call step is open while there was no first contact"
    unfold_every_disclosure(page)
    audit(page, "report page with the call step")
    audit.check()
