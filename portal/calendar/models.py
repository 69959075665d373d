"""The municipality's own closing days, beside the holidays of the Algemene termijnenwet."""
from portal.extensions import db


class ClosingDay(db.Model):
    """A day the municipality is closed beyond the Algemene termijnenwet (e.g. the Friday after Ascension)."""

    __tablename__ = "closing_days"

    id = db.Column(db.Integer, primary_key=True)
    day = db.Column(db.Date, nullable=False, unique=True)
    description = db.Column(db.String(200), nullable=False, default="")

    def __repr__(self):
        return f"<ClosingDay {self.day.isoformat()}>"
