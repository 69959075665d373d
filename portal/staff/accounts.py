"""Staff accounts: passwords, two-factor log-in with TOTP and recovery codes, and sessions."""
import hashlib
import hmac
import secrets
import time
from functools import lru_cache

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from portal.calendar.clock import now_utc
from portal.contact_details import normalise_email
from portal.extensions import db
from portal.staff.models import Role, User

MIN_PASSWORD_LENGTH = 12
RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Meldpunt"
# Passwords that meet the length rule and are still guessed first.
COMMON_PASSWORDS = {
    "welkom123456", "wachtwoord12", "wachtwoord123", "password1234", "password12345", "123456789012",
    "qwertyuiop12", "gemeente1234", "meldpunt1234", "zomer2026!!!", "winter2026!!", "letmein12345",
}


def _password_method():
    return current_app.config["PASSWORD_HASH_METHOD"]


@lru_cache(maxsize=4)
def _dummy_hash(method):
    """Compared against when the account does not exist, so that timing does not tell whether it does."""
    return generate_password_hash(secrets.token_hex(16), method=method)


class AccountError(ValueError):
    """A rule about accounts was broken; the message is for the person who broke it."""


def password_problems(password, *, email="", name=""):
    """What is wrong with a new password, as messages; empty when it is strong enough."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_l("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH))
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 5:
        problems.append(_l("This password is too easy to guess."))
    local_part = email.split("@")[0].lower()
    if (local_part and len(local_part) >= 4 and local_part in lowered) or (
        name and len(name) >= 4 and name.lower() in lowered
    ):
        problems.append(_l("Do not use your name or e-mail address in your password."))
    return problems


def set_password(user, password):
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError(" ".join(str(p) for p in problems))
    user.password_hash = generate_password_hash(password, method=_password_method())
    end_all_sessions(user)


def create_user(*, email, name, role, password, teams=()):
    email = normalise_email(email)
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise AccountError(_l("An account with this e-mail address already exists."))
    role = Role(role)
    if role is Role.TEAM and not teams:
        raise AccountError(_l("A team member belongs to at least one team."))
    user = User(email=email, name=name.strip(), role=role, password_hash="", session_token="",
                recovery_code_hashes=[], teams=list(teams))
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email, password):
    """The active account with this e-mail address and password, or None; as slow either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(_password_method()), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def end_all_sessions(user):
    """A new session token: every log-in cookie issued before stops working."""
    user.session_token = secrets.token_urlsafe(32)


def record_login(user):
    user.last_login_at = now_utc()


# Two-factor log-in (TOTP, RFC 6238)

def new_totp_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def _accepted_step(secret, code, at=None):
    """The time step the code belongs to (now, or one step either side for clock drift), or None."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for drift in (0, -1, 1):
        moment = now + drift * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def verify_totp(user, code, *, secret=None, at=None):
    """True for a valid code not used before; the used step is remembered so a replay fails."""
    step = _accepted_step(secret or user.totp_secret, code, at)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _hash_recovery_code(code):
    return hashlib.sha256("".join(code.split()).upper().encode()).hexdigest()


def enable_two_factor(user, secret, code):
    """Switch two-factor log-in on after a first valid code; returns the recovery codes, shown once."""
    if not verify_totp(user, code, secret=secret):
        raise AccountError(_l("This code is not right. Check the time on your phone and try the newest code."))
    user.totp_secret = secret
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}".upper() for _ in range(RECOVERY_CODE_COUNT)]
    user.recovery_code_hashes = [_hash_recovery_code(c) for c in codes]
    return codes


def use_recovery_code(user, code):
    """True once per recovery code; the code is struck off."""
    hashed = _hash_recovery_code(code or "")
    remaining = list(user.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, hashed):
            remaining.remove(stored)
            user.recovery_code_hashes = remaining
            return True
    return False


def disable_two_factor(user):
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_code_hashes = []
    end_all_sessions(user)
