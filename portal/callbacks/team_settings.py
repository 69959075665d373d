"""A team's callback settings, set by admins on the team's page: its term in working days and its coordinator."""
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.refusals import ManagementError

MIN_TERM_DAYS, MAX_TERM_DAYS = 1, 30


def set_callback_settings(team, *, term_days, coordinator):
    """Change the term (for requests registered from now on: stored requests keep theirs) and the coordinator,
    who must be a member of the team."""
    if term_days is None or not MIN_TERM_DAYS <= term_days <= MAX_TERM_DAYS:
        raise ManagementError(_l("Fill in a term from 1 to 30 working days."), "callback_term_days")
    if coordinator is not None and team not in coordinator.teams:
        raise ManagementError(_l("The coordinator must be a member of the team."), "callback_coordinator")
    team.callback_term_days = term_days
    team.callback_coordinator_id = coordinator.id if coordinator else None
    db.session.flush()
