"""Privacy (AVG): personal data kept only as long as needed, and a resident's data found, exported or erased.

Anonymising a report removes its contact details and every free text (the resident's story, notes,
messages, summaries, the grade's comment) from the report row, its history and its outbox rows (the
address, the text and the server's last answer, which can quote the address); the anonymous facts stay
for the figures: dates, category, team, channel, outcome, causes, grade.
The history is insert-only everywhere else; redacting its free text here is the one exception, and it
is itself recorded as an event.

The record of staff actions holds no personal data of residents (it keeps only codes and choices, see
admin/audit/record.py); it is kept as long as the reports it covers can hold personal data and then
removed by the same nightly job: the retention term, plus a year in which a report can be open.
"""
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import case, delete, or_, select, update

from portal.calendar.clock import now_utc
from portal.contact_details import normalise_email, normalise_phone
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.reports.history import record_event
from portal.reports.models import Report, ReportEvent, ReportStatus
from portal.staff.models import StaffAction

# Keys of event details that can hold free text or personal data.
FREE_TEXT_KEYS = ("text", "summary", "body", "subject", "reason", "explanation")
REMOVED = "[removed]"
# How long a report can be open before its retention term starts (at closing), for the record of staff actions.
OPEN_MONTHS = 12


def retention_cutoff(now=None):
    return (now or now_utc()) - relativedelta(months=current_app.config["RETENTION_MONTHS"])


def expired_reports(now=None):
    """Closed (or dismissed) longer ago than the retention term, and not yet anonymised."""
    cutoff = retention_cutoff(now)
    return select(Report).where(
        Report.anonymised_at.is_(None),
        or_(
            Report.closed_at < cutoff,
            (Report.status == ReportStatus.DISMISSED) & (Report.received_at < cutoff),
        ),
    )


def anonymise(report, *, by=None, kind="anonymised"):
    report.name = report.email = report.phone = None
    report.description = ""
    report.letter_reference = report.closing_summary = report.grade_comment = None
    report.dismissal_reason = report.extension_reason = None
    for event in db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report.id)):
        if any(key in (event.details or {}) for key in FREE_TEXT_KEYS):
            redacted = {k: (REMOVED if k in FREE_TEXT_KEYS else v) for k, v in event.details.items()}
            # A Core UPDATE: the ORM refuses to change history, and rightly so everywhere else.
            db.session.execute(update(ReportEvent).where(ReportEvent.id == event.id).values(details=redacted))
            db.session.expire(event)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.report_id == report.id)
        .values(recipient=REMOVED, subject=REMOVED, body_text="", body_html=None,
                last_error=case((OutboxMessage.last_error.is_(None), None), else_=REMOVED))
    )
    report.anonymised_at = now_utc()
    record_event(report, kind, by)
    db.session.flush()


def anonymise_expired(now=None, batch=500):
    """The nightly job: anonymise every expired report; returns how many."""
    return in_batches(expired_reports(now).order_by(Report.id), anonymise, batch)


def in_batches(query, anonymise_one, batch=500):
    """Anonymise every row the query selects, a batch per commit (each batch leaves the query's result, so the
    same query finds the next); returns how many."""
    count = 0
    while True:
        rows = db.session.scalars(query.limit(batch)).all()
        if not rows:
            return count
        for row in rows:
            anonymise_one(row)
        db.session.commit()
        count += len(rows)


def staff_actions_months():
    """Months the record of staff actions is kept: at least as long as the reports it covers keep personal
    data (MELDPUNT_RETENTION_MONTHS after closing, plus OPEN_MONTHS while open); STAFF_ACTIONS_MONTHS may
    ask for longer, never for shorter."""
    config = current_app.config
    least = config["RETENTION_MONTHS"] + OPEN_MONTHS
    return max(int(config.get("STAFF_ACTIONS_MONTHS") or least), least)


def remove_expired_staff_actions(now=None):
    """The nightly job: delete the staff actions older than staff_actions_months(); returns how many."""
    cutoff = (now or now_utc()) - relativedelta(months=staff_actions_months())
    # A Core DELETE: the record is append-only for everyone else; its retention is the one exception.
    result = db.session.execute(delete(StaffAction.__table__).where(StaffAction.created_at < cutoff))
    return result.rowcount


def reports_of_person(*, email=None, phone=None):
    """Every report with this e-mail address or phone number (a subject access request)."""
    conditions = []
    if email:
        conditions.append(Report.email == normalise_email(email))
    if phone:
        conditions.append(Report.phone == normalise_phone(phone))
    if not conditions:
        return []
    return db.session.scalars(select(Report).where(or_(*conditions)).order_by(Report.received_at)).all()


def export_report(report):
    """What we hold about the resident in one report, as plain data."""
    return {
        "reference": report.reference,
        "received_at": report.received_at.isoformat(),
        "channel": report.channel.value,
        "category": report.category.code,
        "status": report.status.value,
        "description": report.description,
        "contact_date": report.contact_date.isoformat() if report.contact_date else None,
        "letter_reference": report.letter_reference,
        "name": report.name,
        "email": report.email,
        "phone": report.phone,
        "contact_preference": report.contact_preference.value,
        "closing_summary": report.closing_summary,
        "grade": report.grade,
        "grade_comment": report.grade_comment,
        "history": [
            {"at": event.created_at.isoformat(), "kind": event.kind,
             "text": {k: v for k, v in (event.details or {}).items() if k in FREE_TEXT_KEYS}}
            for event in report.events
        ],
    }
