"""The resident's e-mails about a callback request: the confirmation with the term, and "we could not reach you".

Both are written in the request's language, at B1, through the outbox in the same transaction as the change they
tell about; a reply goes to the team's address (the KCC's while the team has none), as reports' mails do.
"""
from flask import current_app

from portal.callbacks.terms import format_due
from portal.mail.outbox import queue_mail

# Every e-mail to a resident about a callback request; each carries the request's number in its subject
# (portal.callbacks.retention finds them by it: the outbox has no column for a callback request).
CALLBACK_TEMPLATES = ("callback_confirmation", "callback_unreachable")


def reply_address(callback):
    """A resident's reply reaches the team that owes the call, or the KCC: it never bounces."""
    return callback.team.email or current_app.config["KCC_EMAIL"]


def send_confirmation(callback):
    """"A colleague calls you back no later than Thursday 4 December": only what is true (see the template)."""
    return queue_mail(callback.email, "callback_confirmation", callback.language, reply_to=reply_address(callback),
                      callback=callback, notice_after=current_app.config["CALLBACK_FAILED_ATTEMPTS"],
                      weekday_date=format_due)


def send_unreachable(callback):
    """After the set number of failed attempts: we tried, here is how to reach us."""
    return queue_mail(callback.email, "callback_unreachable", callback.language, reply_to=reply_address(callback),
                      callback=callback)
