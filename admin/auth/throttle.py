"""How many tries the log-in and password pages allow, so that guessing stops but strangers cannot lock anyone out.

A log-in counts, in this order, against the address it comes from (LOGIN_RATE_LIMIT_ADDRESS), against the account
from that address (LOGIN_RATE_LIMIT_ACCOUNT, strict) and against the account from anywhere
(LOGIN_RATE_LIMIT_ACCOUNT_ANYWHERE, much higher). A try refused at one step is not counted at the next: a stranger
who keeps guessing from one address uses up only their own allowance, and the holder still logs in from theirs.
The counts live in the rate limiter's storage (Redis when several workers serve), and hits come before checks
so that tries sent at once cannot slip past together.
"""
import limits
from flask import abort, current_app
from flask_limiter.util import get_remote_address

from portal.contact_details import normalise_email
from portal.extensions import db, limiter
from portal.staff import notices

NAMESPACE = "meldpunt-throttle"


def _enabled():
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def _hit(setting, *identifiers):
    """Count one try against every limit in the setting; False when any of them is used up."""
    strategy = limiter.limiter
    results = [strategy.hit(item, NAMESPACE, *identifiers) for item in limits.parse_many(current_app.config[setting])]
    return all(results)


def window_minutes(*settings):
    """The longest window of these limits, in minutes: how long a pause can last."""
    seconds = max(item.get_expiry() for setting in settings for item in limits.parse_many(current_app.config[setting]))
    return max(1, seconds // 60)


def check_log_in(email):
    """Count a log-in try; answer 429 when it is one too many, and tell the account holder (once per window)
    when the refusal is about their account."""
    if not _enabled():
        return
    address = get_remote_address()
    account = normalise_email(email)
    if not _hit("LOGIN_RATE_LIMIT_ADDRESS", "login-address", address):
        abort(429)
    if not account:
        return
    if _hit("LOGIN_RATE_LIMIT_ACCOUNT", "login-pair", account, address) and _hit(
            "LOGIN_RATE_LIMIT_ACCOUNT_ANYWHERE", "login-account", account):
        return
    minutes = window_minutes("LOGIN_RATE_LIMIT_ACCOUNT", "LOGIN_RATE_LIMIT_ACCOUNT_ANYWHERE")
    if notices.tell_log_ins_paused(account, current_app.config["BABEL_DEFAULT_LOCALE"], minutes):
        db.session.commit()
    abort(429)


def check_reset_request(email):
    """Count a request for a reset link: 429 when one address asks too often; False (send nothing, answer the
    same) when one account was asked for too often, so nobody can fill a colleague's mailbox."""
    if not _enabled():
        return True
    if not _hit("PASSWORD_RESET_RATE_LIMIT_ADDRESS", "reset-address", get_remote_address()):
        abort(429)
    return _hit("PASSWORD_RESET_RATE_LIMIT_ACCOUNT", "reset-account", normalise_email(email))


def check_password_try(user):
    """Count a try at the current password on the change page: as strict as a log-in from one address."""
    if _enabled() and not _hit("LOGIN_RATE_LIMIT_ACCOUNT", "password-change", str(user.id), get_remote_address()):
        abort(429)
