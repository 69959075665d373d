"""Reference data and staff access as admins keep them: teams, categories, closing days, causes, standard texts.

Each function checks its rule, changes the model and flushes; the view commits. A broken rule raises
ManagementError with a message for the admin and the name of the form field it is about.
"""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.calendar.deadlines import is_working_day
from portal.calendar.models import ClosingDay
from portal.contact_details import normalise_email
from portal.extensions import db
from portal.reference.models import Category, Cause, StandardText
from portal.staff import accounts
from portal.staff.models import Role, Team, User

# Awb 9:11: a complaint is handled within six weeks, which is never more than 30 working days.
MAX_TERM_DAYS = 30
MIN_TERM_DAYS = 1
# The placeholders portal.workflow.placeholders() fills in a standard text.
PLACEHOLDERS = ("reference", "name", "received_date", "first_contact_due", "closing_due", "municipality", "phone")
_BRACED = re.compile(r"\{([^{}\s]*)\}")


class ManagementError(ValueError):
    """A rule about reference data or accounts was broken; `field` names the form field it concerns."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def _exists(model, **where):
    query = select(model.id)
    for column, value in where.items():
        query = query.where(func.lower(getattr(model, column)) == value.lower())
    return db.session.scalar(query.limit(1)) is not None


# Staff access

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


def reset_password(user, *, password, by):
    if user.id == by.id:
        raise ManagementError(_l("Ask another administrator to reset your own password."), "password")
    try:
        accounts.set_password(user, password)
    except accounts.AccountError as error:
        raise ManagementError(str(error), "password") from None
    db.session.flush()


def reset_two_factor(user, *, by):
    if user.id == by.id:
        raise ManagementError(_l("Ask another administrator to reset your own two-factor log-in."))
    accounts.disable_two_factor(user)
    db.session.flush()


def assignable_teams(current=()):
    """Active teams, plus any inactive ones given (so that a form shows what is already chosen)."""
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return teams + [team for team in current if not team.active and team not in teams]


# Teams

def create_team(*, code, name, email):
    code = code.strip().upper()
    if _exists(Team, code=code):
        raise ManagementError(_l("A team with this code already exists."), "code")
    team = Team(code=code, name=name, email=email or None, active=True)
    db.session.add(team)
    db.session.flush()
    return team


def update_team(team, *, name, email):
    team.name = name
    team.email = email or None
    db.session.flush()


def set_team_active(team, *, active):
    if not active:
        defaults = db.session.scalars(
            select(Category.name_nl).where(Category.default_team_id == team.id).order_by(Category.position)
        ).all()
        if defaults:
            raise ManagementError(_l(
                "This team is the default team of: %(categories)s. Choose another default team there first.",
                categories=", ".join(defaults),
            ))
    team.active = active
    db.session.flush()


# Categories

def check_terms(first_contact_days, closing_days):
    """The messages for terms that break the rules, by field; empty when both are right."""
    problems = {}
    if not MIN_TERM_DAYS <= first_contact_days <= MAX_TERM_DAYS:
        problems["first_contact_days"] = _l(
            "The first-contact term is at least %(min)s and at most %(max)s working days.",
            min=MIN_TERM_DAYS, max=MAX_TERM_DAYS,
        )
    if closing_days > MAX_TERM_DAYS:
        problems["closing_days"] = _l(
            "The closing term is at most %(max)s working days: the law (Awb 9:11) gives six weeks.",
            max=MAX_TERM_DAYS,
        )
    elif closing_days < first_contact_days:
        problems["closing_days"] = _l("The closing term cannot be shorter than the first-contact term.")
    return problems


def update_category(category, *, name_nl, name_en, help_nl, help_en, first_contact_days, closing_days,
                    default_team, active, position):
    """New names, terms and default team; the terms apply to reports received from now on."""
    problems = check_terms(first_contact_days, closing_days)
    if problems:
        field, message = next(iter(problems.items()))
        raise ManagementError(message, field)
    if default_team is not None and not default_team.active and default_team is not category.default_team:
        raise ManagementError(_l("Choose an active team."), "default_team")
    if not active and category.active:
        others = db.session.scalar(
            select(func.count(Category.id)).where(Category.active, Category.id != category.id)
        )
        if not others:
            raise ManagementError(_l("At least one category must stay active."), "active")
    category.name_nl, category.name_en = name_nl, name_en
    category.help_nl, category.help_en = help_nl or "", help_en or ""
    category.first_contact_days, category.closing_days = first_contact_days, closing_days
    category.default_team = default_team
    category.active = active
    category.position = position
    db.session.flush()


# Closing days

def add_closing_day(*, day: date, description):
    """A day the municipality is closed; weekends and general holidays are never working days already."""
    if day.weekday() >= 5:
        raise ManagementError(
            _l("This is a Saturday or Sunday. Weekends never count as working days, so you need not add it."),
            "day",
        )
    if not is_working_day(day, closing_days=()):
        raise ManagementError(
            _l("This is already a public holiday under the Algemene termijnenwet, so you need not add it."),
            "day",
        )
    if db.session.scalar(select(ClosingDay.id).where(ClosingDay.day == day)) is not None:
        raise ManagementError(_l("This day is already a closing day."), "day")
    closing_day = ClosingDay(day=day, description=description or "")
    db.session.add(closing_day)
    db.session.flush()
    return closing_day


def remove_closing_day(closing_day):
    db.session.delete(closing_day)
    db.session.flush()


# Causes

def create_cause(*, code, name_nl, name_en, position):
    code = code.strip().lower()
    if _exists(Cause, code=code):
        raise ManagementError(_l("A cause with this code already exists."), "code")
    cause = Cause(code=code, name_nl=name_nl, name_en=name_en, position=position, active=True)
    db.session.add(cause)
    db.session.flush()
    return cause


def update_cause(cause, *, name_nl, name_en, position):
    cause.name_nl, cause.name_en, cause.position = name_nl, name_en, position
    db.session.flush()


def set_cause_active(cause, *, active):
    """Causes are never deleted: closed reports and their figures refer to them."""
    cause.active = active
    db.session.flush()


# Standard texts

def unknown_placeholders(text):
    """The {names} in this text that no report can fill, in order of appearance."""
    found = []
    for name in _BRACED.findall(text or ""):
        if name not in PLACEHOLDERS and name not in found:
            found.append(name)
    return found


def _check_placeholders(fields):
    for field, text in fields.items():
        unknown = unknown_placeholders(text)
        if unknown:
            raise ManagementError(
                _l("Unknown placeholder: %(names)s. Use only the placeholders listed.",
                   names=", ".join("{" + name + "}" for name in unknown)),
                field,
            )


def create_standard_text(*, code, title, subject_nl, subject_en, body_nl, body_en):
    code = code.strip().lower()
    if _exists(StandardText, code=code):
        raise ManagementError(_l("A standard text with this code already exists."), "code")
    _check_placeholders({"subject_nl": subject_nl, "subject_en": subject_en, "body_nl": body_nl, "body_en": body_en})
    text = StandardText(code=code, title=title, subject_nl=subject_nl, subject_en=subject_en, body_nl=body_nl,
                        body_en=body_en, active=True)
    db.session.add(text)
    db.session.flush()
    return text


def update_standard_text(text, *, title, subject_nl, subject_en, body_nl, body_en):
    _check_placeholders({"subject_nl": subject_nl, "subject_en": subject_en, "body_nl": body_nl, "body_en": body_en})
    text.title = title
    text.subject_nl, text.subject_en = subject_nl, subject_en
    text.body_nl, text.body_en = body_nl, body_en
    db.session.flush()


def set_standard_text_active(text, *, active):
    text.active = active
    db.session.flush()


def user_by_email_exists(email):
    email = normalise_email(email)
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None
