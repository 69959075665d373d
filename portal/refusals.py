"""A change an admin asked for that breaks a rule: the message for them and the form field it concerns."""
from sqlalchemy import func, select

from portal.extensions import db


class ManagementError(ValueError):
    """A rule about reference data or accounts was broken; `field` names the form field it concerns."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def taken(model, **where):
    """Whether a row with these values exists, ignoring letter case: codes and addresses are unique that way."""
    query = select(model.id)
    for column, value in where.items():
        query = query.where(func.lower(getattr(model, column)) == value.strip().lower())
    return db.session.scalar(query.limit(1)) is not None
