"""A staff member's own password in a real browser: a new colleague sets it from the e-mailed link with the keyboard
and logs in; a forgotten one is asked for; a logged-in member changes it. axe-core audits each page, also with
its errors shown."""
import re

import pytest
from sqlalchemy import select

from portal.models import OutboxMessage
from tests.browser.keyboard import tab_to
from tests.browser.test_staff_journey import Audits, log_in, press_enter_and_load
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Lange-Zomeravond-42"


def link_mailed_to(db, email):
    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == email)
                                .order_by(OutboxMessage.id.desc()))
    assert message is not None, f"no e-mail to {email}"
    return re.search(r"https?://[^/\s]+(/admin/account/set-password/\S+)", message.body_text).group(1)


def submit(page):
    with page.expect_navigation() as navigation:
        page.locator('main button[type="submit"]').click()
    return navigation.value


def test_a_new_colleague_sets_a_password_from_the_link_with_the_keyboard_and_logs_in(page, axe_audit, db, make_staff):
    audit = Audits(axe_audit)
    admin = make_staff("admin", name="Ada Beheer")
    log_in(page, admin)
    page.goto("/admin/manage/staff/new")
    page.fill("#email", "nieuwe.collega@dronten.example")
    page.fill("#name", "Nieuwe Collega")
    page.check("#role-0")
    assert submit(page).status == 200
    assert "nieuwe.collega@dronten.example" in page.locator("main").inner_text()
    page.context.clear_cookies()

    link = link_mailed_to(db, "nieuwe.collega@dronten.example")
    page.goto(link)
    audit(page, "set password")
    tab_to(page, "#new_password")
    page.keyboard.type("kort")
    tab_to(page, "#new_password_again")
    page.keyboard.type("kort")
    assert press_enter_and_load(page).status == 422
    assert page.locator("#error-summary").is_visible()
    audit(page, "set password with an error")
    tab_to(page, "#new_password")
    page.keyboard.type(NEW_PASSWORD)
    tab_to(page, "#new_password_again")
    page.keyboard.type(NEW_PASSWORD)
    assert press_enter_and_load(page).status == 200
    assert page.url.endswith("/admin/login")
    assert page.locator(".flash-messages .notice--success").is_visible()

    page.fill("#email", "nieuwe.collega@dronten.example")
    page.fill("#password", NEW_PASSWORD)
    submit(page)
    assert "/admin/login" not in page.url, page.locator("main").inner_text()

    page.context.clear_cookies()
    response = page.goto(link)
    assert response.status == 410
    audit(page, "used password link")
    audit.check()


def test_the_forgot_and_change_password_pages_pass_the_audit(page, axe_audit, make_staff):
    audit = Audits(axe_audit)
    user = make_staff("kcc")
    page.goto("/admin/login")
    page.get_by_role("link", name=re.compile("password|wachtwoord", re.IGNORECASE)).click()
    assert page.url.endswith("/admin/login/forgot")
    audit(page, "forgot password")
    assert submit(page).status == 422
    audit(page, "forgot password with an error")
    page.fill("#email", user.email)
    assert submit(page).status == 200
    assert page.url.endswith("/admin/login") and page.locator(".flash-messages .notice--info").is_visible()

    log_in(page, user)
    page.locator(".staff-nav").get_by_role("link", name=re.compile("password|wachtwoord", re.IGNORECASE)).click()
    assert page.url.endswith("/admin/account/password")
    audit(page, "change password")
    page.fill("#current_password", STAFF_PASSWORD)
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#new_password_again", NEW_PASSWORD + "x")
    assert submit(page).status == 422
    audit(page, "change password with an error")
    page.fill("#current_password", STAFF_PASSWORD)
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#new_password_again", NEW_PASSWORD)
    assert submit(page).status == 200
    assert page.locator(".flash-messages .notice--success").is_visible()
    audit.check()
