"""Every model, gathered so that the metadata (and Alembic) sees them all; each lives with its domain."""
from portal.calendar.models import ClosingDay
from portal.callbacks.models import (
    CallbackEvent,
    CallbackReportLink,
    CallbackRequest,
    CallbackStatus,
    ContactAttempt,
    UnreachableNotice,
    Urgency,
)
from portal.figures.models import (
    FigureSettings,
    ProvisionalFigures,
    PublishedFigures,
    Target,
    TargetChange,
    TargetDirection,
)
from portal.letters.models import Letter, LetterDraft, LetterReview, LetterSettings, LetterStatus, OfficialesePair
from portal.mail.models import OutboxMessage, OutboxStatus
from portal.operations.models import JobRun
from portal.reference.models import Category, Cause, StandardText
from portal.reports.models import (
    OPEN_CONDITION,
    OPEN_STATUSES,
    Channel,
    ContactPreference,
    Outcome,
    Report,
    ReportEvent,
    ReportStatus,
    report_causes,
)
from portal.staff.models import RecoveryCode, Role, StaffAction, Team, User, team_members

__all__ = [
    "CallbackEvent", "CallbackReportLink", "CallbackRequest", "CallbackStatus", "ContactAttempt",
    "UnreachableNotice", "Urgency",
    "OPEN_CONDITION", "OPEN_STATUSES", "Category", "Cause", "Channel", "ClosingDay", "ContactPreference", "JobRun",
    "OutboxMessage", "OutboxStatus", "Outcome", "RecoveryCode", "Report", "ReportEvent", "ReportStatus", "Role",
    "StaffAction", "StandardText", "FigureSettings", "ProvisionalFigures", "PublishedFigures", "Target",
    "TargetChange", "TargetDirection",
    "Team", "User", "report_causes", "team_members",
    "Letter", "LetterDraft", "LetterReview", "LetterSettings", "LetterStatus", "OfficialesePair",
]
