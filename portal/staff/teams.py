"""Teams: the one look-up by code, and teams as admins create, edit and (de)activate them."""
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.reference.models import Category
from portal.refusals import ManagementError, taken
from portal.staff.models import Team


def normalise_code(code):
    """Team codes are written in capitals (BZ, KCC); what people type is read that way."""
    return (code or "").strip().upper()


def team_by_code(code, *, active_only=False):
    """The team with this code, or None."""
    query = select(Team).where(Team.code == normalise_code(code))
    if active_only:
        query = query.where(Team.active)
    return db.session.scalar(query)


def members_of(teams):
    """(team, member) for every active member of these teams, by team and then name."""
    return [(team, member) for team in teams
            for member in sorted((m for m in team.members if m.active), key=lambda m: m.name)]


def team_id_by_code(code):
    """The team's id as a subquery, for filters that should cost no extra round trip."""
    return select(Team.id).where(Team.code == normalise_code(code)).scalar_subquery()


def teams_by_code(codes):
    """The teams with these codes; ManagementError naming any code that does not exist."""
    wanted = {normalise_code(code) for code in codes}
    teams = db.session.scalars(select(Team).where(Team.code.in_(wanted))).all()
    missing = wanted - {team.code for team in teams}
    if missing:
        raise ManagementError(gettext("Unknown team: %(codes)s", codes=", ".join(sorted(missing))), "teams")
    return teams


def assignable_teams(current=()):
    """Active teams, plus any inactive ones given (so that a form shows what is already chosen)."""
    teams = db.session.scalars(select(Team).where(Team.active).order_by(Team.name)).all()
    return teams + [team for team in current if not team.active and team not in teams]


def create_team(*, code, name, email):
    code = normalise_code(code)
    if taken(Team, code=code):
        raise ManagementError(_l("A team with this code already exists."), "code")
    team = Team(code=code, name=name.strip(), email=email or None, active=True)
    db.session.add(team)
    db.session.flush()
    return team


def update_team(team, *, name, email):
    team.name = name
    team.email = email or None
    db.session.flush()


def set_team_active(team, *, active):
    if not active:
        defaults = db.session.scalars(
            select(Category.name_nl).where(Category.default_team_id == team.id).order_by(Category.position)
        ).all()
        if defaults:
            raise ManagementError(gettext(
                "This team is the default team of: %(categories)s. Choose another default team there first.",
                categories=", ".join(defaults),
            ))
    team.active = active
    db.session.flush()
