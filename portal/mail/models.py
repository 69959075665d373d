"""The outbox table: every e-mail Meldpunt sends, before and after it is sent."""
import enum

from sqlalchemy import Index

from portal.database import UTCDateTime, enum_column, utcnow
from portal.extensions import db


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # refused for good (e.g. the address does not exist); kept for the record


class OutboxMessage(db.Model):
    """An e-mail waiting to be sent, or the record of one that was."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id = db.Column(db.Integer, primary_key=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    report_id = db.Column(db.Integer, db.ForeignKey("reports.id"), nullable=True, index=True)
    template = db.Column(db.String(64), nullable=False)
    recipient = db.Column(db.String(254), nullable=False)
    # Where the recipient's reply goes: the team handling the report, else the KCC; None for staff mail.
    reply_to = db.Column(db.String(254), nullable=True)
    subject = db.Column(db.String(300), nullable=False)
    body_text = db.Column(db.Text, nullable=False)
    body_html = db.Column(db.Text, nullable=True)
    status = db.Column(enum_column(OutboxStatus), nullable=False, default=OutboxStatus.PENDING)
    attempts = db.Column(db.Integer, nullable=False, default=0)
    next_attempt_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = db.Column(UTCDateTime, nullable=True)
    sent_at = db.Column(UTCDateTime, nullable=True)
    last_error = db.Column(db.Text, nullable=True)

    report = db.relationship("Report")

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.template} {self.status.value}>"
