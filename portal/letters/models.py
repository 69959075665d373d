"""The register of letters: each draft letter a team submits for the B1 check, every version with its analysis,
the KCC's review decisions, the admins' officialese list and the B1 target.

A Letter is one outgoing letter (title, team, the reference prefix it will carry, copies, planned sending date);
a LetterDraft is one submitted version of its text with the analysis as it was made then (JSON, so an old version
reads as it was judged); a LetterReview is an approval or a return, on one version, by whom and when.
"""
import enum

from sqlalchemy import CheckConstraint, Index, UniqueConstraint

from portal.database import UTCDateTime, append_only, enum_column, utcnow
from portal.extensions import db


class LetterStatus(enum.Enum):
    WAITING = "waiting"  # submitted (or resubmitted), waiting for the KCC's review
    RETURNED = "returned"  # the KCC returned it with comments; the team fixes it and resubmits
    APPROVED = "approved"  # the KCC approved the current version
    SENT = "sent"  # the team marked it sent; nothing changes after that


class ReviewDecision(enum.Enum):
    APPROVED = "approved"
    RETURNED = "returned"


class DraftSource(enum.Enum):
    PASTED = "pasted"
    TXT = "txt"
    DOCX = "docx"
    ODT = "odt"
    PDF = "pdf"


class Letter(db.Model):
    """One outgoing letter in the register."""

    __tablename__ = "letters"
    __table_args__ = (
        # The KCC's list: waiting letters by planned sending date.
        Index("ix_letters_status_planned", "status", "planned_send_on"),
        Index("ix_letters_team_id", "team_id"),
        # The figures: letters by first submission and by approval.
        Index("ix_letters_submitted_at", "submitted_at"),
        Index("ix_letters_approved_at", "approved_at"),
        CheckConstraint("copies >= 1", name="letter_copies"),
    )

    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id"), nullable=False)
    reference_prefix = db.Column(db.String(40), nullable=False)  # e.g. BEL/2026/: what reports quote
    copies = db.Column(db.Integer, nullable=False)
    planned_send_on = db.Column(db.Date, nullable=False)
    status = db.Column(enum_column(LetterStatus), nullable=False, default=LetterStatus.WAITING)
    # Raised by every change (resubmit, review, sent): two reviewers at once never both decide.
    version = db.Column(db.Integer, nullable=False, default=1, server_default="1")
    draft_count = db.Column(db.Integer, nullable=False, default=1)  # the number of the newest draft
    submitted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)  # the first submission
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    submitted_by = db.Column(db.String(200), nullable=True)
    approved_at = db.Column(UTCDateTime, nullable=True)
    approved_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    approved_by = db.Column(db.String(200), nullable=True)
    approved_draft = db.Column(db.Integer, nullable=True)  # the number of the draft that was approved
    sent_on = db.Column(db.Date, nullable=True)
    sent_marked_at = db.Column(UTCDateTime, nullable=True)
    sent_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    team = db.relationship("Team")
    drafts = db.relationship("LetterDraft", order_by="LetterDraft.number", back_populates="letter",
                             cascade="all, delete-orphan", passive_deletes=True)
    reviews = db.relationship("LetterReview", order_by="LetterReview.id", back_populates="letter",
                              cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self):
        return f"<Letter {self.id} {self.reference_prefix!r} {self.status.value}>"


class LetterDraft(db.Model):
    """One submitted version of a letter's text, with its analysis as made at submission."""

    __tablename__ = "letter_drafts"
    __table_args__ = (UniqueConstraint("letter_id", "number"),)

    id = db.Column(db.Integer, primary_key=True)
    letter_id = db.Column(db.Integer, db.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False)
    number = db.Column(db.Integer, nullable=False)
    text = db.Column(db.Text, nullable=False)
    source = db.Column(enum_column(DraftSource), nullable=False)
    filename = db.Column(db.String(255), nullable=True)
    submitted_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    submitted_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    submitted_by = db.Column(db.String(200), nullable=True)
    meets_b1 = db.Column(db.Boolean, nullable=False)
    verdict = db.Column(db.String(16), nullable=False)
    score = db.Column(db.Float, nullable=False)
    analysis = db.Column(db.JSON, nullable=False)

    letter = db.relationship(Letter, back_populates="drafts")

    def __repr__(self):
        return f"<LetterDraft {self.letter_id}#{self.number} {self.verdict}>"


class LetterReview(db.Model):
    """The KCC's decision on one version: approved, or returned with comments. Never edited."""

    __tablename__ = "letter_reviews"
    __table_args__ = (Index("ix_letter_reviews_letter_id", "letter_id", "id"),)

    id = db.Column(db.Integer, primary_key=True)
    letter_id = db.Column(db.Integer, db.ForeignKey("letters.id", ondelete="CASCADE"), nullable=False)
    draft_number = db.Column(db.Integer, nullable=False)
    decision = db.Column(enum_column(ReviewDecision), nullable=False)
    comments = db.Column(db.Text, nullable=True)
    decided_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decided_by = db.Column(db.String(200), nullable=True)

    letter = db.relationship(Letter, back_populates="reviews")

    def __repr__(self):
        return f"<LetterReview {self.letter_id}#{self.draft_number} {self.decision.value}>"


append_only(LetterReview, "The review of a letter")


class OfficialesePair(db.Model):
    """One officialese phrase and its plain alternative; the check uses the active ones."""

    __tablename__ = "officialese_pairs"

    id = db.Column(db.Integer, primary_key=True)
    phrase = db.Column(db.String(100), nullable=False, unique=True)  # lower case, single spaces
    plain = db.Column(db.String(200), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)

    def __repr__(self):
        return f"<OfficialesePair {self.phrase!r} -> {self.plain!r}>"


class LetterSettings(db.Model):
    """One row (id 1): the share of letters that should be at B1 when approved, set by admins."""

    __tablename__ = "letter_settings"

    id = db.Column(db.Integer, primary_key=True)
    b1_target = db.Column(db.Float, nullable=False)

    def __repr__(self):
        return f"<LetterSettings b1_target={self.b1_target}>"
