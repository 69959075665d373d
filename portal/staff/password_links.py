"""One-time links by e-mail to set a password: for a new account, after an admin's reset, and when it was forgotten.

A link carries a signed token (itsdangerous) with the account and a fingerprint of its e-mail address, password
hash and session token. Setting the password changes the hash and the token, so the link dies after one use;
and the change is a conditional UPDATE on the old values, so of two uses sent at once only one succeeds.
A new account's link and an admin's reset live PASSWORD_LINK_HOURS (72), a forgotten password's link
PASSWORD_RESET_LINK_MINUTES (60).
"""
import enum
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.calendar.clock import now_utc
from portal.contact_details import normalise_email
from portal.extensions import db
from portal.mail.outbox import external_url, queue_mail
from portal.staff import accounts, notices
from portal.staff.models import User

SALT = "meldpunt-staff-password-link"


class Purpose(enum.Enum):
    WELCOME = "welcome"  # a new account, or an admin's reset: the holder sets a first (or new) password
    RESET = "reset"  # the holder forgot their password and asked for a link on the log-in page


class LinkProblem(enum.Enum):
    EXPIRED = "expired"
    NOT_VALID = "not_valid"  # forged, mistyped, or already used (the password changed since)


# The e-mail each purpose sends (templates/mail/<name>/).
MAIL_TEMPLATES = {Purpose.WELCOME: "set_password", Purpose.RESET: "reset_password"}


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def lifetime_seconds(purpose):
    if purpose is Purpose.WELCOME:
        return current_app.config["PASSWORD_LINK_HOURS"] * 3600
    return current_app.config["PASSWORD_RESET_LINK_MINUTES"] * 60


def _fingerprint(user):
    # Changes with the password and with every end of all sessions; reveals neither.
    material = "\0".join((user.email, user.password_hash, user.session_token))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def make_token(user, purpose):
    return _serializer().dumps({"user": user.id, "purpose": purpose.value, "state": _fingerprint(user)})


def _read(token):
    longest = max(lifetime_seconds(purpose) for purpose in Purpose)
    data, signed_at = _serializer().loads(token, max_age=longest, return_timestamp=True)
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        raise BadSignature("not a password link")
    purpose = Purpose(data.get("purpose"))
    return data, purpose, signed_at


def account_for_token(token):
    """(user, purpose, None) for a link that can still set a password, else (None, None, problem)."""
    try:
        data, purpose, signed_at = _read(token)
    except SignatureExpired:
        return None, None, LinkProblem.EXPIRED
    except (BadSignature, ValueError):
        return None, None, LinkProblem.NOT_VALID
    user = db.session.get(User, data["user"])
    if user is None or not user.active or data.get("state") != _fingerprint(user):
        return None, None, LinkProblem.NOT_VALID
    age = (now_utc() - signed_at).total_seconds()
    if age > lifetime_seconds(purpose):
        return None, None, LinkProblem.EXPIRED
    return user, purpose, None


def set_password_by_link(user, purpose, new_password, language):
    """The new password, once: raises AccountError for a weak one, and returns False when another request used
    the link first (the password hash or session token it was made for changed meanwhile). A forgotten password
    set anew is also told to the holder by e-mail, in case it was not them."""
    new_hash = accounts.hash_new_password(user, new_password)
    new_token = accounts.new_session_token()
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, User.password_hash == user.password_hash,
               User.session_token == user.session_token)
        .values(password_hash=new_hash, session_token=new_token)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        return False
    set_committed_value(user, "password_hash", new_hash)
    set_committed_value(user, "session_token", new_token)
    if purpose is Purpose.RESET:
        notices.tell_password_changed(user, language)
    return True


def send_link(user, purpose, language, *, reset_by_admin=False):
    """Queue the e-mail with a fresh link (flush only; the caller commits)."""
    token = make_token(user, purpose)
    return queue_mail(
        user.email, MAIL_TEMPLATES[purpose], language, user=user, reset_by_admin=reset_by_admin,
        link=external_url("admin.password_set", token=token),
        hours=lifetime_seconds(purpose) // 3600, minutes=lifetime_seconds(purpose) // 60,
        login_url=external_url("admin.login"), forgot_url=external_url("admin.password_forgot"),
    )


def request_reset(email, language):
    """A link for a forgotten password, when an active account has this address; nothing otherwise.

    The caller answers the same either way, so the page does not tell who has an account."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is not None and user.active:
        send_link(user, Purpose.RESET, language)
