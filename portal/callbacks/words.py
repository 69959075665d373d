"""What people read for the coded values of a callback request: statuses, urgency, history entries."""
from flask_babel import lazy_gettext as _l

from portal.callbacks.models import CallbackStatus, Urgency

STATUS_LABELS = {
    CallbackStatus.OPEN: _l("To be handled"),
    CallbackStatus.DONE: _l("Handled"),
}

URGENCY_LABELS = {
    Urgency.NORMAL: _l("Normal"),
    Urgency.URGENT: _l("Urgent"),
}

EVENT_LABELS = {
    "registered": _l("Callback request registered"),
    "assigned": _l("Redistributed"),
    "attempt": _l("Contact attempt"),
    "unreachable_notice": _l("Resident told we could not reach them"),
    "letter_sent": _l("Letter sent"),
    "closed": _l("Handled"),
    "report_linked": _l("Linked to a report"),
    "escalated": _l("Escalated: term passed"),
    # The same words as a report's (portal.labels), so they share their translation.
    "anonymised": _l("Personal data removed"),
    "erased_on_request": _l("Erased at the resident's request"),
    "exported_on_request": _l("Exported at the resident's request"),
}


def event_label(kind):
    return EVENT_LABELS.get(kind, kind)
