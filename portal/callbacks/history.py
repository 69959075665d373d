"""A callback request's history: every step is an event (who, when, what), appended and never edited."""
from portal.calendar.clock import now_utc
from portal.callbacks.models import CallbackEvent
from portal.extensions import db


def record_callback_event(callback, kind, by=None, **details):
    """Append one event to a stored request; `by` is the staff member, None for the system. The caller flushes
    and commits."""
    event = CallbackEvent(callback_request_id=callback.id, kind=kind, actor_id=by.id if by else None,
                          actor=by.name if by else None, details=details, created_at=now_utc())
    db.session.add(event)
    return event
