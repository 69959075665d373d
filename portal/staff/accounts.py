"""Staff accounts: passwords, two-factor log-in with TOTP and recovery codes, and sessions."""
import hashlib
import hmac
import secrets
import time
from functools import lru_cache

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from portal.calendar.clock import now_utc
from portal.contact_details import normalise_email
from portal.extensions import db
from portal.staff import notices
from portal.staff.models import RecoveryCode, Role, User

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


def hash_new_password(user, password):
    """The hash to store for a new password of this account; AccountError when the password is too weak."""
    problems = password_problems(password, email=user.email, name=user.name)
    if problems:
        raise AccountError(" ".join(str(p) for p in problems))
    return generate_password_hash(password, method=_password_method())


def set_password(user, password):
    user.password_hash = hash_new_password(user, password)
    end_all_sessions(user)


def create_user(*, email, name, role, password=None, teams=()):
    """A new account. Without a password it cannot log in until its holder sets one through an e-mailed link."""
    email = normalise_email(email)
    if db.session.scalar(select(User).where(func.lower(User.email) == email)):
        raise AccountError(_l("An account with this e-mail address already exists."))
    role = Role(role)
    if role is Role.TEAM and not teams:
        raise AccountError(_l("A team member belongs to at least one team."))
    user = User(email=email, name=name.strip(), role=role, password_hash="", session_token="", teams=list(teams))
    if password is None:
        end_all_sessions(user)
    else:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def has_password(user):
    return bool(user.password_hash)


def password_matches(user, password):
    """Whether this is the account's password; as slow when it has none yet."""
    stored = user.password_hash or _dummy_hash(_password_method())
    return check_password_hash(stored, password or "") and has_password(user)


def authenticate(email, password):
    """The active account with this e-mail address and password, or None; as slow either way."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(_password_method()), password)
        return None
    if not password_matches(user, password) or not user.active:
        return None
    return user


class WrongPassword(AccountError):
    """The current password given to change it was not the account's password."""


def change_password(user, *, current_password, new_password, language):
    """A staff member's own change: the current password first; every session of the account ends (the view
    starts a new one for the browser that asked), and the holder gets an e-mail about it."""
    if not password_matches(user, current_password):
        raise WrongPassword(_l("This is not your current password."))
    if current_password == new_password:
        raise AccountError(_l("Choose a new password that differs from your current one."))
    set_password(user, new_password)
    db.session.flush()
    notices.tell_password_changed(user, language)


def new_session_token():
    return secrets.token_urlsafe(32)


def end_all_sessions(user):
    """A new session token: every log-in cookie issued before stops working."""
    user.session_token = new_session_token()


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
    """True for a valid code whose time step is newer than any accepted before.

    The step is claimed with a conditional UPDATE: of several log-ins sending the same code at once, exactly one
    changes the row (the others wait for its commit and then find the step taken), so a code works once.
    """
    step = _accepted_step(secret or user.totp_secret, code, at)
    if step is None:
        return False
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def _hash_recovery_code(code):
    return hashlib.sha256("".join(code.split()).upper().encode()).hexdigest()


def _replace_recovery_codes(user, hashes):
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hashed) for hashed in hashes)
    db.session.flush()


def enable_two_factor(user, secret, code):
    """Switch two-factor log-in on after a first valid code; returns the recovery codes, shown once."""
    if not verify_totp(user, code, secret=secret):
        raise AccountError(_l("This code is not right. Check the time on your phone and try the newest code."))
    user.totp_secret = secret
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}".upper() for _ in range(RECOVERY_CODE_COUNT)]
    _replace_recovery_codes(user, {_hash_recovery_code(c) for c in codes})
    return codes


def use_recovery_code(user, code):
    """True once per recovery code: a conditional DELETE strikes it off, and only the request that deleted
    the row gets in."""
    used = db.session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _hash_recovery_code(code or ""))
    )
    return used.rowcount == 1


def recovery_codes_left(user):
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable_two_factor(user):
    user.totp_secret = None
    user.totp_last_step = None
    _replace_recovery_codes(user, ())
    end_all_sessions(user)
