"""The life of a report: one state machine, and every change through it leaves an event on the history.

Functions change the report, append the event and queue any e-mail, and flush; the caller commits once.
"""
from datetime import timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar import deadlines
from portal.calendar.clock import FutureMoment, now_utc, past_moment
from portal.callbacks.attempts import log_attempt
from portal.extensions import db
from portal.labels import STATUS_LABELS
from portal.mail.outbox import external_url, queue_mail
from portal.reference import placeholders
from portal.reports import followup, terms
from portal.reports.history import record_event
from portal.reports.models import OPEN_STATUSES, Channel, ContactPreference, Outcome, Report, ReportStatus
from portal.reports.references import normalise as normalise_reference
from portal.staff.access import may_act, may_triage

S = ReportStatus
TRANSITIONS = {
    "assign": OPEN_STATUSES,
    "change_category": OPEN_STATUSES,
    "record_first_contact": (S.ASSIGNED,),
    # From "new" only for the contact centre: a report it resolves itself, without sending it on (first line).
    "close": (S.NEW, S.ASSIGNED, S.CONTACTED),
    "reopen": (S.CLOSED, S.DISMISSED),
    "dismiss": OPEN_STATUSES,
    "send_message": OPEN_STATUSES + (S.CLOSED,),
    "extend": (S.ASSIGNED, S.CONTACTED),
    "add_note": tuple(S),
    "record_grade": (S.CLOSED,),
    "call": (S.ASSIGNED, S.CONTACTED),
}
# Awb 9:11 second paragraph: the term may be extended once, by at most four weeks.
MAX_EXTENSION = timedelta(weeks=4)


class TransitionNotAllowed(ValueError):
    """This action cannot be done in the report's current state; the message says why."""


def allowed_actions(report, user):
    """What this staff member may do with the report now: by their role, the report's state and its rules.

    The page offers exactly these, and each action checks its own rule again when it is done.
    """
    if not may_act(user):
        return set()
    actions = {action for action, states in TRANSITIONS.items() if report.status in states}
    if report.extended_at is not None:
        actions.discard("extend")  # Awb 9:11: once only
    if not report.email:
        actions.discard("send_message")  # a message goes by e-mail
    if report.grade is not None:
        actions.discard("record_grade")  # one grade per report
    if not (report.contact_preference is ContactPreference.PHONE and report.phone):
        actions.discard("call")  # the step for a resident who asked to be called
    if not may_triage(user):
        actions.discard("dismiss")
        if report.status is S.NEW:
            actions.discard("close")
    return actions


def _require(report, action):
    if report.status not in TRANSITIONS[action]:
        raise TransitionNotAllowed(
            gettext("This cannot be done now: the report's status is %(status)s.",
                    status=str(STATUS_LABELS[report.status]).lower())
        )


def _refresh_next_due(report):
    report.next_due = terms.next_due(report)


def assign(report, *, team, assignee=None, by):
    """Send the report to a team, and to one of its members when given."""
    _require(report, "assign")
    if team is None:
        raise TransitionNotAllowed(_l("Choose a team."))
    if assignee is not None and team not in assignee.teams:
        # A person outside the team could not even open the report.
        raise TransitionNotAllowed(gettext("%(name)s is not a member of %(team)s. Choose someone from that team.",
                                           name=assignee.name, team=team.name))
    before = {
        "team": report.team.code if report.team else None,
        "assignee": report.assignee.name if report.assignee else None,
    }
    report.team = team
    report.assignee = assignee
    if not team.first_line and report.sent_on_at is None:
        report.sent_on_at = now_utc()
    if report.status is S.NEW:
        report.status = S.ASSIGNED
        report.triaged_at = now_utc()
        followup.record_triage(report)
    record_event(report, "assigned", by, before=before,
                 after={"team": team.code, "assignee": assignee.name if assignee else None})
    db.session.flush()
    _tell_team(report)


def _tell_team(report):
    """The promise on the team page: the team's address (and the person, when there is one) gets a message."""
    report_url = external_url("admin.detail", report_id=report.id)
    if report.team.email:
        queue_mail(report.team.email, "assigned", "nl", report=report, report_url=report_url, for_assignee=False)
    if report.assignee is not None and report.assignee.email != report.team.email:
        queue_mail(report.assignee.email, "assigned", "nl", report=report, report_url=report_url, for_assignee=True)


def change_category(report, *, category, by):
    _require(report, "change_category")
    before = {"category": report.category.code, "first_contact_due": report.first_contact_due.isoformat(),
              "closing_due": report.closing_due.isoformat()}
    report.category = category
    report.first_contact_due = deadlines.due_date(report.received_at, category.first_contact_days)
    report.closing_due = deadlines.due_date(report.received_at, category.closing_days)
    if report.first_contact_at is not None:
        followup.record_first_contact(report)
    _refresh_next_due(report)
    record_event(report, "category_changed", by, before=before,
                 after={"category": category.code, "first_contact_due": report.first_contact_due.isoformat(),
                        "closing_due": report.closing_due.isoformat()})
    db.session.flush()


def add_note(report, *, text, by):
    record_event(report, "note", by, text=text)
    db.session.flush()


def record_first_contact(report, *, channel: Channel, at, summary, by):
    _require(report, "record_first_contact")
    try:
        past_moment(at)
    except FutureMoment:
        raise TransitionNotAllowed(_l("The contact cannot be in the future.")) from None
    if at < report.received_at:
        raise TransitionNotAllowed(_l("The contact cannot be before the report was received."))
    report.first_contact_at = at
    report.status = S.CONTACTED
    followup.record_first_contact(report)
    _refresh_next_due(report)
    record_event(report, "first_contact", by, channel=channel.value, at=at.isoformat(), summary=summary,
                 before={"status": "assigned"}, after={"status": "contacted"})
    db.session.flush()


def close(report, *, outcome: Outcome, causes, summary, by):
    _require(report, "close")
    if not causes:
        raise TransitionNotAllowed(_l("Choose at least one cause."))
    if report.status is S.NEW and not may_triage(by):
        raise TransitionNotAllowed(_l("Only the contact centre can close a report it has not sent to a team."))
    before = {"status": report.status.value}
    if report.status is S.NEW:
        report.triaged_at = now_utc()
        followup.record_triage(report)
    report.status = S.CLOSED
    report.closed_at = now_utc()
    # Resolved at the first line: closed without ever being sent beyond the contact centre.
    report.closed_at_first_line = report.sent_on_at is None
    report.outcome = outcome
    report.causes = list(causes)
    report.closing_summary = summary
    followup.record_closing(report)
    record_event(report, "closed", by, outcome=outcome.value, causes=[c.code for c in causes], summary=summary,
                 before=before, after={"status": "closed"})
    db.session.flush()
    if report.email:
        from portal.reports.satisfaction import make_token

        queue_mail(report.email, "closed", report.language, report=report,
                   status_url=external_url("portal.status", code=report.reference),
                   grade_url=external_url("portal.grade", token=make_token(report)))


def extend(report, *, new_closing_due, reason, by):
    """Extend the closing term once, by at most four weeks, and tell the resident in writing."""
    _require(report, "extend")
    if report.extended_at is not None:
        raise TransitionNotAllowed(_l("The term was already extended once. A further extension needs the "
                                      "resident's written consent; note it and agree on it with them."))
    if new_closing_due <= report.closing_due:
        raise TransitionNotAllowed(_l("The new date must be after the current closing date."))
    if new_closing_due > report.closing_due + MAX_EXTENSION:
        raise TransitionNotAllowed(_l("A term can be extended by at most four weeks."))
    report.original_closing_due = report.closing_due
    report.closing_due = new_closing_due
    report.extended_at = now_utc()
    report.extension_reason = reason
    _refresh_next_due(report)
    record_event(report, "extended", by, reason=reason,
                 before={"closing_due": report.original_closing_due.isoformat()},
                 after={"closing_due": new_closing_due.isoformat()}, resident_told_by_mail=bool(report.email))
    db.session.flush()
    if report.email:
        queue_mail(report.email, "extended", report.language, report=report,
                   status_url=external_url("portal.status", code=report.reference))


def reopen(report, *, reason, by):
    _require(report, "reopen")
    before = {"status": report.status.value, "outcome": report.outcome.value if report.outcome else None}
    # Back to where it stood before closing: a first contact that happened stays on record and is not asked again.
    if report.first_contact_at is not None:
        report.status = S.CONTACTED
    else:
        report.status = S.ASSIGNED if report.team else S.NEW
    report.closed_at = None
    report.closed_at_first_line = None
    followup.clear_closing(report)
    report.outcome = None
    report.causes = []
    report.closing_summary = None
    report.dismissal_reason = None
    report.duplicate_of = None
    _refresh_next_due(report)
    record_event(report, "reopened", by, reason=reason, before=before, after={"status": report.status.value})
    db.session.flush()


def dismiss(report, *, reason, explanation, duplicate_reference=None, by):
    """Not a report (spam, a duplicate, another reason); a duplicate names the other report by its reference."""
    _require(report, "dismiss")
    duplicate_of = _other_report_reference(report, duplicate_reference) if reason == "duplicate" else None
    reason = f"{reason}: {explanation}"
    before = {"status": report.status.value}
    report.status = S.DISMISSED
    report.dismissal_reason = reason
    report.duplicate_of = duplicate_of
    record_event(report, "dismissed", by, reason=reason, duplicate_of=duplicate_of, before=before,
                 after={"status": "dismissed"})
    db.session.flush()


def _other_report_reference(report, typed):
    """The reference of another existing report, as the staff member typed it; refused otherwise."""
    reference = normalise_reference(typed)
    other = db.session.scalar(select(Report.id).where(Report.reference == reference)) if reference else None
    if other is None or other == report.id:
        raise TransitionNotAllowed(_l("Give the reference of the other report."))
    return reference


def send_message(report, *, subject, body, by):
    """An e-mail to the resident; the known {placeholders} are filled in, and a text that still holds a gap to fill
    ("[schrijf hier uw vraag]", an unknown {name}) is refused, saying which."""
    _require(report, "send_message")
    if not report.email:
        raise TransitionNotAllowed(_l("This resident left no e-mail address."))
    subject = placeholders.fill(subject, report, report.language)
    body = placeholders.fill(body, report, report.language)
    for part, text in ((_l("subject"), subject), (_l("message"), body)):
        gap = placeholders.first_gap(text)
        if gap:
            raise TransitionNotAllowed(_l("The %(part)s still holds %(gap)s. Write your own words there before "
                                          "sending.", part=str(part), gap=gap))
    queue_mail(report.email, "message", report.language, report=report, subject=subject, body=body,
               status_url=external_url("portal.status", code=report.reference))
    record_event(report, "message_sent", by, subject=subject, body=body)
    db.session.flush()


def record_call(report, *, reached, note, by):
    """A call to a resident who asked to be called: reached, it is the first contact (when there was none yet);
    not reached, the attempt is on the history, so colleagues see how often and when someone tried."""
    _require(report, "call")
    # The one log of contact attempts, shared with callback requests (portal.callbacks.attempts).
    log_attempt(at=now_utc(), channel=Channel.PHONE, reached=reached, note=note, by=by, report=report)
    if reached and report.first_contact_at is None:
        record_first_contact(report, channel=Channel.PHONE, at=now_utc(), summary=note, by=by)
        return
    record_event(report, "call_attempt", by, reached=reached, text=note)
    db.session.flush()


def call_attempts(report):
    """The calls recorded on the report, oldest first: each attempt, and a call that was the first contact."""
    return [event for event in report.events if event.kind == "call_attempt"
            or (event.kind == "first_contact" and (event.details or {}).get("channel") == Channel.PHONE.value)]


def record_contact_details_viewed(report, *, by):
    """Contact details are personal data: who looked at them is on the record."""
    record_event(report, "contact_details_viewed", by)
    db.session.flush()
