"""Receiving a report: its reference, its terms, the first history event and the confirmation e-mail; and the
receipt the resident sees afterwards."""
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, exists, func, insert, select

from portal.calendar import deadlines
from portal.calendar.clock import now_utc, past_moment
from portal.contact_details import normalise_email
from portal.database import insert_unless_taken
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.outbox import MAIL_ROW_COLUMNS, external_url, insert_mail, mail_row
from portal.reference.models import Category
from portal.reference.offered import OfferedCategory
from portal.reports.history import insert_event
from portal.reports.models import Channel, ContactPreference, Report, ReportStatus
from portal.reports.references import new_reference
from portal.reports.terms import next_due, wants_contact


@dataclass
class ReportDetails:
    """What a resident (or staff on their behalf) tells us; already validated and cleaned."""

    category: Category | OfferedCategory  # the resident's form offers the kept copy (portal.reference.offered)
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


@dataclass
class NewReport:
    """A report being received, as its confirmation e-mail and the page after sending tell it; `id` and
    `reference` are set when it is stored."""

    received_at: datetime
    name: str | None
    email: str | None
    contact_preference: ContactPreference
    first_contact_due: date
    closing_due: date
    confirmation: str | None  # "queued", "withheld" (too many to this address today), or None without an address
    first_contact_at: None = None  # none yet: portal.reports.terms.next_due reads it
    id: int | None = None
    reference: str | None = None


def receive_report(details: ReportDetails, *, language: str, channel=Channel.WEB, received_at: datetime | None = None):
    """Store a new report with its terms and "received" event; queue the confirmation if we have an address.

    Writes, never commits: the caller commits once, so the report and its e-mail stand or fall together.
    A burst of residents after a bad bulk letter comes through here, so the three rows (report, event, mail) are
    three plain INSERTs rather than the ORM's unit of work, which costs several times more per report. A reference
    drawn twice (one in 10^12) is not inserted (ON CONFLICT DO NOTHING) and drawn again: no look-up beforehand and
    no savepoint. Returns the NewReport; load the Report by its id where the ORM object is needed.
    """
    received_at = received_at or now_utc()
    category = details.category
    report = NewReport(
        received_at=received_at,
        name=details.name or None,
        email=details.email or None,
        contact_preference=details.contact_preference,
        first_contact_due=deadlines.due_date(received_at, category.first_contact_days),
        closing_due=deadlines.due_date(received_at, category.closing_days),
        confirmation=None,
    )
    report.id, report.reference = _insert_with_new_reference({
        "received_at": received_at,
        "channel": channel,
        "category_id": category.id,
        "description": details.description,
        "contact_date": details.contact_date,
        "letter_reference": details.letter_reference or None,
        "name": report.name,
        "email": report.email,
        "phone": details.phone or None,
        "contact_preference": report.contact_preference,
        "language": language,
        "status": ReportStatus.NEW,
        "first_contact_due": report.first_contact_due,
        "closing_due": report.closing_due,
        "next_due": next_due(report),
    })
    insert_event(report.id, "received", created_at=received_at, channel=channel.value, category=category.code)
    if report.email:
        report.confirmation = "queued" if _queue_confirmation(report, language, channel) else "withheld"
    return report


def _queue_confirmation(report, language, channel):
    """Queue the confirmation of a new report; False when its address already had the day's confirmations.

    Counted over the other reports with the address in the past 24 hours (each got its confirmation until the limit
    was reached), on the address's own index; addresses are stored in one form (portal.contact_details), so "Jan@"
    and "jan@" are one address. The count is the condition of the INSERT itself (INSERT … SELECT … WHERE), so it
    costs no question of its own. A report staff register is always confirmed.
    """
    # A new report has no team yet: a reply goes to the KCC.
    row = mail_row(report.email, "confirmation", language, report_id=report.id,
                   reply_to=current_app.config["KCC_EMAIL"], report=report,
                   status_url=external_url("portal.status", code=report.reference))
    if channel is not Channel.WEB:
        insert_mail(row)
        return True
    limit = current_app.config.get("CONFIRMATIONS_PER_ADDRESS_PER_DAY", CONFIRMATIONS_PER_ADDRESS_PER_DAY)
    queued = db.session.connection().execute(_INSERT_MAIL_UNLESS_LIMIT_REACHED, {
        **row, "address": normalise_email(report.email), "since": now_utc() - timedelta(days=1),
        "this_report": report.id, "limit": limit,
    }).first()
    return queued is not None


def _insert_mail_unless_limit_reached():
    outbox, reports = OutboxMessage.__table__, Report.__table__
    earlier = select(func.count()).where(
        reports.c.email == bindparam("address"),
        reports.c.received_at >= bindparam("since"),
        reports.c.id != bindparam("this_report"),
    ).scalar_subquery()
    row = select(*(bindparam(name, type_=outbox.c[name].type) for name in MAIL_ROW_COLUMNS))
    return insert(outbox).from_select(MAIL_ROW_COLUMNS, row.where(earlier < bindparam("limit"))).returning(outbox.c.id)


# Built once, its values given as parameters (a statement made anew costs more in Python than in the database).
_INSERT_MAIL_UNLESS_LIMIT_REACHED = _insert_mail_unless_limit_reached()


class NoFreeReference(RuntimeError):
    """Every reference drawn was taken: the random source is broken, not unlucky."""


def _insert_with_new_reference(values):
    insert_report = insert_unless_taken(Report.__table__, "reference", returning="id")
    connection = db.session.connection()
    for _ in range(REFERENCE_ATTEMPTS):
        reference = new_reference()
        report_id = connection.execute(insert_report, {"reference": reference, **values}).scalar()
        if report_id is not None:
            return report_id, reference
    raise NoFreeReference(f"{REFERENCE_ATTEMPTS} references drawn, all taken")


def register_on_behalf(details: ReportDetails, *, language, channel, received_at, by):
    """A report a resident made by phone, at the desk or by e-mail, registered by staff: when it came in is when
    the terms start, so it cannot be in the future (FutureMoment)."""
    new = receive_report(details, language=language, channel=channel, received_at=past_moment(received_at))
    insert_event(new.id, "registered_by_staff", by, channel=channel.value)
    return new


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


def receipt_of_new(report: NewReport):
    """The receipt of a report just received: everything it says is known without asking the database."""
    return Receipt(
        reference=report.reference,
        contact_due=report.first_contact_due if wants_contact(report) else None,
        closing_due=report.closing_due,
        confirmation=report.confirmation,
    )


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
