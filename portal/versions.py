"""One action at a time on a thing staff change (a report, a callback request, a letter): each action first raises
its version, provided it is still the version the person saw when their page was loaded.

A conditional UPDATE, and the first statement of the action's transaction: on PostgreSQL it takes the row lock,
so a second action on the same row waits and then finds the version changed; on SQLite it is the write that
opens the transaction (a write lock from its first statement, no snapshot to upgrade). Either way, two people
closing or extending the same report at the same moment never both succeed, and a person who acted on a page that
a colleague has changed since is told so instead of overwriting the colleague's work.
"""
from sqlalchemy import update

from portal.extensions import db


class ChangedMeanwhile(Exception):
    """A colleague changed the thing after this person's page was loaded; nothing was done."""


def seen_version(text, row):
    """The version a form says its page showed; a form without one (a page from before versions) counts as now."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else row.version


def take(row, seen):
    """Claim the row (a model with `id` and `version`) for this action, or raise ChangedMeanwhile. The caller
    commits (or rolls back)."""
    model = type(row)
    claimed = db.session.execute(
        update(model)
        .where(model.id == row.id, model.version == seen)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ChangedMeanwhile(row.id)
    db.session.refresh(row)  # the state this action works on is the state after the claim
