"""Staff access in one place: who is logged in, for how long, and which role a view needs."""
import time
from functools import wraps

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from admin.flashing import flash_text
from portal.extensions import db, login_manager
from portal.staff.models import User

# Endpoints reachable without being logged in: the log-in steps (which keep their own five-minute limit on a
# log-in in progress) and the pages to set a forgotten password.
PUBLIC_ENDPOINTS = {
    "admin.login", "admin.login_code", "admin.enrol_two_factor", "admin.password_forgot", "admin.password_set",
}


@login_manager.user_loader
def load_user(session_id):
    """The session holds "id:token"; a token that changed (log-out, reset) ends the session."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


login_manager.login_view = "admin.login"
login_manager.login_message = _l("Log in to continue.")


def role_required(roles):
    """Allow only these roles (a group from portal.staff.access); every other logged-in user gets 403."""
    allowed = frozenset(roles)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


def require_staff_login():
    """Every admin page needs a log-in, except the log-in steps; inactivity ends the session, on every page
    (also the public ones a logged-in member can open, such as the two-factor set-up)."""
    if request.endpoint is None:
        return None
    if not current_user.is_authenticated:
        return None if request.endpoint in PUBLIC_ENDPOINTS else login_manager.unauthorized()
    now = time.time()
    last_seen = session.get("staff_seen", 0)
    if now - last_seen > current_app.config["STAFF_SESSION_MINUTES"] * 60:
        logout_user()
        session.clear()
        flash_text(_l("You were logged out because you were inactive for a while. Log in again."), "info")
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None  # the page goes on as for anyone not logged in (a link to set a password still works)
        return redirect(url_for("admin.login", next=request.full_path if request.method == "GET" else None))
    session["staff_seen"] = now
    return None


def refuse_nul_bytes():
    """No database text can hold a NUL byte (PostgreSQL refuses it): such a request is answered 400 up front."""
    if any("\x00" in value for value in request.values.values()):
        abort(400)
    return None


def no_store(response):
    """Staff pages hold personal data: browsers and proxies must not keep copies."""
    response.headers["Cache-Control"] = "no-store"
    return response
