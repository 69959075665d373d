"""Targets for the figures (the municipality's, a team's, a category's) with their history, the published
figures of months and quarters, and the correction window after which a period is published."""
import enum

from sqlalchemy import func

from portal.database import UTCDateTime, append_only, enum_column
from portal.extensions import db


class TargetDirection(enum.Enum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class Target(db.Model):
    """The level a headline figure should reach (or, for a watch figure, stay within).

    Without a team and a category it is the municipality's target, set by admins; with a team, that team's own
    target (admins, and the team's lead for their team); with a category, the target for that category's reports.
    Shares are stored as fractions (0.85 for 85%), grades as the grade (8.0); the figure is named by its code in
    portal.figures.definitions (for example `first_contact_on_time_share`).
    """

    __tablename__ = "targets"
    __table_args__ = (
        # One level per figure and scope; NULL is "everyone", so the index reads it as 0.
        db.Index("uq_targets_scope", "code", func.coalesce(db.text("team_id"), 0),
                 func.coalesce(db.text("category_id"), 0), unique=True),
    )

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(64), nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=True)
    value = db.Column(db.Float, nullable=False)
    direction = db.Column(enum_column(TargetDirection), nullable=False)
    # A watch figure is followed, not aimed at: it has a limit that should not be passed.
    is_watch = db.Column(db.Boolean, nullable=False, default=False)
    updated_at = db.Column(UTCDateTime, nullable=True)

    team = db.relationship("Team")
    category = db.relationship("Category")

    def __repr__(self):
        return f"<Target {self.code} {self.direction.value} {self.value} team={self.team_id} cat={self.category_id}>"


class TargetChange(db.Model):
    """One change of a target: who set which level when (set, changed or removed). Never edited."""

    __tablename__ = "target_changes"

    id = db.Column(db.Integer, primary_key=True)
    changed_at = db.Column(UTCDateTime, nullable=False)
    code = db.Column(db.String(64), nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    category_id = db.Column(db.Integer, db.ForeignKey("categories.id", ondelete="CASCADE"), nullable=True)
    old_value = db.Column(db.Float, nullable=True)  # None: there was no target
    new_value = db.Column(db.Float, nullable=True)  # None: the target was removed
    changed_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    changed_by = db.Column(db.String(200), nullable=True)  # the name, kept when the account goes


append_only(TargetChange, "The history of targets")


class PublishedFigures(db.Model):
    """The figures of a month or quarter as published: worked out once, after the correction window, and read
    from here ever after. A correction is a new version with a reason; earlier versions stay. One row per
    version and scope (team_id NULL: every report)."""

    __tablename__ = "published_figures"
    __table_args__ = (
        db.Index("uq_published_figures_scope", "period", "version", func.coalesce(db.text("team_id"), 0),
                 unique=True),
    )

    id = db.Column(db.Integer, primary_key=True)
    period = db.Column(db.String(8), nullable=False)  # 2026-10 or 2026-Q3
    version = db.Column(db.Integer, nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    published_at = db.Column(UTCDateTime, nullable=False)
    figures_of = db.Column(db.Date, nullable=False)  # the day the figures were worked out ("as they stood on")
    published_by_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    published_by = db.Column(db.String(200), nullable=True)  # None: published by the nightly job
    reason = db.Column(db.Text, nullable=True)  # why a correction was published; None for the first version
    data = db.Column(db.JSON, nullable=False)


class FigureSettings(db.Model):
    """Settings of the figures admins keep: one row."""

    __tablename__ = "figure_settings"

    id = db.Column(db.Integer, primary_key=True)
    # Working days after a period's end in which late registrations and corrections still count; then it is
    # published.
    correction_working_days = db.Column(db.Integer, nullable=False, default=5)


class ProvisionalFigures(db.Model):
    """The figures of a period not yet published, worked out by the scheduler every few minutes, so that a page of
    the current month is read rather than counted. One row per period and scope, replaced each time; a page
    counts the period itself when the row is older than FIGURES_PROVISIONAL_MINUTES or of another day."""

    __tablename__ = "provisional_figures"
    __table_args__ = (
        db.Index("uq_provisional_figures_scope", "period", func.coalesce(db.text("team_id"), 0), unique=True),
    )

    id = db.Column(db.Integer, primary_key=True)
    period = db.Column(db.String(8), nullable=False)
    team_id = db.Column(db.Integer, db.ForeignKey("teams.id", ondelete="CASCADE"), nullable=True)
    computed_at = db.Column(UTCDateTime, nullable=False)
    figures_of = db.Column(db.Date, nullable=False)
    data = db.Column(db.JSON, nullable=False)
