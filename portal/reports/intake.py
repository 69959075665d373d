"""Receiving a report: its reference, its terms, the first history event and the confirmation e-mail."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select

from portal.calendar import deadlines
from portal.calendar.clock import now_utc, past_moment
from portal.extensions import db
from portal.mail.outbox import external_url, queue_mail
from portal.reference.models import Category
from portal.reports.history import record_event
from portal.reports.models import Channel, ContactPreference, Report, ReportStatus
from portal.reports.references import new_reference


@dataclass
class ReportDetails:
    """What a resident (or staff on their behalf) tells us; already validated and cleaned."""

    category: Category
    description: str
    contact_date: date | None = None
    letter_reference: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    contact_preference: ContactPreference = ContactPreference.NONE


def _unused_reference():
    while True:
        reference = new_reference()
        if not db.session.scalar(select(exists().where(Report.reference == reference))):
            return reference


def receive_report(details: ReportDetails, *, language: str, channel=Channel.WEB, received_at: datetime | None = None):
    """Store a new report with its terms and "received" event; queue the confirmation if we have an address.

    Flushes, never commits: the caller commits once, so the report and its e-mail stand or fall together.
    """
    received_at = received_at or now_utc()
    category = details.category
    report = Report(
        reference=_unused_reference(),
        received_at=received_at,
        channel=channel,
        category=category,
        description=details.description,
        contact_date=details.contact_date,
        letter_reference=details.letter_reference or None,
        name=details.name or None,
        email=details.email or None,
        phone=details.phone or None,
        contact_preference=details.contact_preference,
        language=language,
        status=ReportStatus.NEW,
        first_contact_due=deadlines.due_date(received_at, category.first_contact_days),
        closing_due=deadlines.due_date(received_at, category.closing_days),
    )
    report.next_due = report.first_contact_due
    db.session.add(report)
    record_event(report, "received", created_at=received_at, channel=channel.value, category=category.code)
    db.session.flush()
    if report.email:
        queue_mail(
            report.email,
            "confirmation",
            language,
            report=report,
            status_url=external_url("portal.status", code=report.reference),
        )
    return report


def register_on_behalf(details: ReportDetails, *, language, channel, received_at, by):
    """A report a resident made by phone, at the desk or by e-mail, registered by staff: when it came in is when
    the terms start, so it cannot be in the future (FutureMoment)."""
    report = receive_report(details, language=language, channel=channel, received_at=past_moment(received_at))
    record_event(report, "registered_by_staff", by, channel=channel.value)
    db.session.flush()
    return report


def find_by_reference(reference):
    return db.session.scalar(select(Report).where(Report.reference == reference))
