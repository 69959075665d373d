"""A report's history in the staff's own words: what changed, with names, labels and dates, never code names.

The events keep their details as data (codes, ISO dates); this turns each into short sentences for the report page,
in the language being rendered.
"""
from datetime import date, datetime

from flask_babel import format_date, gettext

from portal.extensions import db
from portal.i18n import write_moment
from portal.labels import CHANNEL_LABELS, OUTCOME_LABELS, STATUS_LABELS
from portal.reference.models import Category, Cause
from portal.reports.models import Channel, Outcome, ReportStatus
from portal.staff.models import Team


def _day(text):
    try:
        return format_date(date.fromisoformat(text[:10]), "long")
    except (TypeError, ValueError):
        return text or "—"


def _moment(text):
    try:
        return write_moment(datetime.fromisoformat(text))
    except (TypeError, ValueError):
        return text or "—"


def _by_code(model, code, language=None):
    found = db.session.query(model).filter_by(code=code).first() if code else None
    if found is None:
        return code or "—"
    return found.name(language) if callable(found.name) else found.name


def _status(value):
    try:
        return str(STATUS_LABELS[ReportStatus(value)])
    except (KeyError, ValueError):
        return value or "—"


def describe(event):
    """Sentences that say what the event changed; empty when its label says it all."""
    details = event.details or {}
    kind = event.kind
    if kind == "assigned":
        after = details.get("after", {})
        team = _by_code(Team, after.get("team"))
        if after.get("assignee"):
            return [gettext("Sent to %(team)s, to be handled by %(name)s.", team=team, name=after["assignee"])]
        return [gettext("Sent to %(team)s.", team=team)]
    if kind == "category_changed":
        before, after = details.get("before", {}), details.get("after", {})
        return [gettext("Category: %(old)s → %(new)s.", old=_by_code(Category, before.get("category")),
                        new=_by_code(Category, after.get("category"))),
                gettext("New terms: first contact no later than %(first)s, closed no later than %(closing)s.",
                        first=_day(after.get("first_contact_due")), closing=_day(after.get("closing_due")))]
    if kind == "first_contact":
        return [gettext("%(channel)s, %(moment)s.", channel=_channel(details.get("channel")),
                        moment=_moment(details.get("at")))]
    if kind == "closed":
        causes = ", ".join(_by_code(Cause, code) for code in details.get("causes", []))
        return [gettext("Outcome: %(outcome)s. Causes: %(causes)s.", outcome=_outcome(details.get("outcome")),
                        causes=causes or "—")]
    if kind == "extended":
        return [gettext("Closing term moved from %(old)s to %(new)s.",
                        old=_day(details.get("before", {}).get("closing_due")),
                        new=_day(details.get("after", {}).get("closing_due")))]
    if kind in ("reopened", "dismissed"):
        return [gettext("Status: %(old)s → %(new)s.", old=_status(details.get("before", {}).get("status")),
                        new=_status(details.get("after", {}).get("status")))]
    if kind in ("received", "registered_by_staff"):
        return [gettext("Channel: %(channel)s.", channel=_channel(details.get("channel")))]
    if kind == "call_attempt":
        return [gettext("Spoke with the resident.") if details.get("reached") else gettext("Not reached.")]
    if kind == "graded":
        return [gettext("Grade: %(grade)s out of 10.", grade=details.get("grade"))]
    if kind == "escalated":
        return [gettext("The term for first contact had passed.") if details.get("term") == "first_contact"
                else gettext("The term for closing had passed.")]
    return []


def _channel(value):
    try:
        return str(CHANNEL_LABELS[Channel(value)])
    except (KeyError, ValueError):
        return value or "—"


def _outcome(value):
    try:
        return str(OUTCOME_LABELS[Outcome(value)])
    except (KeyError, ValueError):
        return value or "—"
