"""Privacy (AVG) for callback requests: a resident's requests found, exported or erased, and removed after the
retention term, as portal.reports.retention does for reports.

Anonymising a request removes the name, number, address, the question, its explanation, what was agreed, the
notes of its contact attempts, the free text of its history and the e-mails we sent about it (address, subject,
text, the server's last answer); the anonymous facts stay for the figures: dates, team, channel, urgency, status,
term and on-time flags, attempts (when, how, reached) and the links with reports.

The outbox has no column for a callback request: its e-mails are found by their template, the address they went
to and the request's number, which every one of them carries in its subject.
"""
from sqlalchemy import case, or_, select, update

from portal.calendar.clock import now_utc
from portal.callbacks.history import record_callback_event
from portal.callbacks.mail import CALLBACK_TEMPLATES
from portal.callbacks.models import CallbackEvent, CallbackRequest, CallbackStatus, ContactAttempt
from portal.contact_details import normalise_email, normalise_phone
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.reports.retention import FREE_TEXT_KEYS, REMOVED, in_batches, retention_cutoff

# Keys of a callback event's details that can hold free text or personal data.
EVENT_TEXT_KEYS = (*FREE_TEXT_KEYS, "note", "agreement", "name", "phone", "email", "requested_action")


def requests_of_person(*, email=None, phone=None):
    """Every callback request with this e-mail address or phone number, however it was typed."""
    conditions = []
    if email:
        conditions.append(CallbackRequest.email == normalise_email(email))
    if phone:
        conditions.append(CallbackRequest.phone == normalise_phone(phone))
    if not conditions:
        return []
    return db.session.scalars(select(CallbackRequest).where(or_(*conditions))
                              .order_by(CallbackRequest.registered_at, CallbackRequest.id)).all()


def _moment(value):
    return value.isoformat() if value else None


def export_request(callback):
    """What we hold about the resident in one callback request, as plain data."""
    return {
        "number": callback.number,
        "registered_at": _moment(callback.registered_at),
        "channel": callback.channel.value,
        "language": callback.language,
        "team": callback.team.name,
        "status": callback.status.value,
        "urgency": callback.urgency.value,
        "due": callback.due.isoformat(),
        "name": callback.name,
        "phone": callback.phone,
        "email": callback.email,
        "question": callback.requested_action,
        "explanation": callback.explanation,
        "agreement": callback.agreement,
        "closed_at": _moment(callback.closed_at),
        "contact_attempts": [
            {"at": _moment(attempt.attempted_at), "channel": attempt.channel.value, "reached": attempt.reached,
             "note": attempt.note}
            for attempt in callback.attempts
        ],
        "history": [
            {"at": _moment(event.created_at), "kind": event.kind,
             "text": {k: v for k, v in (event.details or {}).items() if k in EVENT_TEXT_KEYS}}
            for event in callback.events
        ],
        "reports": [report.reference for report in callback.reports],
    }


def _outbox_of(callback):
    """The request's e-mails to the resident (see the module's docstring: found by template, address, number)."""
    if not callback.email:
        return None
    return (OutboxMessage.template.in_(CALLBACK_TEMPLATES) & (OutboxMessage.recipient == callback.email)
            & (OutboxMessage.subject.contains(callback.number, autoescape=True)
               | OutboxMessage.body_text.contains(callback.number, autoescape=True)))


def anonymise_request(callback, *, by=None, kind="anonymised"):
    """Remove the request's personal data everywhere it is kept; the change is flushed, the caller commits."""
    mails = _outbox_of(callback)
    if mails is not None:
        db.session.execute(
            update(OutboxMessage).where(mails)
            .values(recipient=REMOVED, subject=REMOVED, body_text="", body_html=None,
                    last_error=case((OutboxMessage.last_error.is_(None), None), else_=REMOVED))
            .execution_options(synchronize_session=False)
        )
    with db.session.no_autoflush:
        # Together, in one flush: the constraint "reachable" holds for a request that is not anonymised.
        callback.anonymised_at = now_utc()
        callback.name = callback.phone = callback.email = None
        callback.requested_action = REMOVED
        callback.explanation = callback.agreement = None
    db.session.execute(update(ContactAttempt).where(ContactAttempt.callback_request_id == callback.id,
                                                    ContactAttempt.note.isnot(None))
                       .values(note=None).execution_options(synchronize_session=False))
    for event in db.session.scalars(select(CallbackEvent).where(CallbackEvent.callback_request_id == callback.id)):
        if any(key in (event.details or {}) for key in EVENT_TEXT_KEYS):
            redacted = {k: (REMOVED if k in EVENT_TEXT_KEYS else v) for k, v in event.details.items()}
            # A Core UPDATE: the history is insert-only everywhere else (portal.database.append_only).
            db.session.execute(update(CallbackEvent).where(CallbackEvent.id == event.id).values(details=redacted)
                               .execution_options(synchronize_session=False))
        db.session.expire(event)
    for attempt in callback.attempts:
        db.session.expire(attempt)
    record_callback_event(callback, kind, by)
    db.session.flush()


def expired_requests(now=None):
    """Handled longer ago than the retention term (the same as reports'), and not yet anonymised."""
    return select(CallbackRequest).where(CallbackRequest.anonymised_at.is_(None),
                                         CallbackRequest.status == CallbackStatus.DONE,
                                         CallbackRequest.closed_at < retention_cutoff(now))


def anonymise_expired(now=None, batch=500):
    """The nightly job: anonymise every expired callback request, a batch per commit; returns how many."""
    return in_batches(expired_requests(now).order_by(CallbackRequest.id), anonymise_request, batch)
