"""The one log of contact attempts (Klantcontact: kanaal, plaatsgevondenOp, indicatieContactGelukt), shared by
callback requests and the report's call step (portal.reports.workflow.record_call).

`log_attempt` writes the row for either; `record_callback_attempt` adds what an attempt means for a callback
request: the measured first attempt and contact against the term, and after the set number of failed attempts a
message to the resident (an e-mail when there is an address, else a task for staff to send a letter).
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.calendar.clock import FutureMoment, now_utc, past_moment
from portal.callbacks import mail
from portal.callbacks.history import record_callback_event
from portal.callbacks.intake import CallbackRefused
from portal.callbacks.models import ContactAttempt, UnreachableNotice
from portal.callbacks.terms import on_time, working_days_to
from portal.extensions import db


def log_attempt(*, at, channel, reached, note=None, by=None, callback_request=None, report=None):
    """One attempt to reach a resident, about a callback request or a report (or both); the caller flushes."""
    attempt = ContactAttempt(attempted_at=at, channel=channel, reached=bool(reached), note=(note or None),
                             by_id=by.id if by else None, by=by.name if by else None,
                             callback_request=callback_request, report_id=report.id if report else None)
    db.session.add(attempt)
    return attempt


def record_callback_attempt(callback, *, at, channel, reached, note, by):
    """Log an attempt on an open request, measure it, and tell the resident when we keep failing to reach them."""
    if not callback.is_open:
        raise CallbackRefused(_l("This callback request is already closed."))
    try:
        past_moment(at)
    except FutureMoment:
        raise CallbackRefused(_l("The attempt cannot be in the future.")) from None
    if at < callback.registered_at:
        raise CallbackRefused(_l("The attempt cannot be before the request was registered."))
    attempt = log_attempt(at=at, channel=channel, reached=reached, note=note, by=by, callback_request=callback)
    _measure(callback, at, reached)
    record_callback_event(callback, "attempt", by, reached=bool(reached), channel=channel.value, at=at.isoformat())
    if not reached:
        callback.failed_attempts += 1
        _tell_resident_when_unreachable(callback, by)
    db.session.flush()
    return attempt


def _measure(callback, at, reached):
    """The first attempt and the first contact, each once, against the term (an earlier moment recorded later
    replaces a later one: staff may note yesterday's call today)."""
    if callback.first_attempt_at is None or at < callback.first_attempt_at:
        callback.first_attempt_at = at
        callback.first_attempt_working_days = working_days_to(callback, at)
        callback.first_attempt_on_time = on_time(callback, at)
    if reached and (callback.contacted_at is None or at < callback.contacted_at):
        callback.contacted_at = at
        callback.contacted_on_time = on_time(callback, at)


def _tell_resident_when_unreachable(callback, by):
    """Once, when the failed attempts reach the setting and nobody reached the resident yet."""
    if (callback.unreachable_notice is not None or callback.contacted_at is not None
            or callback.failed_attempts < current_app.config["CALLBACK_FAILED_ATTEMPTS"]):
        return
    callback.unreachable_notice_at = now_utc()
    if callback.email:
        callback.unreachable_notice = UnreachableNotice.EMAIL
        mail.send_unreachable(callback)
    else:
        callback.unreachable_notice = UnreachableNotice.LETTER
    record_callback_event(callback, "unreachable_notice", None, by_mail=bool(callback.email),
                          failed_attempts=callback.failed_attempts)
