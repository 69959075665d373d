"""Reference data as admins keep it: categories and their terms, causes, standard texts.

Each function checks its rule, changes the model and flushes; the view commits. A broken rule raises
ManagementError with a message for the admin and the name of the form field it is about.
"""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.reference import placeholders
from portal.reference.models import Category, Cause, StandardText
from portal.refusals import ManagementError, taken

# Awb 9:11: a complaint is handled within six weeks, which is never more than 30 working days.
MAX_TERM_DAYS = 30
MIN_TERM_DAYS = 1


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


# Causes

def create_cause(*, code, name_nl, name_en, position):
    code = code.strip().lower()
    if taken(Cause, code=code):
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

def _check_placeholders(fields):
    for field, text in fields.items():
        unknown = placeholders.unknown(text)
        if unknown:
            # gettext now, not a lazy string: that counts as safe markup, and the names are what the admin typed.
            raise ManagementError(
                gettext("Unknown placeholder: %(names)s. Use only the placeholders listed.",
                        names=", ".join("{" + name + "}" for name in unknown)),
                field,
            )


def create_standard_text(*, code, title, subject_nl, subject_en, body_nl, body_en):
    code = code.strip().lower()
    if taken(StandardText, code=code):
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
