"""The resident's grade after closing: a signed link valid for 30 days, one answer per report."""
import enum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.reports.history import record_event
from portal.reports.models import Channel, Report, ReportStatus

VALID_DAYS = 30
SALT = "meldpunt-satisfaction"


class TokenProblem(enum.Enum):
    FORGED = "forged"
    EXPIRED = "expired"
    USED = "used"
    NOT_CLOSED = "not_closed"


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(report):
    # The closing moment is part of the token: a reopened and closed-again report gets a new link.
    return _serializer().dumps({"report": report.id, "closed": report.closed_at.isoformat()})


def report_for_token(token):
    """(report, None) for a link that may still be answered, or (None, problem)."""
    try:
        data = _serializer().loads(token, max_age=VALID_DAYS * 24 * 3600)
    except SignatureExpired:
        return None, TokenProblem.EXPIRED
    except BadSignature:
        return None, TokenProblem.FORGED
    if not isinstance(data, dict) or not isinstance(data.get("report"), int):
        return None, TokenProblem.FORGED
    report = db.session.get(Report, data["report"])
    if report is None:
        return None, TokenProblem.FORGED
    if report.status is not ReportStatus.CLOSED or report.closed_at.isoformat() != data.get("closed"):
        return None, TokenProblem.NOT_CLOSED
    if report.grade is not None:
        return None, TokenProblem.USED
    return report, None


def record_grade(report, grade, comment, *, channel=Channel.WEB, by=None):
    """Store the grade once, with how it reached us: the resident's link (web), or staff who noted a grade given by
    phone, at the desk or by e-mail (`by`). A conditional UPDATE, so two answers at once cannot both count."""
    result = db.session.execute(
        update(Report)
        .where(Report.id == report.id, Report.grade.is_(None))
        .values(grade=grade, grade_comment=comment or None, graded_at=now_utc(), grade_channel=channel)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(report)
    record_event(report, "graded", by, grade=grade, channel=channel.value)
    db.session.flush()
    return True
