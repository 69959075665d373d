"""The {placeholders} of standard texts: which exist, what each means, and the values for one report.

One list, so that the admin's form, the check on saving a text and the filling in for a report agree.
"""
import re

from flask import current_app
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l

from portal.calendar.clock import local_date
from portal.text import name_for_mail

MEANINGS = {
    "reference": _l("the reference of the report"),
    "name": _l("the name of the resident, or \"resident\" when there is none"),
    "received_date": _l("the date the report was received"),
    "first_contact_due": _l("the last day for first contact"),
    "closing_due": _l("the last day for closing the report"),
    "municipality": _l("the name of the municipality"),
    "phone": _l("the phone number of the municipality"),
}
NAMES = tuple(MEANINGS)
_KNOWN = re.compile(r"\{([a-z_]+)\}")
_BRACED = re.compile(r"\{([^{}\s]*)\}")
# A gap a standard text leaves for the writer: "[schrijf hier uw vraag]".
_GAP = re.compile(r"\[[^\[\]\n]{1,200}\]")


def unknown(text):
    """The {names} in this text that no report can fill, in order of appearance."""
    found = []
    for name in _BRACED.findall(text or ""):
        if name not in MEANINGS and name not in found:
            found.append(name)
    return found


def first_gap(text):
    """The first part of a filled-in text that still waits for the writer: a [gap] or an unknown {placeholder}."""
    gap = _GAP.search(text or "")
    if gap:
        return gap.group(0)
    unknown_names = unknown(text)
    return "{" + unknown_names[0] + "}" if unknown_names else None


def values_for(report, language):
    """The values for one report, dates written in the report's language."""
    config = current_app.config
    with force_locale(language):
        return {
            "reference": report.reference,
            "name": name_for_mail(report.name) or gettext("resident"),
            "received_date": format_date(local_date(report.received_at), "long"),
            "first_contact_due": format_date(report.first_contact_due, "long"),
            "closing_due": format_date(report.closing_due, "long"),
            "municipality": config["MUNICIPALITY_NAME"],
            "phone": config["MUNICIPALITY_PHONE"],
        }


def fill(text, report, language):
    """Replace the known {placeholders}; anything else in braces stays as written (no str.format tricks)."""
    values = values_for(report, language)
    return _KNOWN.sub(lambda match: values.get(match.group(1), match.group(0)), text)
