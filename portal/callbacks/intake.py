"""Registering a callback request: the KCC, during a call, in under 30 seconds.

The details are checked by the form (admin/callbacks/forms.py) and again here where it matters (a team member
outside the team, no way to reach the resident): nothing is stored on bad input. The resident who left an
e-mail address gets a confirmation with the term, in their language, in the same transaction.
"""
import secrets
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar.clock import now_utc, past_moment
from portal.callbacks import mail
from portal.callbacks.history import record_callback_event
from portal.callbacks.models import CallbackRequest, Urgency
from portal.callbacks.terms import callback_due, team_term_days
from portal.contact_details import normalise_email, normalise_phone
from portal.extensions import db
from portal.reports.models import Channel
from portal.reports.references import ALPHABET


class CallbackRefused(ValueError):
    """The request cannot be registered or changed like this; the message says why, to the staff member."""


@dataclass
class CallbackDetails:
    requested_action: str
    team: object
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    explanation: str | None = None
    assignee: object = None
    urgency: Urgency = Urgency.NORMAL
    channel: Channel = Channel.PHONE
    language: str = "nl"


def new_number():
    """TB-XXXX-XXXX: random, easy to read aloud (the report references' alphabet), never sequential."""
    while True:
        chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
        number = f"TB-{chars[:4]}-{chars[4:]}"
        if db.session.scalar(select(CallbackRequest.id).where(CallbackRequest.number == number)) is None:
            return number


def check_assignee(team, assignee):
    """A colleague must belong to the team: anyone else could not even open the request."""
    if assignee is not None and team not in assignee.teams:
        raise CallbackRefused(gettext("%(name)s is not a member of %(team)s. Choose someone from that team.",
                                      name=assignee.name, team=team.name))


def register_callback(details: CallbackDetails, *, by, registered_at=None):
    """Store the request with its term, record the event, queue the resident's confirmation; flush only."""
    if details.team is None:
        raise CallbackRefused(_l("Choose a team."))
    check_assignee(details.team, details.assignee)
    phone = normalise_phone(details.phone) or None
    email = normalise_email(details.email) or None
    if not (phone or email):
        raise CallbackRefused(_l("Fill in a phone number or an e-mail address."))
    moment = past_moment(registered_at or now_utc())
    callback = CallbackRequest(
        number=new_number(), registered_at=moment, channel=details.channel, language=details.language,
        requested_action=details.requested_action.strip(), explanation=(details.explanation or "").strip() or None,
        name=(details.name or "").strip() or None, phone=phone, email=email, urgency=details.urgency,
        team=details.team, assignee=details.assignee, assigned_at=moment,
        registered_by_id=by.id if by else None, registered_by=by.name if by else None,
        term_days=team_term_days(details.team), due=callback_due(moment, details.team),
    )
    db.session.add(callback)
    db.session.flush()
    record_callback_event(callback, "registered", by, team=details.team.code, urgency=details.urgency.value,
                          assignee=details.assignee.name if details.assignee else None, due=callback.due.isoformat())
    if email:
        mail.send_confirmation(callback)
    db.session.flush()
    return callback
