"""The record of staff actions in the staff's words: what an action was done on, and its details by their labels."""
from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from portal.extensions import db
from portal.reference.models import Cause
from portal.staff.models import User

# The object an action was done on, by its URL argument: (label, endpoint of its page).
TARGETS = {
    "report_id": (_l("Report %(id)s"), "admin.detail"),
    "user_id": (_l("Account %(id)s"), "admin.manage_staff_detail"),
    "team_id": (_l("Team %(id)s"), "admin.manage_team_edit"),
    "category_id": (_l("Category %(id)s"), "admin.manage_category_edit"),
    "cause_id": (_l("Cause %(id)s"), "admin.manage_cause_edit"),
    "text_id": (_l("Standard text %(id)s"), "admin.manage_text_edit"),
    "message_id": (_l("E-mail %(id)s"), "admin.outbox"),
}
# A recorded form field by what its form calls it; a field not listed shows its own name.
FIELDS = {
    "assign-team": _l("Team"), "assign-assignee": _l("Person"), "category-category": _l("Category"),
    "message-standard_text": _l("Standard text"), "first_contact-channel": _l("Channel"),
    "close-outcome": _l("Outcome"), "close-causes": _l("Causes"), "extend-new_closing_due": _l("New closing date"),
    "dismiss-reason": _l("Reason"), "grade-grade": _l("Grade"), "grade-channel": _l("Channel"),
    "category": _l("Category"), "channel": _l("Channel"), "role": _l("Role"), "teams": _l("Teams"),
    "active": _l("Active"), "code": _l("Code"), "position": _l("Position"), "day": _l("Day"),
    "first_contact_days": _l("First-contact term"), "closing_days": _l("Closing term"),
    "default_team": _l("Default team"),
}


def target_links(target):
    """Links to what the action was done on, as markup (escaped text inside)."""
    links = []
    for key, value in (target or {}).items():
        label, endpoint = TARGETS.get(key, (None, None))
        if label is None or not str(value).isdigit():
            links.append(escape(f"{key} {value}"))
            continue
        text = str(label) % {"id": value}
        href = url_for(endpoint, **({key: int(value)} if endpoint != "admin.outbox" else {}))
        links.append(Markup('<a href="{}">{}</a>').format(href, text))
    return Markup(", ").join(links)


# Fields whose recorded value is an id: shown by the name it has now.
NAMED_BY_ID = {"close-causes": Cause, "assign-assignee": User}


def _named(key, value):
    model = NAMED_BY_ID.get(key)
    if model is None or not str(value).isdigit():
        return str(value)
    found = db.session.get(model, int(value))
    return found.name(None) if callable(getattr(found, "name", None)) else (found.name if found else str(value))


def detail_text(details):
    """The recorded fields as "Label: value; …" in plain text."""
    parts = []
    for key, value in (details or {}).items():
        values = value if isinstance(value, list) else [value]
        parts.append(f"{FIELDS.get(key, key)}: {', '.join(_named(key, item) for item in values)}")
    return "; ".join(parts)
