"""The municipality's closing days as admins keep them; weekends and general holidays need no entry."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.calendar.deadlines import is_working_day
from portal.calendar.models import ClosingDay
from portal.extensions import db
from portal.refusals import ManagementError


def add_closing_day(*, day: date, description):
    """A day the municipality is closed; weekends and general holidays are never working days already."""
    if day.weekday() >= 5:
        raise ManagementError(
            _l("This is a Saturday or Sunday. Weekends never count as working days, so you need not add it."),
            "day",
        )
    if not is_working_day(day, closing_days=()):
        raise ManagementError(
            _l("This is already a public holiday under the Algemene termijnenwet, so you need not add it."),
            "day",
        )
    if db.session.scalar(select(ClosingDay.id).where(ClosingDay.day == day)) is not None:
        raise ManagementError(_l("This day is already a closing day."), "day")
    closing_day = ClosingDay(day=day, description=description or "")
    db.session.add(closing_day)
    db.session.flush()
    return closing_day


def remove_closing_day(closing_day):
    db.session.delete(closing_day)
    db.session.flush()
