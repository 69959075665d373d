"""One action on a report at a time: each staff action first raises the report's version, provided it is still
the version the person saw when their page was loaded.

A conditional UPDATE, and the first statement of the action's transaction: on PostgreSQL it takes the row lock,
so a second action on the same report waits and then finds the version changed; on SQLite it is the write that
opens the transaction (a write lock from its first statement, no snapshot to upgrade). Either way, two people
closing or extending the same report at the same moment never both succeed, and a person who acted on a page that
a colleague has changed since is told so instead of overwriting the colleague's work.
"""
from sqlalchemy import update

from portal.extensions import db
from portal.reports.models import Report


class ChangedMeanwhile(Exception):
    """A colleague changed the report after this person's page was loaded; nothing was done."""


def seen_version(text, report):
    """The version a form says its page showed; a form without one (a page from before versions) counts as now."""
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else report.version


def take(report, seen):
    """Claim the report for this action, or raise ChangedMeanwhile. The caller commits (or rolls back)."""
    claimed = db.session.execute(
        update(Report)
        .where(Report.id == report.id, Report.version == seen)
        .values(version=Report.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise ChangedMeanwhile(report.id)
    db.session.refresh(report)  # the state this action works on is the state after the claim
