"""Reference data admins keep: categories with their terms, causes, and standard texts."""
from sqlalchemy import CheckConstraint

from portal.extensions import db
from portal.i18n import Bilingual


class Category(Bilingual, db.Model):
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

    default_team = db.relationship("Team")

    def name(self, language=None):
        return self.text_in("name", language)

    def help(self, language=None):
        return self.text_in("help", language)

    def __repr__(self):
        return f"<Category {self.code}>"


class Cause(Bilingual, db.Model):
    """Why the communication went wrong, chosen when a report is closed; the admin keeps the list."""

    __tablename__ = "causes"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name_nl = db.Column(db.String(200), nullable=False)
    name_en = db.Column(db.String(200), nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)
    active = db.Column(db.Boolean, nullable=False, default=True)

    def name(self, language=None):
        return self.text_in("name", language)

    def __repr__(self):
        return f"<Cause {self.code}>"


class StandardText(Bilingual, db.Model):
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

    def subject(self, language=None):
        return self.text_in("subject", language)

    def body(self, language=None):
        return self.text_in("body", language)

    def __repr__(self):
        return f"<StandardText {self.code}>"
