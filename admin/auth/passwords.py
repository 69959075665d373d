"""A staff member's own password: change it while logged in, set it through an e-mailed one-time link (a new
account, or after an admin's reset), or ask for such a link on the log-in page when it is forgotten."""
from flask import current_app, redirect, render_template, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from admin.auth import throttle
from admin.auth.forms import ChangePasswordForm, ForgotPasswordForm, SetPasswordForm
from admin.blueprint import bp
from admin.flashing import flash_text
from portal.extensions import db, limiter
from portal.i18n import current_language
from portal.staff import accounts, password_links

PASSWORD_HINT = _l("At least 12 characters, not easy to guess, and not your name or e-mail address. "
                   "A few words in a row work well.")


@bp.route("/account/password", methods=["GET", "POST"])
def password_change():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _change_page(form)
    throttle.check_password_try(current_user)
    user = current_user._get_current_object()
    try:
        accounts.change_password(user, current_password=form.current_password.data,
                                 new_password=form.new_password.data, language=current_language())
    except accounts.WrongPassword as error:
        return _change_page(form, form.current_password, error)
    except accounts.AccountError as error:
        return _change_page(form, form.new_password, error)
    db.session.commit()
    login_user(user)  # this browser goes on with the account's new session token; every other session has ended
    flash_text(_l("Your password is changed. You are logged out everywhere else."), "success")
    return redirect(url_for(".password_change"), 303)


def _change_page(form, field=None, error=None):
    if field is not None:
        db.session.rollback()
        field.errors.append(str(error))
    return render_template("admin/password_change.html", form=form, hint=PASSWORD_HINT), 422 if form.errors else 200


@bp.route("/login/forgot", methods=["GET", "POST"])
def password_forgot():
    if current_user.is_authenticated:
        return redirect(url_for(".password_change"))
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("admin/password_forgot.html", form=form), 422 if form.errors else 200
    if throttle.check_reset_request(form.email.data):
        password_links.request_reset(form.email.data, current_language())
        db.session.commit()
    # The same answer whether or not the address has an account.
    minutes = current_app.config["PASSWORD_RESET_LINK_MINUTES"]
    flash_text(_l("If this e-mail address belongs to an account, we have sent a link to it. The link works once, "
                  "for %(minutes)s minutes. No e-mail? Look in your spam folder, or ask an administrator.",
                  minutes=minutes), "info")
    return redirect(url_for(".login"), 303)


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT_ADDRESS"], methods=["POST"])
def password_set(token):
    user, purpose, problem = password_links.account_for_token(token)
    if problem is not None:
        return _link_problem(problem)
    form = SetPasswordForm()
    if not form.validate_on_submit():
        return _set_page(form, user)
    try:
        done = password_links.set_password_by_link(user, purpose, form.new_password.data, current_language())
    except accounts.AccountError as error:
        db.session.rollback()
        form.new_password.errors.append(str(error))
        return _set_page(form, user)
    if not done:
        db.session.rollback()
        return _link_problem(password_links.LinkProblem.NOT_VALID)
    db.session.commit()
    language = session.get("lang")
    logout_user()
    session.clear()  # whoever was logged in in this browser is not any more; the chosen language stays
    if language:
        session["lang"] = language
    flash_text(_l("Your password is set. Log in with your e-mail address and your new password."), "success")
    return redirect(url_for(".login"), 303)


def _set_page(form, user):
    return render_template("admin/password_set.html", form=form, user=user,
                           hint=PASSWORD_HINT), 422 if form.errors else 200


def _link_problem(problem):
    # 410 Gone: the link existed, or looks as if it did, and cannot be used (any more).
    return render_template("admin/password_link_problem.html", expired=problem is password_links.LinkProblem.EXPIRED,
                           hours=current_app.config["PASSWORD_LINK_HOURS"]), 410
