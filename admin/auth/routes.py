"""Staff log-in: password, then a TOTP code (or enrolment where two-factor is required), and log-out."""
import posixpath
import time
from urllib.parse import quote, unquote, urlsplit

import segno
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from admin.auth import passwords, throttle  # noqa: F401  (passwords: its pages register on the blueprint too)
from admin.auth.forms import CodeForm, EnrolForm, LoginForm
from admin.blueprint import bp
from admin.flashing import flash_text
from portal.extensions import db, limiter
from portal.staff import accounts
from portal.staff.accounts import AccountError
from portal.staff.models import Role

PENDING_SECONDS = 300


def _pending_key():
    return "login-code:" + str((session.get("pending_login") or {}).get("id", request.remote_addr))


def _safe_next(target):
    """A page of the staff side of this site to go to after log-in, or None.

    Judged by parsing, not by its first characters: `/admin/../\\evil.example` starts with /admin/ but a browser
    resolves it to another host. So: no scheme, no host, no backslash or control character (also when
    percent-encoded), and the path with its dot-segments resolved must still lie under /admin/.
    """
    if not target or len(target) > 2000:
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return None
    if any(char == "\\" or ord(char) < 32 or ord(char) == 127 for char in unquote(target)):
        return None
    resolved = posixpath.normpath(path)
    if resolved != "/admin" and not resolved.startswith("/admin/"):
        return None
    if path.endswith("/") and not resolved.endswith("/"):
        resolved += "/"
    return quote(resolved) + (f"?{parts.query}" if parts.query else "")


def home_for(user):
    if user.role is Role.TEAM:
        return url_for("admin.team_queue")
    return url_for("admin.queue")


def _complete_login(user, next_page=None):
    session.clear()  # a new session at log-in: nothing from before it survives
    login_user(user)
    session["staff_seen"] = time.time()
    accounts.record_login(user)
    db.session.commit()
    return redirect(_safe_next(next_page) or home_for(user), 303)


def _pending_user():
    pending = session.get("pending_login")
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, None
    from admin.guards import load_user

    return load_user(pending["id"]), pending.get("next")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    if request.method == "POST":
        throttle.check_log_in(request.form.get("email"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("admin/login.html", form=form), 422 if form.errors else 200
    user = accounts.authenticate(form.email.data, form.password.data)
    if user is None:
        # The same answer whether or not the address exists.
        form.password.errors.append(_l("The e-mail address or password is not right."))
        return render_template("admin/login.html", form=form), 422
    next_page = _safe_next(request.args.get("next"))
    if not user.has_two_factor and not current_app.config["TWO_FACTOR_REQUIRED"]:
        return _complete_login(user, next_page)
    session.clear()
    session["pending_login"] = {"id": user.get_id(), "at": time.time(), "next": next_page}
    if user.has_two_factor:
        return redirect(url_for(".login_code"), 303)
    return redirect(url_for(".enrol_two_factor"), 303)


@bp.route("/login/code", methods=["GET", "POST"])
# Only someone who knew the password gets here: the code step stays strict per account.
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_pending_key, methods=["POST"])
def login_code():
    user, next_page = _pending_user()
    if user is None or not user.has_two_factor:
        flash_text(_l("Log in again: the log-in took too long."), "info")
        return redirect(url_for(".login"), 303)
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("admin/login_code.html", form=form), 422 if form.errors else 200
    if accounts.verify_totp(user, form.code.data) or accounts.use_recovery_code(user, form.code.data):
        return _complete_login(user, next_page)
    db.session.rollback()
    form.code.errors.append(_l("This code is not right, or it was used before. Try the newest code."))
    return render_template("admin/login_code.html", form=form), 422


def _enrolling_user():
    if current_user.is_authenticated:
        return current_user, None
    user, next_page = _pending_user()
    if user is not None and user.has_two_factor:
        return None, None
    return user, next_page


@bp.route("/account/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"], key_func=_pending_key, methods=["POST"])
def enrol_two_factor():
    user, next_page = _enrolling_user()
    if user is None:
        return redirect(url_for(".login"), 303)
    if user.has_two_factor and current_user.is_authenticated:
        return render_template("admin/two_factor_on.html", codes_left=accounts.recovery_codes_left(user))
    secret = session.setdefault("enrol_secret", accounts.new_totp_secret())
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = accounts.enable_two_factor(user, secret, form.code.data)
        except AccountError as error:
            form.code.errors.append(str(error))
        else:
            session.pop("enrol_secret", None)
            if not current_user.is_authenticated:
                _complete_login(user, next_page)
            else:
                db.session.commit()
            # Shown once, now; only their hashes are kept.
            return render_template("admin/recovery_codes.html", codes=codes)
    qr = segno.make(accounts.provisioning_uri(user, secret), error="m")
    return render_template(
        "admin/enrol_two_factor.html", form=form, secret=secret, qr_data_uri=qr.svg_data_uri(scale=5, border=2)
    ), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        accounts.end_all_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash_text(_l("You are logged out."), "info")
    return redirect(url_for(".login"), 303)
