"""A callback request's term: its last day, counted like every other term, and when a request is late.

The promise to the resident is "a colleague calls you back no later than <due>". It is kept when the first
attempt to reach them is made by the end of that day (an attempt is what we can promise; whether the resident
answers is not in our hands). A request is *late* when its first attempt came after the due day, or when there
is none and the due day has passed. The same rule as SQL (`late_condition`) for the queues, escalations and
figures, and as Python (`is_late`) for one request.
"""
from flask_babel import format_date
from sqlalchemy import and_, or_

from portal.calendar.clock import local_date, local_today
from portal.calendar.deadlines import due_date, working_days_between, working_days_left
from portal.callbacks.models import CallbackRequest

DEFAULT_TERM_DAYS = 2


def callback_due(registered_at, team):
    """The last day of the team's callback term, from the day after registration (closing days and holidays
    left out, as portal.calendar.deadlines counts every term)."""
    return due_date(registered_at, team_term_days(team))


def team_term_days(team):
    return team.callback_term_days if team.callback_term_days is not None else DEFAULT_TERM_DAYS


def late_condition(today):
    """SQL: the first attempt came after the due day, or there is none and the due day is before today."""
    return or_(CallbackRequest.first_attempt_on_time.is_(False),
               and_(CallbackRequest.first_attempt_at.is_(None), CallbackRequest.due < today))


def is_late(callback, today=None):
    """The request's promise was broken (see the module's docstring)."""
    if callback.first_attempt_at is not None:
        return callback.first_attempt_on_time is False
    return callback.due < (today or local_today())


def on_time(callback, moment):
    """Whether something that happened at this moment was within the request's term."""
    return local_date(moment) <= callback.due


def working_days_to(callback, moment):
    """Working days from the day of registration to the day of this moment (0 on the same day)."""
    return working_days_between(local_date(callback.registered_at), local_date(moment))


def days_left(callback, today=None):
    """Working days left while the request waits for its first attempt; None once it has one or is closed."""
    if callback.first_attempt_at is not None or not callback.is_open:
        return None
    return working_days_left(callback.due, today or local_today())


def format_due(day):
    """The due day as people say it, in the language being rendered: "Thursday 4 December", "donderdag 4
    december" (the page's, or the mail's when called inside a mail template)."""
    return format_date(day, "EEEE d MMMM")
