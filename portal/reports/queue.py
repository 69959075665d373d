"""The staff queues: open reports, most urgent first, filtered, searched, counted, and paged by keyset.

Three views: "new" (not yet sent to a team: the KCC's own work, oldest due first, as DESIGN.md asks; reports that
wait for a team no longer stand above today's new ones), "mine" (assigned to the person looking) and "all" (the
most urgent first).
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, func, select, tuple_
from sqlalchemy.orm import joinedload, load_only

from portal.calendar.clock import local_today, start_of_local_day
from portal.extensions import db
from portal.reference.models import Category
from portal.reports import search
from portal.reports.models import OPEN_CONDITION, OPEN_STATUSES, Channel, Report, ReportStatus
from portal.staff.access import reports_visible_to
from portal.staff.models import User
from portal.staff.teams import team_id_by_code

PAGE_SIZE = 50
MAX_ID = 2**31  # ids are INTEGER columns: 32 bits on PostgreSQL
VIEWS = ("new", "mine", "all")


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
    unsent: bool = False  # new and not yet sent to a team
    assignee_id: int | None = None


def view_filters(view, user):
    """What a view adds to the filters."""
    if view == "new":
        return {"unsent": True}
    if view == "mine":
        return {"assignee_id": user.id}
    return {}


def _start_of_day(day, days_later=0):
    """When that day (plus days_later) begins, as a UTC moment; None when there is no day, or when the calendar
    ends before it (9999-12-31 or 0001-01-01, which bound nothing)."""
    if day is None:
        return None
    try:
        return start_of_local_day(day + timedelta(days=days_later))
    except OverflowError:
        return None


def _by_status(user, filters):
    statuses = set(filters.statuses)
    if filters.unsent:
        statuses &= {ReportStatus.NEW}
    query = reports_visible_to(user)
    if statuses == set(OPEN_STATUSES):
        # Word for word the predicate of the partial indexes: SQLite only uses one when it can see that.
        return query.where(OPEN_CONDITION)
    if statuses == set(ReportStatus):
        return query
    if len(statuses) == 1:
        # One status as an equality, so that an index on (…, status, next_due, id) is read in order and the
        # page stops after its rows ("new, not yet sent": the latest 51 of thousands, not all of them sorted).
        return query.where(Report.status == statuses.pop())
    return query.where(Report.status.in_(sorted(statuses, key=lambda status: status.value)))


def filtered(user, filters: QueueFilters, today=None):
    today = today or local_today()
    query = _by_status(user, filters)
    if filters.category:
        query = query.where(Report.category_id == select(Category.id).where(Category.code == filters.category)
                            .scalar_subquery())
    if filters.team == "none":
        query = query.where(Report.team_id.is_(None))
    elif filters.team:
        query = query.where(Report.team_id == team_id_by_code(filters.team))
    if filters.team_ids:
        query = query.where(Report.team_id.in_(filters.team_ids))
    if filters.unsent:
        query = query.where(Report.team_id.is_(None))  # and new: see _by_status
    if filters.assignee_id is not None:
        query = query.where(Report.assignee_id == filters.assignee_id)
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
        query = query.where(search.condition(filters.text))
    return query


def page(user, filters: QueueFilters, *, after=None, size=PAGE_SIZE, today=None):
    """One page of the queue and the cursor of the next one (None on the last page).

    Ordered by the next term to meet, then id: the most overdue first.
    The cursor is the last row's (next_due, id), so a page costs the same at the millionth report as at the
    first (no OFFSET).
    """
    query = filtered(user, filters, today)
    key = tuple_(Report.next_due, Report.id)
    if after is not None:
        query = query.where(key > tuple_(*after))
    order = (Report.next_due, Report.id)
    # Only what a queue row shows, with its category, team and person in the same query (no query per row).
    query = query.options(
        load_only(Report.id, Report.reference, Report.received_at, Report.status, Report.next_due,
                  Report.first_contact_due, Report.first_contact_at, Report.category_id, Report.team_id,
                  Report.assignee_id),
        joinedload(Report.category),
        joinedload(Report.team),
        joinedload(Report.assignee).load_only(User.id, User.name),
    )
    rows = db.session.scalars(query.order_by(*order).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    cursor = (rows[-1].next_due, rows[-1].id) if more else None
    return rows, cursor


def next_term(report):
    """Which term the report's next_due is: "first_contact" until first contact was recorded, then "closing"."""
    waiting = report.first_contact_at is None and report.next_due == report.first_contact_due
    return "first_contact" if waiting else "closing"


def counts(user, filters: QueueFilters, today=None):
    """The count boxes: the open reports of the page (every one the user may see, or their teams'), in one pass.

    Not narrowed by the other filters or the search: each box is a list of its own, and counting only open
    reports, on their own small index, costs the same at a million reports as at a thousand.
    """
    today = today or local_today()
    query = reports_visible_to(user).where(OPEN_CONDITION)
    if filters.team_ids:
        query = query.where(Report.team_id.in_(filters.team_ids))

    def number(condition):
        return func.count(case((condition, 1)))

    row = db.session.execute(query.with_only_columns(
        func.count(),
        number(and_(Report.status == ReportStatus.NEW, Report.team_id.is_(None))),
        number(Report.assignee_id == user.id),
        number(Report.next_due < today),
        *(number(Report.status == status) for status in OPEN_STATUSES),
    )).one()
    open_count, unsent, mine, overdue, *per_status = row
    return {"open": open_count, "unsent": unsent, "mine": mine, "overdue": overdue,
            "by_status": dict(zip(OPEN_STATUSES, per_status, strict=True))}


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
