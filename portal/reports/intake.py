"""Receiving a report: its reference, its terms, the first history event and the confirmation e-mail; and the
receipt the resident sees afterwards."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from portal.calendar import deadlines
from portal.calendar.clock import now_utc, past_moment
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import external_url, queue_mail
from portal.reference.models import Category
from portal.reports.history import record_event
from portal.reports.models import Channel, ContactPreference, Report, ReportStatus
from portal.reports.references import new_reference
from portal.reports.terms import next_due, wants_contact


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


# A public form lets anyone give any address: at most this many confirmations go to one address in 24 hours
# (FLASK_CONFIRMATIONS_PER_ADDRESS_PER_DAY). Later reports are stored and handled as usual, without the mail.
CONFIRMATIONS_PER_ADDRESS_PER_DAY = 3


REFERENCE_ATTEMPTS = 5


def receive_report(details: ReportDetails, *, language: str, channel=Channel.WEB, received_at: datetime | None = None):
    """Store a new report with its terms and "received" event; queue the confirmation if we have an address.

    Flushes, never commits: the caller commits once, so the report and its e-mail stand or fall together.
    Written in one flush (three INSERTs) inside a savepoint: a reference drawn twice (one in 10^12) is caught by
    its UNIQUE constraint and drawn again, instead of asking the database beforehand for every report.
    """
    received_at = received_at or now_utc()
    confirm = bool(details.email) and _may_confirm(details.email, channel)
    for attempt in range(REFERENCE_ATTEMPTS):
        try:
            # The savepoint begins before anything is added: a failed flush takes back only this report.
            with db.session.begin_nested():
                report = _new_report(details, language, channel, received_at)
                if confirm:
                    queue_mail(report.email, "confirmation", language, report=report,
                               status_url=external_url("portal.status", code=report.reference))
        except IntegrityError:
            if attempt + 1 == REFERENCE_ATTEMPTS or not _reference_taken(report.reference):
                raise
            continue
        return report


def _new_report(details, language, channel, received_at):
    """The report and its "received" event, added to the session, not yet flushed."""
    category = details.category
    report = Report(
        reference=new_reference(),
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
    report.next_due = next_due(report)
    db.session.add(report)
    record_event(report, "received", created_at=received_at, channel=channel.value, category=category.code)
    return report


def _reference_taken(reference):
    return db.session.scalar(select(exists().where(Report.reference == reference)))


def _may_confirm(email, channel):
    """Whether a new report's confirmation may go out: always for one staff registered, for one from the form
    only while its address has had fewer than the day's confirmations."""
    if channel is not Channel.WEB:
        return True
    limit = current_app.config.get("CONFIRMATIONS_PER_ADDRESS_PER_DAY", CONFIRMATIONS_PER_ADDRESS_PER_DAY)
    # Counted over the reports with the address (each got its confirmation until the limit was reached), on the
    # received_at index: a day's reports, not the whole outbox. Case-blind, so "Jan@" and "jan@" are one address.
    # Asked before the new report is added, so that the question does not flush it.
    earlier = db.session.scalar(
        select(func.count()).select_from(Report).where(
            Report.received_at >= now_utc() - timedelta(days=1),
            func.lower(Report.email) == email.lower(),
        )
    )
    return earlier < limit


def register_on_behalf(details: ReportDetails, *, language, channel, received_at, by):
    """A report a resident made by phone, at the desk or by e-mail, registered by staff: when it came in is when
    the terms start, so it cannot be in the future (FutureMoment)."""
    report = receive_report(details, language=language, channel=channel, received_at=past_moment(received_at))
    record_event(report, "registered_by_staff", by, channel=channel.value)
    db.session.flush()
    return report


def find_by_reference(reference):
    return db.session.scalar(select(Report).where(Report.reference == reference))


@dataclass
class Receipt:
    """What the page after sending tells the resident: the reference, by when we contact (None when they did not
    ask for contact) and close, and whether a confirmation e-mail is on its way ("queued"), was held back
    ("withheld", too many to one address today) or has no address (None)."""

    reference: str
    contact_due: date | None
    closing_due: date
    confirmation: str | None

    def as_dict(self):
        return {key: value.isoformat() if isinstance(value, date) else value for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data):
        """The receipt kept in the session, or None when there is none (or one from an older version)."""
        try:
            return cls(
                reference=data["reference"],
                contact_due=date.fromisoformat(data["contact_due"]) if data.get("contact_due") else None,
                closing_due=date.fromisoformat(data["closing_due"]),
                confirmation=data.get("confirmation"),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


def receipt_for(report):
    """The receipt of a stored report; the confirmation as the outbox holds it."""
    confirmation = None
    if report.email:
        queued = db.session.scalar(select(exists().where(
            OutboxMessage.report_id == report.id, OutboxMessage.template == "confirmation")))
        confirmation = "queued" if queued else "withheld"
    return Receipt(
        reference=report.reference,
        contact_due=report.first_contact_due if wants_contact(report) else None,
        closing_due=report.closing_due,
        confirmation=confirmation,
    )


def unsaved_receipt(details: ReportDetails, reference, received_at=None):
    """The receipt a report with these details would get, without storing anything (the answer to a robot)."""
    received_at = received_at or now_utc()
    category = details.category
    return Receipt(
        reference=reference,
        contact_due=deadlines.due_date(received_at, category.first_contact_days) if wants_contact(details) else None,
        closing_due=deadlines.due_date(received_at, category.closing_days),
        confirmation="queued" if details.email else None,
    )
