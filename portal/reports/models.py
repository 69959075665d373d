"""The data model: reports, their categories and teams, history, closing days and the outbox."""
import enum
from datetime import datetime, timezone

from sqlalchemy import CheckConstraint, Index, event, text
from sqlalchemy.types import DateTime, TypeDecorator

from portal.extensions import db


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are not stored; give a timezone-aware UTC time.")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


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


OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.ASSIGNED, ReportStatus.CONTACTED)
OPEN_CONDITION = text("status IN ('new', 'assigned', 'contacted')")


class Role(enum.Enum):
    KCC = "kcc"  # the contact centre: triage of every report
    TEAM = "team"  # a member of one or more teams: their teams' reports only
    MANAGER = "manager"  # reads everything, changes nothing
    ADMIN = "admin"  # everything, and the management of people and reference data


class Outcome(enum.Enum):
    RESOLVED = "resolved"
    EXPLAINED = "explained"
    NOT_JUSTIFIED = "not_justified"
    FORWARDED = "forwarded"


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (e.g. the address does not exist); kept for the record


def _enum(enum_cls, length=16):
    # Stored as the readable value, checked by a constraint on both databases.
    return db.Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        length=length,
        create_constraint=True,
        name=enum_cls.__name__.lower(),
        validate_strings=True,
    )


class Team(db.Model):
    __tablename__ = "teams"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(254), nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    def __repr__(self):
        return f"<Team {self.code}>"


team_members = db.Table(
    "team_members",
    db.Column("user_id", db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    db.Column("team_id", db.Integer, db.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class User(db.Model):
    """A staff account. Residents have none."""

    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(254), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    role = db.Column(_enum(Role), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Part of the log-in cookie: a new value at log-out or reset ends every session of the account.
    session_token = db.Column(db.String(64), nullable=False)
    totp_secret = db.Column(db.String(64), nullable=True)
    # The last TOTP time step accepted, so that a code is never accepted twice.
    totp_last_step = db.Column(db.BigInteger, nullable=True)
    recovery_code_hashes = db.Column(db.JSON, nullable=False, default=list)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = db.Column(UTCDateTime, nullable=True)

    teams = db.relationship(Team, secondary=team_members, order_by=Team.name, backref="members")

    @property
    def has_two_factor(self):
        return self.totp_secret is not None

    # Flask-Login
    @property
    def is_active(self):
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return f"{self.id}:{self.session_token}"

    def __repr__(self):
        return f"<User {self.email} {self.role.value}>"


class Category(db.Model):
    __tablename__ = "categories"
    __table_args__ = (
        CheckConstraint("first_contact_days >= 1 AND first_contact_days <= 30", name="first_contact_term"),
        # Awb 9:11: a complaint is handled within six weeks, so never more than 30 working days.
        CheckConstraint("closing_days >= first_contact_days AND closing_days <= 30", name="closing_term"),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name_nl = db.Column(db.String(120), nullable=False)
    name_en = db.Column(db.String(120), nullable=False)
    help_nl = db.Column(db.Text, nullable=False, default="")
    help_en = db.Column(db.Text, nullable=False, default="")
    first_contact_days = db.Column(db.Integer, nullable=False)
    closing_days = db.Column(db.Integer, nullable=False)
    default_team_id = db.Column(db.Integer, db.ForeignKey("teams.id", ondelete="SET NULL"), nullable=True)
    position = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)

    default_team = db.relationship(Team)

    def name(self, language):
        return self.name_en if language == "en" else self.name_nl

    def help(self, language):
        return self.help_en if language == "en" else self.help_nl

    def __repr__(self):
        return f"<Category {self.code}>"


class Cause(db.Model):
    """Why the communication went wrong, chosen when a report is closed; the admin keeps the list."""

    __tablename__ = "causes"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name_nl = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)

    def name(self, language):
        return self.name_en if language == "en" else self.name_nl

    def __repr__(self):
        return f"<Cause {self.code}>"


report_causes = db.Table(
    "report_causes",
    db.Column("report_id", db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True),
    db.Column("cause_id", db.Integer, db.ForeignKey("causes.id"), primary_key=True),
    Index("ix_report_causes_cause_id", "cause_id"),
)


class StandardText(db.Model):
    """A message to residents at B1 level, with placeholders, that staff edit before sending."""

    __tablename__ = "standard_texts"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    title = db.Column(db.String(200), nullable=False)
    subject_nl = db.Column(db.String(200), nullable=False)
    subject_en = db.Column(db.String(200), nullable=False)
    body_nl = db.Column(db.Text, nullable=False)
    body_en = db.Column(db.Text, nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    def subject(self, language):
        return self.subject_en if language == "en" else self.subject_nl

    def body(self, language):
        return self.body_en if language == "en" else self.body_nl

    def __repr__(self):
        return f"<StandardText {self.code}>"


class ClosingDay(db.Model):
    """A day the municipality is closed beyond the Algemene termijnenwet (e.g. the Friday after Ascension)."""

    __tablename__ = "closing_days"

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    description = db.Column(db.String(200), nullable=False, default="")

    def __repr__(self):
        return f"<ClosingDay {self.day.isoformat()}>"


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
    )

    id = db.Column(db.Integer, primary_key=True)
    reference = db.Column(db.String(12), nullable=False, unique=True)
    received_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    channel = db.Column(_enum(Channel), nullable=False, default=Channel.WEB)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id"), nullable=False)
    description = db.Column(db.Text, nullable=False)
    contact_date = db.Column(db.Date, nullable=True)
    letter_reference = db.Column(db.String(100), nullable=True)
    name = db.Column(db.String(200), nullable=True)
    email = db.Column(db.String(254), nullable=True)
    phone = db.Column(db.String(32), nullable=True)
    contact_preference = db.Column(_enum(ContactPreference), nullable=False, default=ContactPreference.NONE)
    language = db.Column(db.String(2), nullable=False, default="nl")
    status = db.Column(_enum(ReportStatus), nullable=False, default=ReportStatus.NEW)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id"), nullable=True)
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    first_contact_due = db.Column(db.Date, nullable=False)
    closing_due = db.Column(db.Date, nullable=False)
    # The term to meet next: first contact until it happened, then closing. Kept by the workflow.
    next_due = db.Column(db.Date, nullable=False)
    outcome = db.Column(_enum(Outcome), nullable=True)
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

    # Retention: when contact details and free text were removed; the anonymous facts stay.
    anonymised_at = db.Column(UTCDateTime, nullable=True)
    triaged_at = db.Column(UTCDateTime, nullable=True)
    first_contact_at = db.Column(UTCDateTime, nullable=True)
    closed_at = db.Column(UTCDateTime, nullable=True)

    category = db.relationship(Category)
    team = db.relationship(Team)
    assignee = db.relationship(User)
    causes = db.relationship(Cause, secondary=report_causes, order_by=Cause.position)
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
    actor_user = db.relationship(User)

    def __repr__(self):
        return f"<ReportEvent {self.kind} on report {self.report_id}>"


@event.listens_for(ReportEvent, "before_update")
@event.listens_for(ReportEvent, "before_delete")
def _history_is_append_only(mapper, connection, target):
    raise RuntimeError("Report history is append-only: events are never changed or deleted.")


class JobRun(db.Model):
    """A scheduled job's run for one period (a day, a month): the row is the lock and the proof it ran."""

    __tablename__ = "job_runs"
    __table_args__ = (db.UniqueConstraint("job", "period", name="uq_job_runs_job_period"),)

    id = db.Column(db.Integer, primary_key=True)
    job = db.Column(db.String(64), nullable=False)
    period = db.Column(db.String(32), nullable=False)
    started_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    finished_at = db.Column(UTCDateTime, nullable=True)

    def __repr__(self):
        return f"<JobRun {self.job} {self.period}>"


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, or the record of one that was."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), nullable=True, index=True)
    template = db.Column(db.String(64), nullable=False)
    recipient = db.Column(db.String(254), nullable=False)
    subject = db.Column(db.String(300), nullable=False)
    body_text = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=True)
    status = db.Column(_enum(OutboxStatus), nullable=False, default=OutboxStatus.PENDING)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = db.Column(UTCDateTime, nullable=True)
    sent_at = db.Column(UTCDateTime, nullable=True)
    last_error = db.Column(db.Text, nullable=True)

    report = db.relationship(Report)

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.template} {self.status.value}>"


class StaffAction(db.Model):
    """Every change a staff member made through the staff pages, beside the reports' own history. Insert-only."""

    __tablename__ = "staff_actions"
    __table_args__ = (Index("ix_staff_actions_created_at", "created_at"),)

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id"), nullable=True)
    actor = db.Column(db.String(200), nullable=True)
    action = db.Column(db.String(100), nullable=False)  # the staff page's endpoint, e.g. admin.manage_team_edit
    target = db.Column(db.JSON, nullable=False, default=dict)  # its URL arguments, e.g. {"team_id": 3}
    details = db.Column(db.JSON, nullable=False, default=dict)  # the submitted fields, secrets left out
    address = db.Column(db.String(64), nullable=True)

    def __repr__(self):
        return f"<StaffAction {self.action} by {self.actor}>"


@event.listens_for(StaffAction, "before_update")
@event.listens_for(StaffAction, "before_delete")
def _staff_actions_are_append_only(mapper, connection, target):
    raise RuntimeError("The record of staff actions is append-only.")


class TargetDirection(enum.Enum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Target(db.Model):
    """The level a headline figure should reach (or, for a watch figure, stay within), set by an admin.

    Shares are stored as fractions (0.85 for 85%), grades as the grade (8.0). The figure is named by its code
    in portal.stats (for example `first_contact_on_time_share`).
    """

    __tablename__ = "targets"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(64), nullable=False, unique=True)
    value = db.Column(db.Float, nullable=False)
    direction = db.Column(_enum(TargetDirection), nullable=False)
    # A watch figure is followed, not aimed at: it has a limit that should not be passed.
    is_watch = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(UTCDateTime, nullable=True)

    def __repr__(self):
        return f"<Target {self.code} {self.direction.value} {self.value}>"
