"""The categories the resident's form offers, kept a few seconds per process.

The report form is the busiest page: after a bulk letter went wrong, thousands of residents send it within the hour,
and each submission would read the same handful of categories again. So every process keeps a copy of the active
categories for CACHE_SECONDS. A change an admin makes is seen at once by the process that made it (the copy is
dropped when a change to a category is flushed or committed) and by every other process within CACHE_SECONDS.
Until then another process offers, and files reports under, the categories and terms it read last: the receipt and
the stored terms agree, so no promise differs from what is handled.
Staff pages read the categories themselves, always fresh.
"""
import time
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.i18n import Bilingual
from portal.reference.models import Category

CACHE_SECONDS = 10
_CACHE_KEY = "meldpunt.offered_categories"
_CHANGED_KEY = "meldpunt.categories_changed"


@dataclass(frozen=True)
class OfferedCategory(Bilingual):
    """A category as the form shows it and a new report needs it (its terms); not bound to any session."""

    id: int
    code: str
    name_nl: str
    name_en: str
    help_nl: str
    help_en: str
    first_contact_days: int
    closing_days: int

    def name(self, language=None):
        return self.text_in("name", language)

    def help(self, language=None):
        return self.text_in("help", language)


_ACTIVE = (
    select(*(Category.__table__.c[field] for field in OfferedCategory.__dataclass_fields__))
    .where(Category.__table__.c.active)
    .order_by(Category.__table__.c.position, Category.__table__.c.id)
)


def offered_categories():
    """The active categories in the form's order, at most CACHE_SECONDS old."""
    kept = current_app.extensions.get(_CACHE_KEY)
    now = time.monotonic()
    if kept is None or now - kept[0] > CACHE_SECONDS:
        categories = tuple(OfferedCategory(**row._mapping) for row in db.session.connection().execute(_ACTIVE))
        kept = (now, categories)
        current_app.extensions[_CACHE_KEY] = kept
    return kept[1]


def forget_offered_categories():
    if has_app_context():
        current_app.extensions.pop(_CACHE_KEY, None)


@event.listens_for(Session, "after_flush")
def _forget_after_a_change(session, flush_context):
    if any(isinstance(thing, Category) for thing in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED_KEY] = True
        forget_offered_categories()


@event.listens_for(Session, "do_orm_execute")
def _forget_after_a_bulk_change(execute_state):
    table = getattr(execute_state.statement, "table", None)  # an UPDATE's or DELETE's (also of the ORM class)
    if not execute_state.is_select and getattr(table, "name", None) == Category.__tablename__:
        execute_state.session.info[_CHANGED_KEY] = True
        forget_offered_categories()


@event.listens_for(Session, "after_commit")
def _forget_after_the_commit(session):
    # Again at the commit: another request of this process may have read the old rows in between.
    if session.info.pop(_CHANGED_KEY, False):
        forget_offered_categories()
