"""Callback requests: the KCC's promise "a colleague will call you back", with a term, an owner and a record.

Names follow VNG's Klantinteracties model (Open Klant), so that a later link with the KCC's own system maps one to
one. English in the code; each column says its Klantinteracties name:

- CallbackRequest is an *InterneTaak* (the follow-up a colleague owes) together with the *Klantcontact* it came
  from (kanaal, onderwerp, taal, plaatsgevondenOp) and its *Betrokkene* (contactnaam) and *DigitaleAdressen*
  (telefoonnummer, e-mail).
- ContactAttempt is a *Klantcontact* initiated by the municipality: kanaal, plaatsgevondenOp and
  indicatieContactGelukt (reached). One log for callback requests and for the report's call step.
- CallbackReportLink ties a resident's report ("nobody called me back") to the request it is about.
"""
import enum

from sqlalchemy import CheckConstraint, Index, text
from sqlalchemy.orm import backref

from portal.database import UTCDateTime, append_only, enum_column, utcnow
from portal.extensions import db
from portal.reports.models import Channel


class CallbackStatus(enum.Enum):
    """InterneTaak.status."""

    OPEN = "te_verwerken"
    DONE = "verwerkt"


class Urgency(enum.Enum):
    NORMAL = "normal"
    URGENT = "urgent"


class UnreachableNotice(enum.Enum):
    """How the resident was told we could not reach them: by e-mail, or a letter staff still have to send."""

    EMAIL = "email"
    LETTER = "letter"


OPEN_CALLBACKS = text("status = 'te_verwerken'")


class CallbackRequest(db.Model):
    """InterneTaak (+ its Klantcontact): a resident asked to be called back."""

    __tablename__ = "callback_requests"
    __table_args__ = (
        # The work lists' indexes (open requests of a team or a person, most urgent first) follow the class.
        # The figures: by registration, per team; the proposals for a report: by address and number.
        Index("ix_callback_requests_registered_at", "registered_at"),
        Index("ix_callback_requests_team_registered_at", "team_id", "registered_at"),
        Index("ix_callback_requests_email", "email"),
        Index("ix_callback_requests_phone", "phone"),
        # Retention and the handled list: by closing moment.
        Index("ix_callback_requests_closed_at", "closed_at", "id"),
        # Reachable while it holds personal data; an anonymised request keeps neither number nor address.
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL OR anonymised_at IS NOT NULL",
                        name="callback_reachable"),
    )

    id = db.Column(db.Integer, primary_key=True)
    number = db.Column(db.String(12), nullable=False, unique=True)  # InterneTaak.nummer, TB-XXXX-XXXX
    # Raised by every staff action (portal.versions, as for reports).
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    registered_at = db.Column(UTCDateTime, nullable=False, default=utcnow)  # Klantcontact.plaatsgevondenOp
    channel = db.Column(enum_column(Channel), nullable=False, default=Channel.PHONE)  # Klantcontact.kanaal
    language = db.Column(db.String(2), nullable=False, default="nl")  # Klantcontact.taal
    requested_action = db.Column(db.String(500), nullable=False)  # InterneTaak.gevraagdeHandeling: the question
    explanation = db.Column(db.Text, nullable=True)  # InterneTaak.toelichting
    name = db.Column(db.String(200), nullable=True)  # Betrokkene.contactnaam
    phone = db.Column(db.String(32), nullable=True)  # DigitaalAdres, soort telefoonnummer (E.164)
    email = db.Column(db.String(254), nullable=True)  # DigitaalAdres, soort e-mail (normalised)
    urgency = db.Column(enum_column(Urgency), nullable=False, default=Urgency.NORMAL)
    status = db.Column(enum_column(CallbackStatus), nullable=False, default=CallbackStatus.OPEN)  # InterneTaak.status
    # InterneTaak.toegewezenAanActor: an organisatorische eenheid (the team), optionally a medewerker.
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id"), nullable=False)
    assignee_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    assigned_at = db.Column(UTCDateTime, nullable=False, default=utcnow)  # InterneTaak.toegewezenOp
    registered_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    registered_by = db.Column(db.String(200), nullable=True)  # the name as it was at the time
    term_days = db.Column(db.Integer, nullable=False)  # the team's callback term when registered
    due = db.Column(db.Date, nullable=False)  # due_date(registered_at, term_days)
    closed_at = db.Column(UTCDateTime, nullable=True)  # InterneTaak.afgehandeldOp
    agreement = db.Column(db.Text, nullable=True)  # what was agreed with the resident
    # Measured when it happens (portal.callbacks.attempts), read by the figures.
    first_attempt_at = db.Column(UTCDateTime, nullable=True)
    first_attempt_working_days = db.Column(db.Integer, nullable=True)
    first_attempt_on_time = db.Column(db.Boolean, nullable=True)
    contacted_at = db.Column(UTCDateTime, nullable=True)  # the first attempt that reached the resident
    contacted_on_time = db.Column(db.Boolean, nullable=True)
    failed_attempts = db.Column(db.Integer, nullable=False, default=0, server_default="0")
    unreachable_notice = db.Column(enum_column(UnreachableNotice), nullable=True)
    unreachable_notice_at = db.Column(UTCDateTime, nullable=True)
    letter_sent_at = db.Column(UTCDateTime, nullable=True)
    escalated_at = db.Column(UTCDateTime, nullable=True)  # set once the passed term was escalated
    # Its personal data removed (portal.callbacks.retention): on request, or after the retention term.
    anonymised_at = db.Column(UTCDateTime, nullable=True)

    team = db.relationship("Team", foreign_keys=[team_id])
    assignee = db.relationship("User", foreign_keys=[assignee_id])
    attempts = db.relationship("ContactAttempt", back_populates="callback_request", order_by="ContactAttempt.id",
                               passive_deletes="all")
    events = db.relationship("CallbackEvent", order_by="CallbackEvent.id", passive_deletes="all")
    reports = db.relationship("Report", secondary="callback_request_reports", order_by="Report.id",
                              backref=backref("callback_requests", order_by="CallbackRequest.id"))

    @property
    def is_open(self):
        return self.status is CallbackStatus.OPEN

    @property
    def letter_task(self):
        """A letter to the resident is owed: we could not reach them and they left no e-mail address."""
        return self.unreachable_notice is UnreachableNotice.LETTER and self.letter_sent_at is None

    def __repr__(self):
        return f"<CallbackRequest {self.number} {self.status.value}>"


# The work lists: open requests of a team, a person, or all, in the lists' own order: urgency descending (urgent
# before normal), then due date and id ascending. With urgency ascending in the index, both databases sorted every
# open request for the first page (bench/callbacks_benchmark.py; migration 0013).
for _name, _columns in (("ix_callback_requests_open_team", (CallbackRequest.team_id,)),
                        ("ix_callback_requests_open_assignee", (CallbackRequest.assignee_id,)),
                        ("ix_callback_requests_open_due", ())):
    Index(_name, *_columns, CallbackRequest.urgency.desc(), CallbackRequest.due, CallbackRequest.id,
          postgresql_where=OPEN_CALLBACKS, sqlite_where=OPEN_CALLBACKS)


class ContactAttempt(db.Model):
    """Klantcontact by the municipality: one try to reach a resident, about a callback request or a report."""

    __tablename__ = "contact_attempts"
    __table_args__ = (
        Index("ix_contact_attempts_callback_request_id", "callback_request_id", "id"),
        Index("ix_contact_attempts_report_id", "report_id", "id"),
        CheckConstraint("callback_request_id IS NOT NULL OR report_id IS NOT NULL", name="attempt_about_something"),
    )

    id = db.Column(db.Integer, primary_key=True)
    callback_request_id = db.Column(db.Integer, db.ForeignKey("callback_requests.id", ondelete="CASCADE"),
                                    nullable=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), nullable=True)
    attempted_at = db.Column(UTCDateTime, nullable=False)  # Klantcontact.plaatsgevondenOp
    channel = db.Column(enum_column(Channel), nullable=False)  # Klantcontact.kanaal
    reached = db.Column(db.Boolean, nullable=False)  # Klantcontact.indicatieContactGelukt
    note = db.Column(db.Text, nullable=True)
    by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    by = db.Column(db.String(200), nullable=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    callback_request = db.relationship(CallbackRequest, back_populates="attempts")

    def __repr__(self):
        return f"<ContactAttempt {'reached' if self.reached else 'not reached'} at {self.attempted_at}>"


class CallbackEvent(db.Model):
    """One entry in a callback request's history (registered, assigned, attempt, closed, …). Insert-only."""

    __tablename__ = "callback_events"
    __table_args__ = (Index("ix_callback_events_callback_request_id", "callback_request_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    callback_request_id = db.Column(db.Integer, db.ForeignKey("callback_requests.id", ondelete="CASCADE"),
                                    nullable=False)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    kind = db.Column(db.String(32), nullable=False)
    actor_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    actor = db.Column(db.String(200), nullable=True)
    details = db.Column(db.JSON, nullable=False, default=dict)

    def __repr__(self):
        return f"<CallbackEvent {self.kind} on {self.callback_request_id}>"


append_only(CallbackEvent, "A callback request's history")


class CallbackReportLink(db.Model):
    """A report linked to the callback request it is about: a broken promise when the request was late."""

    __tablename__ = "callback_request_reports"
    __table_args__ = (Index("ix_callback_request_reports_report_id", "report_id"),)

    callback_request_id = db.Column(db.Integer, db.ForeignKey("callback_requests.id", ondelete="CASCADE"),
                                    primary_key=True)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    linked_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    linked_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    def __repr__(self):
        return f"<CallbackReportLink {self.callback_request_id} -> {self.report_id}>"
