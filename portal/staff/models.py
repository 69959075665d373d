"""Staff: accounts, their roles and teams, and the record of what they did."""
import enum

from sqlalchemy import Index

from portal.database import UTCDateTime, append_only, enum_column, utcnow
from portal.extensions import db


class Role(enum.Enum):
    KCC = "kcc"  # the contact centre: triage of every report
    TEAM = "team"  # a member of one or more teams: their teams' reports only
    MANAGER = "manager"  # reads everything, changes nothing
    ADMIN = "admin"  # everything, and the management of people and reference data


class Team(db.Model):
    __tablename__ = "teams"

    id = db.Column(db.Integer, primary_key=True)
    code = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(120), nullable=False)
    email = db.Column(db.String(254), nullable=True)
    active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(UTCDateTime, nullable=False, default=utcnow)
    # The first line (the KCC): a report it closes without sending it on counts as resolved at the first line.
    first_line = db.Column(db.Boolean, nullable=False, default=False, server_default=db.false())
    # Callback requests (portal.callbacks): the term in working days, admin-set, and the colleague who
    # redistributes the team's open requests (admins always may).
    callback_term_days = db.Column(db.Integer, nullable=False, default=2, server_default="2")
    callback_coordinator_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    callback_coordinator = db.relationship("User", foreign_keys=[callback_coordinator_id])

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
    role = db.Column(enum_column(Role), nullable=False)
    password_hash = db.Column(db.String(255), nullable=False)
    active = db.Column(db.Boolean, nullable=False, default=True)
    # Part of the log-in cookie: a new value at log-out or reset ends every session of the account.
    session_token = db.Column(db.String(64), nullable=False)
    totp_secret = db.Column(db.String(64), nullable=True)
    # The last TOTP time step accepted, so that a code is never accepted twice.
    totp_last_step = db.Column(db.BigInteger, nullable=True)
    # When the holder was last told by e-mail that log-ins to the account were paused: one mail per window.
    throttle_notice_at = db.Column(UTCDateTime, nullable=True)
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


class RecoveryCode(db.Model):
    """One unused recovery code of an account, as its hash. Using the code deletes its row, so that a
    conditional DELETE lets exactly one of two log-ins sent at once have it."""

    __tablename__ = "recovery_codes"

    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    code_hash = db.Column(db.String(64), primary_key=True)

    def __repr__(self):
        return f"<RecoveryCode of user {self.user_id}>"


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


append_only(StaffAction, "The record of staff actions")
