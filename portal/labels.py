"""What people read for the coded values of a report: statuses, channels, contact preferences."""
from flask_babel import lazy_gettext as _l

from portal.reports.models import Channel, ContactPreference, Outcome, ReportStatus
from portal.staff.models import Role

STATUS_LABELS = {
    ReportStatus.NEW: _l("Received"),
    ReportStatus.ASSIGNED: _l("Being handled"),
    ReportStatus.CONTACTED: _l("Being handled, we have contacted you"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.DISMISSED: _l("Not handled as a report"),
}

STATUS_EXPLANATIONS = {
    ReportStatus.NEW: _l("We have received your report. The contact centre will send it to the right team."),
    ReportStatus.ASSIGNED: _l("The team that your report is about is working on it."),
    ReportStatus.CONTACTED: _l("The team has contacted you and is finishing your report."),
    ReportStatus.CLOSED: _l("Your report is closed. If you left an e-mail address, you received our answer."),
    ReportStatus.DISMISSED: _l("We did not handle this as a report, for example because it was sent twice."),
}

CHANNEL_LABELS = {
    Channel.WEB: _l("Website"),
    Channel.PHONE: _l("Phone"),
    Channel.DESK: _l("Desk"),
    Channel.EMAIL: _l("E-mail"),
}

CONTACT_PREFERENCE_LABELS = {
    ContactPreference.NONE: _l("Do not contact me"),
    ContactPreference.EMAIL: _l("By e-mail"),
    ContactPreference.PHONE: _l("By phone"),
}


OUTCOME_LABELS = {
    Outcome.RESOLVED: _l("Resolved"),
    Outcome.EXPLAINED: _l("Explained"),
    Outcome.NOT_JUSTIFIED: _l("Not justified"),
    Outcome.FORWARDED: _l("Forwarded elsewhere"),
}

ROLE_LABELS = {
    Role.KCC: _l("Contact centre (KCC)"),
    Role.TEAM: _l("Team member"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

EVENT_LABELS = {
    "received": _l("Report received"),
    "registered_by_staff": _l("Registered on behalf of the resident"),
    "assigned": _l("Sent to a team"),
    "category_changed": _l("Category changed"),
    "note": _l("Internal note"),
    "message_sent": _l("Message sent to the resident"),
    "first_contact": _l("First contact with the resident"),
    "closed": _l("Closed"),
    "reopened": _l("Reopened"),
    "dismissed": _l("Marked as not a report"),
    "contact_details_viewed": _l("Contact details viewed"),
    "extended": _l("Closing term extended"),
    "graded": _l("Graded by the resident"),
    "call_attempt": _l("Called the resident"),
    "callback_linked": _l("Linked to a callback request"),
    "escalated": _l("Escalated: term passed"),
    "anonymised": _l("Personal data removed"),
    "erased_on_request": _l("Erased at the resident's request"),
    "exported_on_request": _l("Exported at the resident's request"),
}


def init_app(app):
    app.jinja_env.globals.update(
        status_label=STATUS_LABELS.get,
        status_explanation=STATUS_EXPLANATIONS.get,
        channel_label=CHANNEL_LABELS.get,
        outcome_label=OUTCOME_LABELS.get,
        contact_preference_label=CONTACT_PREFERENCE_LABELS.get,
        role_label=ROLE_LABELS.get,
        event_label=lambda kind: EVENT_LABELS.get(kind, kind),
    )
