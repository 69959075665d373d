"""Callback requests in a real browser: the KCC registers one during a "call" with the keyboard only, well
under 30 seconds, and every callback page passes the axe-core audit."""
import time

import pytest
from sqlalchemy import select

from portal.calendar.clock import now_utc
from portal.callbacks import attempts
from portal.models import CallbackRequest
from portal.reports.models import Channel
from tests.browser.keyboard import active, focus_matches, tab_to
from tests.browser.test_staff_journey import (
    Audits,
    choose_option,
    log_in,
    press_enter_and_load,
    unfold_every_disclosure,
)

pytestmark = pytest.mark.browser


def test_the_kcc_registers_a_callback_request_with_the_keyboard_only_in_under_30_seconds(
        page, axe_audit, make_team, make_staff, make_report, db):
    audit = Audits(axe_audit)
    team = make_team("BZ", "Burgerzaken")
    colleague = make_staff("team", teams=[team], name="Bea Burger")
    kcc = make_staff("kcc")
    log_in(page, kcc)
    page.goto("/admin/callbacks/new")
    audit(page, "callback register form")
    started = time.monotonic()
    assert focus_matches(page, "#name"), f"the name field has focus on arrival, not {active(page)}"
    page.keyboard.type("Anna de Vries")
    page.keyboard.press("Tab")
    page.keyboard.type("06 12345678")
    page.keyboard.press("Tab")
    page.keyboard.type("anna@example.nl")
    page.keyboard.press("Tab")
    page.keyboard.type("Vraag over de aanslag afvalstoffenheffing")
    tab_to(page, "#team")
    choose_option(page, "#team", "BZ")
    tab_to(page, "#assignee")
    choose_option(page, "#assignee", str(colleague.id))
    tab_to(page, "#urgent")
    page.keyboard.press("Space")
    response = press_enter_and_load(page)
    elapsed = time.monotonic() - started
    assert response.status == 200 and "/admin/callbacks/" in page.url, page.locator("main").inner_text()[:500]
    assert elapsed < 30, f"registering took {elapsed:.1f} s"
    callback = db.session.scalar(select(CallbackRequest))
    assert callback.assignee_id == colleague.id and callback.urgency.value == "urgent"
    audit(page, "callback detail after registering")

    attempts.record_callback_attempt(callback, at=now_utc(), channel=Channel.PHONE, reached=False, note="Voicemail.",
                                     by=colleague)
    db.session.commit()
    page.goto(f"/admin/callbacks/{callback.id}")
    unfold_every_disclosure(page)
    audit(page, "callback detail with an attempt")
    page.goto("/admin/callbacks?view=all")
    audit(page, "callback list")
    report = make_report(phone="0612345678", name="Anna")
    page.goto(f"/admin/reports/{report.id}/link-callback")
    assert callback.number in page.locator("main").inner_text()
    audit(page, "link a report to a callback request")
    page.goto(f"/admin/reports/{report.id}")
    audit(page, "report page with its callback section")
    audit.check()


def test_the_coordinators_pages_pass_the_audit(page, axe_audit, make_team, make_staff, make_callback, db):
    audit = Audits(axe_audit)
    team = make_team("BZ", "Burgerzaken")
    coordinator = make_staff("team", teams=[team], name="Cor Coördinator")
    team.callback_coordinator_id = coordinator.id
    db.session.commit()
    callback = make_callback(team)
    log_in(page, coordinator)
    page.goto("/admin/callbacks/workload")
    audit(page, "callback workload")
    page.goto(f"/admin/callbacks/{callback.id}")
    unfold_every_disclosure(page)
    audit(page, "callback detail for the coordinator")
    audit.check()
