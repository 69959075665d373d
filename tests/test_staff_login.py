"""Staff log-in as an auditor expects: hashed passwords, TOTP with replay protection, throttling, sessions."""
import time

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from portal.models import User
from portal.staff import accounts
from tests.conftest import STAFF_PASSWORD, csrf_token_from


def _post_login(client, email, password):
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf_token": token, "email": email, "password": password})


def _post_code(client, code):
    token = csrf_token_from(client.get("/admin/login/code").get_data(as_text=True))
    return client.post("/admin/login/code", data={"csrf_token": token, "code": code})


def test_passwords_are_stored_hashed_with_scrypt(make_staff, db):
    user = make_staff()
    assert STAFF_PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize("weak", ["kort", "welkom123456", "aaaaaaaaaaaaaaa", "jan.jansen-2026!"])
def test_weak_passwords_are_refused(db, weak):
    with pytest.raises(accounts.AccountError):
        accounts.create_user(email="jan.jansen@dronten.example", name="Jan Jansen", role="kcc", password=weak)


def test_a_staff_member_logs_in_and_out(client, make_staff, login):
    user = make_staff("kcc")
    assert client.get("/admin/queue").status_code == 302, "the queue must need a log-in"
    response = login(user)
    assert response.headers["Location"].endswith("/admin/queue")
    assert client.get("/admin/queue").status_code == 200
    token = csrf_token_from(client.get("/admin/queue").get_data(as_text=True))
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/queue").status_code == 302


def test_log_out_needs_post_with_csrf(client, make_staff, login):
    login(make_staff("kcc"))
    assert client.get("/admin/logout").status_code == 405
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/queue").status_code == 200, "a forged log-out must not end the session"


def test_a_copied_session_cookie_stops_working_after_log_out(app, client, make_staff, login):
    login(make_staff("kcc"))
    stolen = client.get_cookie("session").value
    token = csrf_token_from(client.get("/admin/queue").get_data(as_text=True))
    client.post("/admin/logout", data={"csrf_token": token})
    other = app.test_client()
    other.set_cookie("session", stolen)
    assert other.get("/admin/queue").status_code == 302


def test_wrong_password_and_unknown_address_get_the_same_answer(client, make_staff):
    user = make_staff("kcc")
    client.get("/admin/login?lang=en")
    wrong = _post_login(client, user.email, "Wrong-password-123")
    unknown = _post_login(client, "nobody@dronten.example", "Wrong-password-123")
    assert wrong.status_code == unknown.status_code == 422
    strip = lambda page: page.replace(user.email, "").replace("nobody@dronten.example", "")  # noqa: E731
    assert "not right" in wrong.get_data(as_text=True)
    assert strip(wrong.get_data(as_text=True)).replace(
        csrf_token_from(wrong.get_data(as_text=True)), "") == strip(unknown.get_data(as_text=True)).replace(
        csrf_token_from(unknown.get_data(as_text=True)), "")


def test_a_deactivated_account_cannot_log_in(client, make_staff, db):
    user = make_staff("kcc")
    user.active = False
    db.session.commit()
    assert _post_login(client, user.email, STAFF_PASSWORD).status_code == 422


def test_two_factor_log_in_with_a_real_totp_code(client, make_staff):
    user = make_staff("kcc", two_factor=True)
    response = _post_login(client, user.email, STAFF_PASSWORD)
    assert response.headers["Location"].endswith("/admin/login/code")
    assert client.get("/admin/queue").status_code == 302, "the password alone must not log in"
    assert _post_code(client, "000000").status_code == 422
    code = pyotp.TOTP(user.totp_secret).now()
    assert _post_code(client, code).status_code == 303
    assert client.get("/admin/queue").status_code == 200


def test_a_totp_code_cannot_be_used_twice(app, make_staff):
    user = make_staff("kcc", two_factor=True)
    code = pyotp.TOTP(user.totp_secret).now()
    first, second = app.test_client(), app.test_client()
    _post_login(first, user.email, STAFF_PASSWORD)
    assert _post_code(first, code).status_code == 303
    _post_login(second, user.email, STAFF_PASSWORD)
    assert _post_code(second, code).status_code == 422, "a replayed code was accepted"


def test_a_recovery_code_works_once(app, db, make_staff):
    user = make_staff("kcc")
    secret = accounts.new_totp_secret()
    codes = accounts.enable_two_factor(user, secret, pyotp.TOTP(secret).now())
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    _post_login(first, user.email, STAFF_PASSWORD)
    assert _post_code(first, codes[0].lower()).status_code == 303
    _post_login(second, user.email, STAFF_PASSWORD)
    assert _post_code(second, codes[0]).status_code == 422
    assert accounts.recovery_codes_left(db.session.get(User, user.id)) == 9


def test_the_code_step_expires_after_five_minutes(client, make_staff):
    user = make_staff("kcc", two_factor=True)
    _post_login(client, user.email, STAFF_PASSWORD)
    token = csrf_token_from(client.get("/admin/login/code").get_data(as_text=True))
    with time_machine.travel(time.time() + 301):
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post("/admin/login/code", data={"csrf_token": token, "code": code})
    assert response.headers["Location"].endswith("/admin/login")


@pytest.mark.parametrize("app_overrides", [{"TWO_FACTOR_REQUIRED": True}])
def test_where_two_factor_is_required_a_new_account_enrols_before_it_gets_in(client, make_staff, db, app_overrides):
    user = make_staff("kcc")
    response = _post_login(client, user.email, STAFF_PASSWORD)
    assert response.headers["Location"].endswith("/admin/account/two-factor")
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page, "no QR code shown"
    secret = page.split('<code class="secret">')[1].split("<")[0]
    assert client.get("/admin/queue").status_code == 302
    done = client.post("/admin/account/two-factor",
                       data={"csrf_token": csrf_token_from(page), "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert done.get_data(as_text=True).count("<li><code>") == 10, "the ten recovery codes are not shown"
    assert db.session.scalar(select(User.totp_secret).where(User.id == user.id)) == secret
    assert client.get("/admin/queue").status_code == 200


@pytest.mark.parametrize(
    "app_overrides", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT_ACCOUNT": "3 per 15 minutes"}]
)
def test_log_in_attempts_are_throttled_per_account(app, make_staff, app_overrides):
    user = make_staff("kcc")
    statuses = [_post_login(app.test_client(), user.email, "Wrong-password-123").status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    assert _post_login(app.test_client(), user.email, STAFF_PASSWORD).status_code == 429, \
        "the right password must wait too once the account is throttled"


@pytest.mark.parametrize(
    "app_overrides", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT_ADDRESS": "3 per 15 minutes"}]
)
def test_log_in_attempts_are_throttled_per_address(client, app_overrides):
    statuses = [_post_login(client, f"user{n}@dronten.example", "Wrong-password-123").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_inactive_sessions_end_after_thirty_minutes(client, make_staff, login):
    login(make_staff("kcc"))
    assert client.get("/admin/queue").status_code == 200
    with time_machine.travel(time.time() + 31 * 60):
        assert client.get("/admin/queue").status_code == 302


def test_the_session_cookie_changes_at_log_in(client, make_staff, login):
    client.get("/?lang=en")
    before = client.get_cookie("session").value
    login(make_staff("kcc"))
    assert client.get_cookie("session").value != before


def test_staff_pages_are_not_cached(client, make_staff, login):
    login(make_staff("kcc"))
    assert client.get("/admin/queue").headers["Cache-Control"] == "no-store"


def test_only_local_staff_pages_are_followed_after_log_in(client, make_staff):
    user = make_staff("kcc")
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    response = client.post("/admin/login?next=https://evil.example/", data={
        "csrf_token": token, "email": user.email, "password": STAFF_PASSWORD})
    assert response.headers["Location"].endswith("/admin/queue")


def test_a_nul_byte_in_the_log_in_form_is_refused_without_an_error(client, make_staff):
    user = make_staff("kcc")
    assert _post_login(client, user.email + "\x00", STAFF_PASSWORD).status_code == 400
