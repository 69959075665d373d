"""Late callback requests for the escalation and digest mails that reports already have (one mail per recipient
per run: portal.reports.escalations and the team digest in portal.operations.jobs put both in the same mail).

A request nobody tried to call by its due day is escalated once: its marker is claimed with a conditional UPDATE,
so two schedulers never escalate it twice.
"""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, update

from portal.calendar.clock import now_utc
from portal.callbacks.history import record_callback_event
from portal.callbacks.models import CallbackRequest, CallbackStatus
from portal.extensions import db
from portal.mail.outbox import external_url


@dataclass(frozen=True)
class LateCallback:
    callback: CallbackRequest
    due: date
    url: str


def claim_late(today):
    """Claim every open request without an attempt whose due day is before today and that was not escalated."""
    candidates = db.session.scalars(
        select(CallbackRequest.id).where(CallbackRequest.status == CallbackStatus.OPEN,
                                         CallbackRequest.first_attempt_at.is_(None), CallbackRequest.due < today,
                                         CallbackRequest.escalated_at.is_(None))
        .order_by(CallbackRequest.due, CallbackRequest.id)
    ).all()
    claimed = []
    for callback_id in candidates:
        won = db.session.execute(
            update(CallbackRequest).where(CallbackRequest.id == callback_id, CallbackRequest.escalated_at.is_(None))
            .values(escalated_at=now_utc()).execution_options(synchronize_session=False)
        ).rowcount
        if won == 1:  # else another scheduler escalated it just now
            callback = db.session.get(CallbackRequest, callback_id)
            record_callback_event(callback, "escalated", None)
            claimed.append(LateCallback(callback, callback.due,
                                        external_url("admin.callback_detail", request_id=callback_id)))
    return claimed


def recipients(item):
    """The person who owes the call, else the team's address; and always the KCC."""
    callback = item.callback
    handler = callback.assignee.email if callback.assignee else callback.team.email
    return list(dict.fromkeys(address for address in (handler, current_app.config["KCC_EMAIL"]) if address))


def due_soon(team, last_day):
    """The team's open requests without an attempt whose due day is at most `last_day` (passed ones too)."""
    return db.session.scalars(
        select(CallbackRequest)
        .where(CallbackRequest.team_id == team.id, CallbackRequest.status == CallbackStatus.OPEN,
               CallbackRequest.first_attempt_at.is_(None), CallbackRequest.due <= last_day)
        .order_by(CallbackRequest.urgency.desc(), CallbackRequest.due, CallbackRequest.id)
    ).all()
