"""Who sees and redistributes callback requests, and who has how many.

Every staff view starts from `callbacks_visible_to(user)`: a team member sees only their teams' requests (in the
query, so a guessed id answers 404); the KCC, managers and admins see all. A team's coordinator (set per team by
an admin) and admins redistribute a team's open requests among its members.
"""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.calendar.clock import now_utc
from portal.callbacks.history import record_callback_event
from portal.callbacks.intake import CallbackRefused, check_assignee
from portal.callbacks.models import CallbackRequest, CallbackStatus
from portal.extensions import db
from portal.staff.access import ACTING_ROLES, READ_ALL
from portal.staff.models import Role, Team, User, team_members


def own_team_ids(user):
    return select(team_members.c.team_id).where(team_members.c.user_id == user.id)


def callbacks_visible_to(user):
    """A select of the callback requests this user may see."""
    query = select(CallbackRequest)
    if user.role in READ_ALL:
        return query
    if user.role is Role.TEAM:
        return query.where(CallbackRequest.team_id.in_(own_team_ids(user)))
    return query.where(False)


def may_act(user):
    """Recording attempts and closing: the roles that change reports (managers read only)."""
    return user.role in ACTING_ROLES


def may_redistribute(user, team):
    """Admins, and the team's coordinator while they are a member of it."""
    if user.role is Role.ADMIN:
        return True
    return team.callback_coordinator_id == user.id and team in user.teams and user.role in ACTING_ROLES


def coordinated_teams(user):
    """The teams whose requests this user may redistribute: every active team for an admin."""
    if user.role is Role.ADMIN:
        return db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return [team for team in user.teams if may_redistribute(user, team)]


def redistribute(callback, *, assignee, by):
    """Give an open request to another member of its team, or to the team as a whole (assignee None)."""
    if not callback.is_open:
        raise CallbackRefused(_l("This callback request is already closed."))
    if not may_redistribute(by, callback.team):
        raise CallbackRefused(_l("Only the team's coordinator or an administrator can redistribute requests."))
    check_assignee(callback.team, assignee)
    if assignee == callback.assignee:
        raise CallbackRefused(gettext("The request is already with %(name)s.",
                                      name=assignee.name if assignee else callback.team.name))
    before = callback.assignee.name if callback.assignee else None
    callback.assignee = assignee
    callback.assigned_at = now_utc()
    record_callback_event(callback, "assigned", by, before=before, after=assignee.name if assignee else None)
    db.session.flush()


def workload(team):
    """(member, open requests) for every active member of the team, and the team's requests with nobody in
    particular: one grouped query."""
    counts = dict(db.session.execute(
        select(CallbackRequest.assignee_id, func.count())
        .where(CallbackRequest.team_id == team.id, CallbackRequest.status == CallbackStatus.OPEN)
        .group_by(CallbackRequest.assignee_id)
    ).all())
    members = sorted((member for member in team.members if member.active), key=lambda member: member.name)
    return [(member, counts.get(member.id, 0)) for member in members], counts.get(None, 0)


def team_members_of(team):
    """The active members a request of this team can go to, by name."""
    return db.session.scalars(
        select(User).join(team_members, team_members.c.user_id == User.id)
        .where(team_members.c.team_id == team.id, User.active).order_by(User.name)
    ).all()
