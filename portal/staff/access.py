"""Who may see and do what: every staff view starts from reports_visible_to(user)."""
from sqlalchemy import select

from portal.reports.models import Report
from portal.staff.models import Role, team_members

READ_ALL = (Role.KCC, Role.MANAGER, Role.ADMIN)
# Managers read everything and change nothing.
ACTING_ROLES = (Role.KCC, Role.TEAM, Role.ADMIN)
TRIAGE_ROLES = (Role.KCC, Role.ADMIN)


def reports_visible_to(user):
    """A select of the reports this user may see; team members see only their teams' reports."""
    query = select(Report)
    if user.role in READ_ALL:
        return query
    if user.role is Role.TEAM:
        own_teams = select(team_members.c.team_id).where(team_members.c.user_id == user.id)
        return query.where(Report.team_id.in_(own_teams))
    return query.where(False)


def may_act(user):
    return user.role in ACTING_ROLES


def may_triage(user):
    return user.role in TRIAGE_ROLES
