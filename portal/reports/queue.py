"""The staff queues: open reports, most urgent first, filtered, counted, and paged by keyset."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select, tuple_
from sqlalchemy.orm import joinedload, load_only

from portal.calendar.clock import local_today, start_of_local_day
from portal.extensions import db
from portal.reference.models import Category
from portal.reports.models import OPEN_CONDITION, OPEN_STATUSES, Channel, Report
from portal.reports.references import normalise
from portal.staff.access import reports_visible_to
from portal.staff.teams import team_id_by_code

PAGE_SIZE = 50
MAX_ID = 2**31  # ids are INTEGER columns: 32 bits on PostgreSQL


@dataclass
class QueueFilters:
    statuses: tuple = OPEN_STATUSES
    category: str | None = None
    team: str | None = None  # a team code, or "none" for reports not yet sent to a team
    channel: str | None = None
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    text: str | None = None
    team_ids: tuple = field(default=())  # "my teams" queue: limit to these teams


def _escape_like(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of_day(day, days_later=0):
    """When that day (plus days_later) begins, as a UTC moment; None when there is no day, or when the calendar
    ends before it (9999-12-31 or 0001-01-01, which bound nothing)."""
    if day is None:
        return None
    try:
        return start_of_local_day(day + timedelta(days=days_later))
    except OverflowError:
        return None


def filtered(user, filters: QueueFilters, today=None):
    today = today or local_today()
    if set(filters.statuses) == set(OPEN_STATUSES):
        # Word for word the predicate of the partial indexes: SQLite only uses one when it can see that.
        query = reports_visible_to(user).where(OPEN_CONDITION)
    else:
        query = reports_visible_to(user).where(Report.status.in_(filters.statuses))
    if filters.category:
        query = query.where(Report.category_id == select(Category.id).where(Category.code == filters.category)
                            .scalar_subquery())
    if filters.team == "none":
        query = query.where(Report.team_id.is_(None))
    elif filters.team:
        query = query.where(Report.team_id == team_id_by_code(filters.team))
    if filters.team_ids:
        query = query.where(Report.team_id.in_(filters.team_ids))
    if filters.channel:
        query = query.where(Report.channel == Channel(filters.channel))
    if filters.overdue:
        query = query.where(Report.next_due < today, Report.status.in_(OPEN_STATUSES))
    starts = _start_of_day(filters.received_from)
    if starts is not None:
        query = query.where(Report.received_at >= starts)
    ends = _start_of_day(filters.received_to, days_later=1)
    if ends is not None:
        query = query.where(Report.received_at < ends)
    if filters.text:
        # Text that could be a reference is searched as one too ("afvalpas" has the shape of MC-AFVA-LPAS).
        matches = Report.description.ilike(f"%{_escape_like(filters.text)}%", escape="\\")
        reference = normalise(filters.text)
        query = query.where(or_(Report.reference == reference, matches) if reference else matches)
    return query


def page(user, filters: QueueFilters, *, after=None, size=PAGE_SIZE, today=None):
    """One page of the queue and the cursor of the next one (None on the last page).

    Ordered by the next term to meet, then id: the most overdue first. The cursor is the last row's
    (next_due, id), so a page costs the same at the millionth report as at the first (no OFFSET).
    """
    query = filtered(user, filters, today)
    if after is not None:
        query = query.where(tuple_(Report.next_due, Report.id) > tuple_(*after))
    # Only what a queue row shows, with its category and team in the same query (no query per row).
    query = query.options(
        load_only(Report.id, Report.reference, Report.received_at, Report.status, Report.next_due,
                  Report.category_id, Report.team_id),
        joinedload(Report.category),
        joinedload(Report.team),
    )
    rows = db.session.scalars(query.order_by(Report.next_due, Report.id).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    cursor = (rows[-1].next_due, rows[-1].id) if more else None
    return rows, cursor


def counts(user, filters: QueueFilters, today=None):
    """How many reports each chosen status holds under the filters, and how many open ones are overdue.

    Only the chosen statuses are counted (by default the open ones): counting every closed report on each
    page view would cost a scan of the whole table.
    """
    today = today or local_today()
    base = filtered(user, filters, today).subquery()
    by_status = dict(
        db.session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all()
    )
    overdue = db.session.scalar(
        select(func.count()).select_from(base).where(base.c.next_due < today, base.c.status.in_(OPEN_STATUSES))
    )
    return {"by_status": {status: by_status.get(status, 0) for status in filters.statuses}, "overdue": overdue}


def encode_cursor(cursor):
    return f"{cursor[0].isoformat()}.{cursor[1]}" if cursor else None


def decode_cursor(text):
    """The cursor from a URL, or None when it is missing or malformed."""
    try:
        day, _, report_id = (text or "").partition(".")
        cursor = (date.fromisoformat(day), int(report_id))
    except ValueError:
        return None
    # An id no database column can hold would make the driver fail, not the query find nothing.
    return cursor if 0 < cursor[1] < MAX_ID else None
