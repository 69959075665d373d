"""Who may see and do what, in one place: the role groups, and reports_visible_to(user) that every staff view
starts from, so that no query can show a report its user may not see."""
from sqlalchemy import select

from portal.reports.models import Report
from portal.staff.models import Role, team_members

# Every report, to read.
READ_ALL = (Role.KCC, Role.MANAGER, Role.ADMIN)
# Changing reports; managers read everything and change nothing.
ACTING_ROLES = (Role.KCC, Role.TEAM, Role.ADMIN)
# Sending new reports to a team, registering reports on a resident's behalf, marking one as not a report.
TRIAGE_ROLES = (Role.KCC, Role.ADMIN)
# A queue of the reports of one's own teams.
TEAM_QUEUE_ROLES = (Role.TEAM, Role.KCC, Role.ADMIN)
# The service-report figures.
FIGURE_READERS = (Role.MANAGER, Role.ADMIN)
# People, reference data, personal-data requests and the record of staff actions.
ADMINS = (Role.ADMIN,)


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


def leads_team(user, team):
    """Whether this person leads the team (its coordinator, set by an admin, while a member): they set the team's
    own targets and redistribute its callback requests."""
    return user.role in ACTING_ROLES and team.callback_coordinator_id == user.id and team in user.teams
