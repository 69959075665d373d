"""A report's history: every step is an event (who, when, what), appended and never edited.

The one way an event is written, for the workflow and for the jobs, the grade, retention and personal-data
requests alike. The caller flushes and commits with the change the event tells about.
"""
from sqlalchemy import insert

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.reports.models import ReportEvent


def record_event(report, kind, by=None, *, created_at=None, **details):
    """Append one event; `by` is the staff member who did it, None for the resident or the system."""
    event = ReportEvent(report=report, **_event_fields(kind, by, created_at, details))
    db.session.add(event)
    return event


def insert_event(report_id, kind, by=None, *, created_at=None, **details):
    """The same event for a report written without the ORM (the intake, portal.reports.intake): INSERTed at once on
    the session's connection, in its transaction."""
    fields = _event_fields(kind, by, created_at, details)
    db.session.connection().execute(_INSERT_EVENT, {"report_id": report_id, **fields})


_INSERT_EVENT = insert(ReportEvent.__table__)  # built once, its values given as parameters (the intake is hot)


def _event_fields(kind, by, created_at, details):
    return {
        "kind": kind,
        "actor_id": by.id if by else None,
        "actor": by.name if by else None,
        "details": details,
        "created_at": created_at or now_utc(),
    }
