"""The record of staff actions: every successful change through the staff pages, written after it happened.

Reports keep their own detailed history (portal.workflow); this record covers everything else too
(accounts, reference data, personal-data requests, log-in and log-out), so no new route can forget it.
"""
from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from admin.blueprint import bp
from admin.guards import role_required
from portal.extensions import db
from portal.staff.access import ADMINS
from portal.staff.models import StaffAction

# Values never written down: secrets, and personal data that an erasure must be able to remove.
WITHHELD = {
    "csrf_token", "password", "new_password", "current_password", "email", "phone", "name",
    "description", "text", "body", "summary", "reason", "explanation", "comment", "subject",
}
# On the log-in steps, "code" is a one-time code or a recovery code (elsewhere it names a team or a cause).
SECRET_CODES = {"admin.login_code", "admin.enrol_two_factor"}
MAX_VALUE = 200


def _submitted_fields():
    details = {}
    for key in request.form:
        field = key.split("-", 1)[-1]
        if field == "csrf_token":
            continue
        values = request.form.getlist(key)
        secret = field in WITHHELD or (field == "code" and request.endpoint in SECRET_CODES)
        details[key] = "[given]" if secret else [value[:MAX_VALUE] for value in values]
    return details


def record_staff_action(response):
    """After every successful POST to a staff page, one insert-only row: who, when, what, on which object."""
    if request.method != "POST" or response.status_code >= 400 or request.endpoint is None:
        return response
    actor = current_user if current_user.is_authenticated else None
    db.session.rollback()  # nothing of the view's own unit of work may ride along
    db.session.add(StaffAction(
        actor_id=actor.id if actor else None,
        actor=actor.name if actor else None,
        action=request.endpoint,
        target=dict(request.view_args or {}),
        details=_submitted_fields(),
        address=request.remote_addr,
    ))
    db.session.commit()
    return response


@bp.get("/manage/staff-actions")
@role_required(ADMINS)
def staff_actions():
    actions = db.session.scalars(select(StaffAction).order_by(StaffAction.id.desc()).limit(200)).all()
    return render_template("admin/manage/staff_actions.html", actions=actions)
