"""Reference rows every new report reads (the categories offered, the closing days), kept a few seconds per process.

After a bulk letter went wrong, thousands of residents report within the hour, and each submission would read the
same handful of rows again. So a process keeps what it read for SECONDS. A change is seen at once by the process that
made it (its copy is dropped when a change to the table is flushed, written with `db.session.execute`, committed
or rolled back) and by every other process (worker, host) within SECONDS. Until then the other process works with
the rows it read last: a report's receipt and its stored terms agree with each other, so no promise differs from what
is handled. Write these tables through the session, never on its bare connection, or this process will not notice.
"""
from itertools import count
from time import monotonic

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

SECONDS = 10


class KeptCopy:
    """What `load()` gave, kept per app for SECONDS, dropped when this process changes a row of `table`."""

    _all = []

    def __init__(self, table):
        self.table, self.key = table, f"meldpunt.kept.{table}"
        KeptCopy._all.append(self)

    def get(self, session, load):
        """The kept copy, or `load()` when it is older than SECONDS. A session that changed the table and has not
        committed yet reads its own rows, never kept: another request must not see them before the commit."""
        if self in session.info.get(_CHANGED, ()):
            return load()
        kept = current_app.extensions.get(self.key)
        now = monotonic()
        if kept is None or now - kept[0] > SECONDS:
            dropped = self._dropped()
            rows = load()
            # Kept only if no change was committed while loading (another thread's): else the old rows would stay.
            if self._dropped() == dropped:
                current_app.extensions[self.key] = (now, rows)
            return rows
        return kept[1]

    def forget(self):
        if has_app_context():
            current_app.extensions.pop(self.key, None)
            current_app.extensions[self.key + ".dropped"] = next(_DROPS)

    def _dropped(self):
        return current_app.extensions.get(self.key + ".dropped", 0)


_DROPS = count(1)
_CHANGED = "meldpunt.kept.changed"  # in a session's info: the copies its transaction changed


def _changed(session, copy):
    session.info.setdefault(_CHANGED, set()).add(copy)
    copy.forget()


@event.listens_for(Session, "after_flush")
def _forget_after_a_change(session, flush_context):
    changed = {getattr(thing, "__tablename__", None) for thing in (*session.new, *session.dirty, *session.deleted)}
    for copy in KeptCopy._all:
        if copy.table in changed:
            _changed(session, copy)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_a_bulk_change(execute_state):
    if execute_state.is_select:
        return
    table = getattr(execute_state.statement, "table", None)  # an INSERT's, UPDATE's or DELETE's, also of a class
    for copy in KeptCopy._all:
        if getattr(table, "name", None) == copy.table:
            _changed(execute_state.session, copy)


@event.listens_for(Session, "after_transaction_end")
def _forget_when_the_transaction_ends(session, transaction):
    # Again when the whole transaction ends (not a savepoint: the change is still uncommitted then): another request
    # of this process may have read the rows in between; after a rollback, the rows as they were are read again.
    if transaction.parent is None:
        for copy in session.info.pop(_CHANGED, ()):
            copy.forget()
