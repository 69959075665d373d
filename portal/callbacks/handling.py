"""Acting on a callback request: one action at a time (a version claim, as reports have), closing it with what
was agreed, and marking the letter to an unreachable resident as sent. Functions flush; the caller commits."""
from flask_babel import lazy_gettext as _l

from portal.calendar.clock import now_utc
from portal.callbacks.history import record_callback_event
from portal.callbacks.intake import CallbackRefused
from portal.callbacks.models import CallbackStatus
from portal.extensions import db
from portal.versions import ChangedMeanwhile, seen_version, take  # noqa: F401  (this module's API)


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
