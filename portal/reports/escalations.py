"""Escalation of passed terms: once per report and term, one mail per recipient per run.

A report whose first-contact or closing term has passed is escalated once (its marker is claimed with a
conditional UPDATE, so two schedulers never escalate it twice). All reports escalated in one run are then told
in one mail per recipient, most overdue first: to the person handling the report when there is one, else to the
team's address, and always to the KCC. A busy day gives each address one mail, not one per report. Late
callback requests (portal.callbacks.late) are told in the same mail.
"""
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select, true, update

from portal.calendar.clock import local_today, now_utc
from portal.callbacks import late as late_callbacks
from portal.extensions import db
from portal.mail.outbox import external_url, queue_mail
from portal.reports.history import record_event
from portal.reports.models import OPEN_STATUSES, Report
from portal.reports.terms import WANTS_CONTACT

ESCALATIONS = (
    # term, its due column, the moment that meets it, the marker column, which reports the term applies to
    ("first_contact", Report.first_contact_due, Report.first_contact_at, Report.first_contact_escalated_at,
     WANTS_CONTACT),
    ("closing", Report.closing_due, Report.closed_at, Report.closing_escalated_at, true()),
)


@dataclass(frozen=True)
class PassedTerm:
    report: Report
    term: str  # "first_contact" or "closing"
    due: date
    url: str


def escalate_passed_terms(today=None):
    """Escalate every term that passed before today and was not escalated yet; returns how many."""
    today = today or local_today()
    passed = [item for term, due, done, marker, applies in ESCALATIONS
              for item in _claim(term, due, done, marker, applies, today)]
    for item in passed:
        record_event(item.report, "escalated", None, term=item.term)
    # Late callback requests go into the same mail: one per recipient per run.
    callbacks = late_callbacks.claim_late(today)
    grouped, callbacks_by = _by_recipient(passed), {}
    for item in callbacks:
        for address in late_callbacks.recipients(item):
            callbacks_by.setdefault(address, []).append(item)
    for recipient in dict.fromkeys([*grouped, *callbacks_by]):
        items = sorted(grouped.get(recipient, []), key=lambda item: (item.due, item.report.reference))
        queue_mail(recipient, "escalation", "nl", items=items, callbacks=callbacks_by.get(recipient, []),
                   queue_url=external_url("admin.queue", overdue="yes"),
                   callbacks_url=external_url("admin.callbacks", late="yes"))
    db.session.commit()
    return len(passed) + len(callbacks)


def _claim(term, due, done, marker, applies, today):
    candidates = db.session.scalars(
        select(Report.id).where(Report.status.in_(OPEN_STATUSES), due < today, done.is_(None), marker.is_(None),
                                applies)
        .order_by(due, Report.id)
    ).all()
    for report_id in candidates:
        claimed = db.session.execute(
            update(Report).where(Report.id == report_id, marker.is_(None)).values({marker.key: now_utc()})
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed == 1:  # else another scheduler escalated it just now
            report = db.session.get(Report, report_id)
            yield PassedTerm(report, term, getattr(report, due.key), external_url("admin.detail", report_id=report_id))


def _by_recipient(passed):
    kcc_address = current_app.config["KCC_EMAIL"]
    grouped = {}
    for item in passed:
        report = item.report
        handler = report.assignee.email if report.assignee else (report.team.email if report.team else None)
        for address in dict.fromkeys(address for address in (handler, kcc_address) if address):
            grouped.setdefault(address, []).append(item)
    return grouped
