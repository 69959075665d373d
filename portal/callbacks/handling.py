"""Acting on a callback request: one action at a time (a version claim, as reports have), closing it with what
was agreed, and marking the letter to an unreachable resident as sent. Functions flush; the caller commits."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from portal.calendar.clock import now_utc
from portal.callbacks.history import record_callback_event
from portal.callbacks.intake import CallbackRefused
from portal.callbacks.models import CallbackRequest, CallbackStatus
from portal.extensions import db


class ChangedMeanwhile(Exception):
    """A colleague changed the request after this person's page was loaded; nothing was done."""


def seen_version(text, callback):
    """The version a form says its page showed; a form without one counts as now."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else callback.version


def take(callback, seen):
    """Claim the request for this action with a conditional UPDATE, its transaction's first statement (see
    portal.reports.versions): of two people acting at once exactly one succeeds. The caller commits."""
    claimed = db.session.execute(
        update(CallbackRequest)
        .where(CallbackRequest.id == callback.id, CallbackRequest.version == seen)
        .values(version=CallbackRequest.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ChangedMeanwhile(callback.id)
    db.session.refresh(callback)


def close(callback, *, agreement, by):
    """InterneTaak verwerkt: closed with what was agreed with the resident."""
    if not callback.is_open:
        raise CallbackRefused(_l("This callback request is already closed."))
    agreement = (agreement or "").strip()
    if not agreement:
        raise CallbackRefused(_l("Write down what was agreed with the resident."))
    callback.status = CallbackStatus.DONE
    callback.closed_at = now_utc()
    callback.agreement = agreement
    record_callback_event(callback, "closed", by)
    db.session.flush()


def mark_letter_sent(callback, *, by):
    """The letter to a resident we could not reach by phone went out: the task is done."""
    if not callback.letter_task:
        raise CallbackRefused(_l("No letter is waiting to be sent for this request."))
    callback.letter_sent_at = now_utc()
    record_callback_event(callback, "letter_sent", by)
    db.session.flush()
