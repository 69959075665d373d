"""A new report reads the closing days once for both its terms (it read them twice), or not at all when this process
read them less than portal.kept.SECONDS ago; a closing day that is added, changed or removed in this process still
counts at once, as when every term asked the database, and one changed elsewhere within those seconds."""
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, event, update

from portal.calendar.deadlines import due_date, is_working_day, working_days_between

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
RECEIVED = datetime(2026, 5, 13, 12, tzinfo=AMSTERDAM)  # the day before Ascension
FRIDAY_AFTER_ASCENSION = date(2026, 5, 15)


@contextmanager
def closing_day_queries(db):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM closing_days" in " ".join(statement.split()):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_a_new_report_reads_the_closing_days_once(app, db, make_report):
    from portal.models import ClosingDay

    db.session.add(ClosingDay(day=FRIDAY_AFTER_ASCENSION, description="Vrijdag na Hemelvaart"))
    db.session.commit()
    with closing_day_queries(db) as statements:
        report = make_report(received_at=RECEIVED, commit=False)
    assert len(statements) == 1
    # The one read still counts the closing day for both terms.
    assert report.first_contact_due == due_date(RECEIVED, report.category.first_contact_days,
                                                closing_days={FRIDAY_AFTER_ASCENSION})
    assert report.closing_due == due_date(RECEIVED, report.category.closing_days,
                                          closing_days={FRIDAY_AFTER_ASCENSION})
    db.session.rollback()


def test_a_closing_day_added_in_the_same_transaction_counts_at_once(app, db):
    from portal.models import ClosingDay

    assert due_date(RECEIVED, 1) == date(2026, 5, 15)
    closing_day = ClosingDay(day=FRIDAY_AFTER_ASCENSION, description="Vrijdag na Hemelvaart")
    db.session.add(closing_day)  # not flushed yet
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)
    assert not is_working_day(FRIDAY_AFTER_ASCENSION)
    closing_day.day = date(2026, 5, 18)  # changed: the Monday instead
    assert due_date(RECEIVED, 1) == date(2026, 5, 15)
    assert due_date(RECEIVED, 2) == date(2026, 5, 19)
    db.session.delete(closing_day)
    assert due_date(RECEIVED, 2) == date(2026, 5, 18)


def test_a_closing_day_written_with_sql_or_rolled_back_counts_at_once(app, db):
    from portal.models import ClosingDay

    db.session.add(ClosingDay(day=FRIDAY_AFTER_ASCENSION, description="Vrijdag na Hemelvaart"))
    db.session.commit()
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)
    db.session.execute(update(ClosingDay).values(day=date(2026, 5, 18)))
    assert due_date(RECEIVED, 2) == date(2026, 5, 19)
    db.session.execute(delete(ClosingDay))
    assert due_date(RECEIVED, 1) == date(2026, 5, 15)
    db.session.rollback()  # the delete is undone: the Friday is closed again
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)
    db.session.add(ClosingDay(day=date(2026, 5, 19), description="Tijdelijk"))
    db.session.flush()
    assert due_date(RECEIVED, 2) == date(2026, 5, 20)
    db.session.rollback()  # never committed: gone again
    assert due_date(RECEIVED, 2) == date(2026, 5, 19)


def test_a_shorter_range_is_answered_from_the_same_read(app, db):
    from portal.models import ClosingDay

    db.session.add_all([ClosingDay(day=FRIDAY_AFTER_ASCENSION, description="a"),
                        ClosingDay(day=date(2026, 7, 1), description="b")])
    db.session.commit()
    with closing_day_queries(db) as statements:
        due_date(RECEIVED, 30)
        between = working_days_between(date(2026, 5, 14), date(2026, 6, 30))
        later = working_days_between(date(2026, 6, 1), date(2026, 7, 31))
    assert len(statements) == 1
    assert between == working_days_between(date(2026, 5, 14), date(2026, 6, 30),
                                           closing_days={FRIDAY_AFTER_ASCENSION})
    assert later == working_days_between(date(2026, 6, 1), date(2026, 7, 31), closing_days={date(2026, 7, 1)})
    # Every closing day was read: an earlier start needs no second read either.
    with closing_day_queries(db) as statements:
        assert working_days_between(date(2026, 5, 1), date(2026, 5, 31)) == working_days_between(
            date(2026, 5, 1), date(2026, 5, 31), closing_days={FRIDAY_AFTER_ASCENSION})
    assert statements == []


def test_reports_in_a_burst_read_the_closing_days_once_for_all(app, db, make_report):
    with closing_day_queries(db) as statements:
        for _ in range(5):
            make_report(received_at=RECEIVED)
    assert len(statements) == 1


def test_a_closing_day_not_yet_committed_counts_for_its_own_transaction_only(app, db):
    from portal.extensions import db as database
    from portal.models import ClosingDay

    def elsewhere():
        # Another request of this process: its own app context, its own session.
        with app.app_context():
            try:
                return due_date(RECEIVED, 1)
            finally:
                database.session.remove()

    assert elsewhere() == date(2026, 5, 15)
    db.session.add(ClosingDay(day=FRIDAY_AFTER_ASCENSION, description="Vrijdag na Hemelvaart"))
    db.session.flush()
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)
    assert elsewhere() == date(2026, 5, 15), "a closing day nobody committed yet must not count for others"
    with db.session.begin_nested():  # a savepoint ending commits nothing yet
        pass
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)
    assert elsewhere() == date(2026, 5, 15), "still not, after a savepoint"
    db.session.commit()
    assert elsewhere() == date(2026, 5, 18), "once committed it counts at once in this process"


def test_a_closing_day_added_elsewhere_counts_within_the_seconds_it_is_kept(app, db, monkeypatch):
    from portal import kept
    from portal.models import ClosingDay

    assert due_date(RECEIVED, 1) == date(2026, 5, 15)
    # Another process (another worker, another host) adds the day: nothing of this process hears of it.
    with db.engine.begin() as connection:
        connection.execute(ClosingDay.__table__.insert().values(day=FRIDAY_AFTER_ASCENSION, description="Elders"))
    db.session.rollback()  # a new transaction, as a new request has
    later = kept.monotonic() + kept.SECONDS + 0.1
    monkeypatch.setattr(kept, "monotonic", lambda: later)
    assert due_date(RECEIVED, 1) == date(2026, 5, 18)


def test_rows_read_while_a_change_was_committed_are_not_kept(app, db):
    """A threaded server: another thread commits a change while this one reads; what this one read is the old
    state, so it must not be kept for the others."""
    from portal.calendar.deadlines import _KEPT_CLOSING_DAYS as kept

    loads = []

    def read_during_a_commit():
        loads.append("during")
        kept.forget()  # what the other thread's commit does
        return frozenset({FRIDAY_AFTER_ASCENSION})

    assert kept.get(db.session(), read_during_a_commit) == {FRIDAY_AFTER_ASCENSION}
    assert kept.get(db.session(), lambda: loads.append("after") or frozenset()) == frozenset()
    assert loads == ["during", "after"]
