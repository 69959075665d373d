"""The officialese list the admins keep: the active pairs for the check, and adding, changing or switching off a pair.

Phrases are stored as the check matches them: lower case, single spaces. The analysis (portal.letters.analysis)
takes the dict that officialese_pairs() returns; `flask letters check` reads it too (portal.letters.cli).
"""
from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from portal.extensions import db
from portal.letters.models import LetterSettings, OfficialesePair
from portal.letters.officialese_seed import OFFICIALESE

PHRASE_MAX, PLAIN_MAX = 100, 200


class PairRefused(Exception):
    """A pair that cannot be saved: `.reason` is "duplicate" (the phrase is on the list already) or "empty"."""

    def __init__(self, reason):
        self.reason = reason
        super().__init__(reason)


def normalise_phrase(text):
    """A phrase as the check matches it: lower case, whitespace collapsed."""
    return " ".join((text or "").lower().split())


def officialese_pairs():
    """{phrase: plain alternative} of the active pairs. Without an app (the check used as a library) or before the
    migrations ran (a fresh checkout), the seed list: the check itself needs no database."""
    if not has_app_context():
        return dict(OFFICIALESE)
    try:
        rows = db.session.execute(select(OfficialesePair.phrase, OfficialesePair.plain)
                                  .where(OfficialesePair.active)).all()
    except (OperationalError, ProgrammingError):  # no such table yet
        db.session.rollback()
        return dict(OFFICIALESE)
    return {phrase: plain for phrase, plain in rows}


def all_pairs():
    """Every pair, active or not, alphabetically."""
    return db.session.scalars(select(OfficialesePair).order_by(OfficialesePair.phrase)).all()


def _check(phrase, plain, pair_id=None):
    if not phrase or not plain.strip():
        raise PairRefused("empty")
    taken = db.session.scalar(select(OfficialesePair.id).where(OfficialesePair.phrase == phrase))
    if taken is not None and taken != pair_id:
        raise PairRefused("duplicate")


def add_pair(phrase, plain):
    """A new active pair; PairRefused when the phrase is empty or on the list already. The caller commits."""
    phrase = normalise_phrase(phrase)
    _check(phrase, plain)
    pair = OfficialesePair(phrase=phrase, plain=plain.strip(), active=True)
    db.session.add(pair)
    db.session.flush()
    return pair


def change_pair(pair, *, phrase, plain, active):
    """Change a pair's phrase, alternative and whether the check uses it. The caller commits."""
    phrase = normalise_phrase(phrase)
    _check(phrase, plain, pair.id)
    pair.phrase, pair.plain, pair.active = phrase, plain.strip(), bool(active)
    db.session.flush()
    return pair


def b1_target():
    """The share of approved letters that should be at B1 (0.8 is 80%)."""
    settings = db.session.get(LetterSettings, 1)
    return settings.b1_target if settings else 0.80


def set_b1_target(share):
    """Set the target share (a fraction between 0 and 1). The caller commits."""
    settings = db.session.get(LetterSettings, 1)
    if settings is None:
        settings = LetterSettings(id=1, b1_target=share)
        db.session.add(settings)
    settings.b1_target = share
    db.session.flush()
