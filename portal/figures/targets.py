"""Targets for the headline figures: the levels admins set, and each figure judged against its level."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar.clock import now_utc
from portal.extensions import db
from portal.figures.definitions import FIGURE_KIND, FIGURE_LABEL, Headline, format_figure
from portal.figures.models import Target, TargetDirection


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


def targets():
    """{figure code: Target} as the admin set them."""
    return {target.code: target for target in db.session.scalars(select(Target).order_by(Target.id))}


def check_targets(headline: Headline, levels: dict):
    return [
        TargetCheck(code, headline.value(code), target.value, target.direction, target.is_watch)
        for code, target in levels.items()
        if code in FIGURE_KIND
    ]


def set_target(code, value):
    """Change a target's level (a fraction for shares, a grade for the mean grade); flushes, the caller commits."""
    target = db.session.scalar(select(Target).where(Target.code == code))
    if target is None:
        raise KeyError(code)
    target.value = float(value)
    target.updated_at = now_utc()
    db.session.flush()
    return target
