"""The categories the resident's form offers, kept a few seconds per process (portal.kept): the report form is the
busiest page. Staff pages read the categories themselves, always fresh."""
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.i18n import Bilingual
from portal.kept import KeptCopy
from portal.reference.models import Category


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
_KEPT = KeptCopy(Category.__tablename__)


def offered_categories():
    """The active categories in the form's order, at most portal.kept.SECONDS old."""
    session = db.session()
    return _KEPT.get(session, lambda: tuple(
        OfferedCategory(**row._mapping) for row in session.connection().execute(_ACTIVE)))
