"""Targets for the headline figures: the levels admins set for the municipality and for categories, and team
leads for their team; each change written down; each figure judged against its level."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.figures.definitions import FIGURE_KIND, FIGURE_LABEL, Headline, format_figure
from portal.figures.models import Target, TargetChange, TargetDirection


@dataclass(frozen=True)
class TargetCheck:
    """A headline figure against its target: met, not met, or None while there is no figure yet."""

    code: str
    value: float | None
    target: float
    direction: TargetDirection
    is_watch: bool

    @property
    def met(self):
        if self.value is None:
            return None
        return self.value >= self.target if self.direction is TargetDirection.AT_LEAST else self.value <= self.target

    @property
    def kind(self):
        return FIGURE_KIND[self.code]

    @property
    def label(self):
        return FIGURE_LABEL[self.code]

    @property
    def display_value(self):
        return format_figure(self.value, self.kind)

    @property
    def level_text(self):
        level = format_figure(self.target, self.kind)
        if self.direction is TargetDirection.AT_LEAST:
            return _l("at least %(level)s", level=level)
        return _l("at most %(level)s", level=level)

    @property
    def result_text(self):
        """Plain words, never only a colour: met or not met (within or above the level for a watch figure)."""
        if self.met is None:
            return _l("no figure yet")
        if self.is_watch:
            return _l("within the watch level") if self.met else _l("above the watch level")
        return _l("met") if self.met else _l("not met")


@dataclass(frozen=True)
class Level:
    """A target as the figures judge it: the level, its direction, and whether it is a watch figure."""

    value: float
    direction: TargetDirection
    is_watch: bool = False

    def as_data(self):
        return {"value": self.value, "direction": self.direction.value, "is_watch": self.is_watch}

    @classmethod
    def from_data(cls, data):
        return cls(data["value"], TargetDirection(data["direction"]), data["is_watch"])


def _level(target):
    return Level(target.value, target.direction, target.is_watch)


def targets(team_id=None):
    """{figure code: Level}: the municipality's targets, with a team's own levels in their place when given."""
    rows = db.session.scalars(select(Target).where(
        Target.category_id.is_(None), or_(Target.team_id.is_(None), Target.team_id == team_id),
    ).order_by(Target.id)).all()
    levels = {row.code: _level(row) for row in rows if row.team_id is None}
    levels.update({row.code: _level(row) for row in rows if row.team_id is not None})
    return levels


def own_targets(*, team=None, category=None):
    """{figure code: Level} of the levels a team or a category set of its own."""
    query = select(Target).where(
        Target.team_id == team.id if team else Target.team_id.is_(None),
        Target.category_id == category.id if category else Target.category_id.is_(None),
    )
    return {row.code: _level(row) for row in db.session.scalars(query)}


def category_targets():
    """{category id: {figure code: Level}}: the targets set for the reports of one category."""
    result = {}
    for row in db.session.scalars(select(Target).where(Target.category_id.isnot(None)).order_by(Target.id)):
        result.setdefault(row.category_id, {})[row.code] = _level(row)
    return result


def check_targets(headline: Headline, levels: dict):
    return [
        TargetCheck(code, headline.value(code), target.value, target.direction, target.is_watch)
        for code, target in levels.items()
        if code in FIGURE_KIND
    ]


def _scoped(code, team_id, category_id):
    return db.session.scalar(select(Target).where(
        Target.code == code,
        Target.team_id.is_(None) if team_id is None else Target.team_id == team_id,
        Target.category_id.is_(None) if category_id is None else Target.category_id == category_id,
    ))


def set_target(code, value, *, team=None, category=None, by=None):
    """Set (or with None, for a team or a category, remove) a target's level and write the change down.

    A team's or category's target aims the same way as the municipality's for that figure. Flushes; the caller
    commits. Returns whether anything changed.
    """
    municipal = _scoped(code, None, None)
    if municipal is None:
        raise KeyError(code)
    team_id, category_id = (team.id if team else None), (category.id if category else None)
    target = municipal if team is None and category is None else _scoped(code, team_id, category_id)
    old = target.value if target is not None else None
    new = float(value) if value is not None else None
    if new is None and target is municipal:
        raise ValueError("the municipality's target cannot be removed")
    if old == new:
        return False
    if new is None:
        db.session.delete(target)
    elif target is None:
        db.session.add(Target(code=code, team_id=team_id, category_id=category_id, value=new,
                              direction=municipal.direction, is_watch=municipal.is_watch, updated_at=now_utc()))
    else:
        target.value, target.updated_at = new, now_utc()
    db.session.add(TargetChange(changed_at=now_utc(), code=code, team_id=team_id, category_id=category_id,
                                old_value=old, new_value=new, changed_by_id=by.id if by else None,
                                changed_by=by.name if by else None))
    db.session.flush()
    return True


def target_history(team_id=None, category_id=None, limit=50):
    """The latest changes of one scope's targets, newest first: the municipality's, a team's or a category's."""
    query = select(TargetChange).order_by(TargetChange.id.desc()).limit(limit).where(
        TargetChange.team_id.is_(None) if team_id is None else TargetChange.team_id == team_id,
        TargetChange.category_id.is_(None) if category_id is None else TargetChange.category_id == category_id,
    )
    return db.session.scalars(query).all()
