"""A report and its history: what a resident told us and every step taken on it."""
import enum

from sqlalchemy import CheckConstraint, Index, text

from portal.database import UTCDateTime, append_only, enum_column, utcnow
from portal.extensions import db


class Channel(enum.Enum):
    WEB = "web"
    PHONE = "phone"
    DESK = "desk"
    EMAIL = "email"


class ContactPreference(enum.Enum):
    NONE = "none"
    EMAIL = "email"
    PHONE = "phone"


class ReportStatus(enum.Enum):
    NEW = "new"  # received, waiting for the KCC
    ASSIGNED = "assigned"  # sent to a team
    CONTACTED = "contacted"  # the team has had first contact with the resident
    CLOSED = "closed"
    DISMISSED = "dismissed"  # not a report: spam or a duplicate

    @property
    def is_open(self):
        return self in OPEN_STATUSES


# The one definition of "open": waiting for the KCC, or with a team that has not closed it yet.
OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.ASSIGNED, ReportStatus.CONTACTED)
# The same as literal SQL, word for word the predicate of the partial indexes (SQLite uses one only then).
OPEN_CONDITION = text("status IN (" + ", ".join(f"'{status.value}'" for status in OPEN_STATUSES) + ")")


class Outcome(enum.Enum):
    RESOLVED = "resolved"
    EXPLAINED = "explained"
    NOT_JUSTIFIED = "not_justified"
    FORWARDED = "forwarded"


report_causes = db.Table(
    "report_causes",
    db.Column("report_id", db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    db.Column("cause_id", db.Integer, db.ForeignKey("causes.id"), primary_key=True),
    Index("ix_report_causes_cause_id", "cause_id"),
)


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        # The queues: open reports by due date, overall and per team.
        Index("ix_reports_status_closing_due", "status", "closing_due"),
        Index("ix_reports_team_status_closing_due", "team_id", "status", "closing_due"),
        # The monthly figures: by receipt, and per category or team within a period.
        Index("ix_reports_received_at", "received_at"),
        Index("ix_reports_category_received_at", "category_id", "received_at"),
        Index("ix_reports_team_received_at", "team_id", "received_at"),
        # Keyset pagination of the queues: the next term to meet, then the id.
        Index("ix_reports_status_next_due_id", "status", "next_due", "id"),
        Index("ix_reports_team_status_next_due_id", "team_id", "status", "next_due", "id"),
        # The open queue walks these in order and stops after a page: a few percent of all reports are open.
        Index("ix_reports_open_next_due", "next_due", "id",
              postgresql_where=OPEN_CONDITION, sqlite_where=OPEN_CONDITION),
        Index("ix_reports_open_team_next_due", "team_id", "next_due", "id",
              postgresql_where=OPEN_CONDITION, sqlite_where=OPEN_CONDITION),
        CheckConstraint("length(description) <= 5000", name="description_length"),
        CheckConstraint("grade IS NULL OR (grade >= 1 AND grade <= 10)", name="grade_range"),
        Index("ix_reports_closed_at", "closed_at"),
        # The queue's search (portal/reports/search.py, migration 0009): an address or number is looked up whole;
        # names, letter references, parts of references and the resident's words through trigram indexes on
        # PostgreSQL (empty on SQLite, which has none: `WHERE 0`).
        Index("ix_reports_email", "email"),
        Index("ix_reports_phone", "phone"),
        Index("ix_reports_name_trgm", "name", postgresql_using="gin", postgresql_ops={"name": "gin_trgm_ops"},
              sqlite_where=text("0")),
        Index("ix_reports_letter_reference_trgm", "letter_reference", postgresql_using="gin",
              postgresql_ops={"letter_reference": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_reports_description_trgm", "description", postgresql_using="gin",
              postgresql_ops={"description": "gin_trgm_ops"}, sqlite_where=text("0")),
        Index("ix_reports_reference_trgm", "reference", postgresql_using="gin",
              postgresql_ops={"reference": "gin_trgm_ops"}, sqlite_where=text("0")),
        # The same for the open reports only, where a search starts (a few percent of all: quick for common names).
        Index("ix_reports_open_search", "name", "letter_reference", "description", "reference",
              postgresql_using="gin", postgresql_ops=dict.fromkeys(
                  ("name", "letter_reference", "description", "reference"), "gin_trgm_ops"),
              postgresql_where=OPEN_CONDITION, sqlite_where=text("0")),
        # "Assigned to me", and the count boxes in one pass over the open reports' own small index.
        Index("ix_reports_open_assignee_next_due", "assignee_id", "next_due", "id",
              postgresql_where=OPEN_CONDITION, sqlite_where=OPEN_CONDITION),
        Index("ix_reports_open_counts", "status", "team_id", "assignee_id", "next_due",
              postgresql_where=OPEN_CONDITION, sqlite_where=OPEN_CONDITION),
    )

    id = db.Column(db.Integer, primary_key=True)
    # Raised by every staff action (portal.reports.concurrency): two people acting at once never both succeed.
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    reference = db.Column(db.String(12), nullable=False, unique=True)
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    channel = db.Column(enum_column(Channel), nullable=False, default=Channel.WEB)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=False)
    description = db.Column(db.Text, nullable=False)
    contact_date = db.Column(db.Date, nullable=True)
    letter_reference = db.Column(db.String(100), nullable=True)
    name = db.Column(db.String(200), nullable=True)
    email = db.Column(db.String(254), nullable=True)
    phone = db.Column(db.String(32), nullable=True)
    contact_preference = db.Column(enum_column(ContactPreference), nullable=False, default=ContactPreference.NONE)
    language = db.Column(db.String(2), nullable=False, default="nl")
    status = db.Column(enum_column(ReportStatus), nullable=False, default=ReportStatus.NEW)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id"), nullable=True)
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    first_contact_due = db.Column(db.Date, nullable=False)
    closing_due = db.Column(db.Date, nullable=False)
    # The term to meet next: first contact until it happened, then closing. Kept by the workflow.
    next_due = db.Column(db.Date, nullable=False)
    outcome = db.Column(enum_column(Outcome), nullable=True)
    closing_summary = db.Column(db.Text, nullable=True)
    dismissal_reason = db.Column(db.Text, nullable=True)
    duplicate_of = db.Column(db.String(12), nullable=True)

    # Extension of the closing term (Awb 9:11 second paragraph): once, at most four weeks, with a reason.
    original_closing_due = db.Column(db.Date, nullable=True)
    extended_at = db.Column(UTCDateTime, nullable=True)
    extension_reason = db.Column(db.Text, nullable=True)

    # Measured follow-up, written once by portal.followup when the step happens, read by queues and figures.
    triage_working_days = db.Column(db.Integer, nullable=True)
    first_contact_working_days = db.Column(db.Integer, nullable=True)
    closing_working_days = db.Column(db.Integer, nullable=True)
    first_contact_on_time = db.Column(db.Boolean, nullable=True)
    closed_on_time = db.Column(db.Boolean, nullable=True)

    # Escalation markers: set when the escalation was queued, so it is sent once per report and term.
    first_contact_escalated_at = db.Column(UTCDateTime, nullable=True)
    closing_escalated_at = db.Column(UTCDateTime, nullable=True)

    # The resident's grade of the handling, 1 to 10, asked after closing.
    grade = db.Column(db.Integer, nullable=True)
    grade_comment = db.Column(db.Text, nullable=True)
    graded_at = db.Column(UTCDateTime, nullable=True)
    # How the grade reached us: the link in the closing e-mail (web), or staff who noted it (phone, desk, e-mail).
    grade_channel = db.Column(enum_column(Channel, name="grade_channel"), nullable=True)

    # Retention: when contact details and free text were removed; the anonymous facts stay.
    anonymised_at = db.Column(UTCDateTime, nullable=True)
    triaged_at = db.Column(UTCDateTime, nullable=True)
    # When the report was first sent beyond the first line (to a team that is not the KCC); kept when it comes back.
    sent_on_at = db.Column(UTCDateTime, nullable=True)
    # Set at closing: closed by the first line without ever being sent on (the KCC's 90% goal). None while open.
    closed_at_first_line = db.Column(db.Boolean, nullable=True)
    first_contact_at = db.Column(UTCDateTime, nullable=True)
    closed_at = db.Column(UTCDateTime, nullable=True)

    category = db.relationship("Category")
    team = db.relationship("Team")
    assignee = db.relationship("User")
    causes = db.relationship("Cause", secondary=report_causes, order_by="Cause.position")
    events = db.relationship(
        "ReportEvent", back_populates="report", order_by="ReportEvent.id", passive_deletes="all"
    )

    @property
    def is_anonymous(self):
        return not (self.name or self.email or self.phone)

    def __repr__(self):
        return f"<Report {self.reference} {self.status.value}>"


class ReportEvent(db.Model):
    """One entry in a report's history. Insert-only: the history is never edited."""

    __tablename__ = "report_events"
    __table_args__ = (Index("ix_report_events_report_id", "report_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    kind = db.Column(db.String(32), nullable=False)
    # Who did it: empty for the resident or the system. The name is kept as it was at the time.
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    actor = db.Column(db.String(200), nullable=True)
    details = db.Column(db.JSON, nullable=False, default=dict)

    report = db.relationship(Report, back_populates="events")
    actor_user = db.relationship("User")

    def __repr__(self):
        return f"<ReportEvent {self.kind} on report {self.report_id}>"


append_only(ReportEvent, "A report's history")
