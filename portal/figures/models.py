"""Targets for the headline figures, set by admins."""
import enum

from portal.database import UTCDateTime, enum_column
from portal.extensions import db


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
    direction = db.Column(enum_column(TargetDirection), nullable=False)
    # A watch figure is followed, not aimed at: it has a limit that should not be passed.
    is_watch = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(UTCDateTime, nullable=True)

    def __repr__(self):
        return f"<Target {self.code} {self.direction.value} {self.value}>"
