"""Staff accounts as admins manage them: creation, role and teams, (de)activation, password and two-factor resets.

An admin never types or hands over a password: a new account, and an account whose password an admin resets,
gets an e-mail with a one-time link to set one (portal.staff.password_links).

Each function checks its rule, changes the model and flushes; the view commits.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.contact_details import normalise_email
from portal.extensions import db
from portal.refusals import ManagementError, taken
from portal.staff import accounts, password_links
from portal.staff.models import Role, User


def change_access(user, *, role, teams, by):
    """A new role and set of teams; an admin keeps their own admin role so that one admin always remains."""
    role = Role(role)
    if user.id == by.id and role is not Role.ADMIN:
        raise ManagementError(_l("You cannot take away your own administrator role."), "role")
    if role is Role.TEAM and not teams:
        raise ManagementError(_l("A team member belongs to at least one team."), "teams")
    user.role = role
    user.teams = list(teams)
    db.session.flush()


def set_user_active(user, *, active, by):
    """Deactivating ends every session of the account at once; an admin cannot lock themselves out."""
    if user.id == by.id and not active:
        raise ManagementError(_l("You cannot deactivate your own account."))
    user.active = active
    if not active:
        accounts.end_all_sessions(user)
    db.session.flush()


def _staff_language():
    # Staff accounts keep no language of their own: mail that someone else causes goes out in the default one.
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def create_account(*, email, name, role, teams):
    """A new account without a password, and the e-mail with the link to set one (AccountError for a broken
    rule)."""
    user = accounts.create_user(email=email, name=name, role=role, teams=teams)
    password_links.send_link(user, password_links.Purpose.WELCOME, _staff_language())
    return user


def reset_password(user, *, by):
    """The old password stops working, every session ends, and the holder gets a link to set a new one."""
    if user.id == by.id:
        raise ManagementError(_l("Change your own password on the page Your password."))
    if not user.active:
        raise ManagementError(_l("Activate the account first: a deactivated account cannot set a password."))
    user.password_hash = ""
    accounts.end_all_sessions(user)
    db.session.flush()
    password_links.send_link(user, password_links.Purpose.WELCOME, _staff_language(), reset_by_admin=True)


def reset_two_factor(user, *, by):
    if user.id == by.id:
        raise ManagementError(_l("Ask another administrator to reset your own two-factor log-in."))
    accounts.disable_two_factor(user)
    db.session.flush()


def user_by_email_exists(email):
    return taken(User, email=normalise_email(email))


def staff_member(user_id):
    """The active staff member with this id (as a form sends it), or None."""
    if not str(user_id or "").isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None
