"""A report's history: every step is an event (who, when, what), appended and never edited.

The one way an event is written, for the workflow and for the jobs, the grade, retention and personal-data
requests alike. The caller flushes and commits with the change the event tells about.
"""
from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.reports.models import ReportEvent


def record_event(report, kind, by=None, *, created_at=None, **details):
    """Append one event; `by` is the staff member who did it, None for the resident or the system."""
    event = ReportEvent(
        report=report,
        kind=kind,
        actor_id=by.id if by else None,
        actor=by.name if by else None,
        details=details,
        created_at=created_at or now_utc(),
    )
    db.session.add(event)
    return event
