"""The work lists of callback requests: mine, my teams', all; open ones, most urgent first (urgent before
normal, then the earliest due date), and a count per list.

Each list is paged by keyset, as the reports' queue is (portal.reports.queue): the cursor is the last row's sort
key, so the thousandth page costs what the first does (no OFFSET), and every request can be reached.
"""
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.orm import joinedload, load_only

from portal.calendar.clock import local_today
from portal.callbacks.assignment import callbacks_visible_to, own_team_ids
from portal.callbacks.models import CallbackRequest, CallbackStatus, UnreachableNotice, Urgency
from portal.callbacks.terms import late_condition
from portal.extensions import db
from portal.staff.access import READ_ALL
from portal.staff.models import Team, User

LIST_SIZE = 200  # rows per page
MAX_ID = 2**31  # ids are INTEGER columns: 32 bits on PostgreSQL
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
VIEWS = ("mine", "team", "all", "closed")
# 'urgent' sorts after 'normal' as text: descending puts urgent first, and reads the partial indexes in order.
MOST_URGENT_FIRST = (CallbackRequest.urgency.desc(), CallbackRequest.due, CallbackRequest.id)


def views_for(user):
    """The lists this user has: everyone their own and their teams'; those who see every request, all."""
    views = ["mine"]
    if user.teams:
        views.append("team")
    if user.role in READ_ALL:
        views.append("all")
    views.append("closed")
    return views


def _in_view(user, view):
    query = callbacks_visible_to(user)
    if view == "closed":
        return query.where(CallbackRequest.status == CallbackStatus.DONE)
    query = query.where(CallbackRequest.status == CallbackStatus.OPEN)
    if view == "mine":
        return query.where(CallbackRequest.assignee_id == user.id)
    if view == "team":
        return query.where(CallbackRequest.team_id.in_(own_team_ids(user)))
    return query


def _listed_query(user, view, late_only, today):
    query = _in_view(user, view)
    if late_only:
        query = query.where(late_condition(today or local_today()))
    return query


def _after(view, cursor):
    """The rows after the cursor, in the list's order."""
    if view == "closed":
        return tuple_(CallbackRequest.closed_at, CallbackRequest.id) < tuple_(*cursor)
    urgency, due, request_id = cursor
    later = tuple_(CallbackRequest.due, CallbackRequest.id) > tuple_(due, request_id)
    # Urgent sorts before normal: after an urgent row come the later urgent ones and every normal one.
    if urgency is Urgency.URGENT:
        return or_(and_(CallbackRequest.urgency == Urgency.URGENT, later), CallbackRequest.urgency == Urgency.NORMAL)
    return and_(CallbackRequest.urgency == Urgency.NORMAL, later)


def page(user, view, *, late_only=False, after=None, size=LIST_SIZE, today=None):
    """One page of a list, with their team and person in the same query, and the cursor of the next page (None
    on the last). Open lists: most urgent first; the handled list: the last handled first."""
    # Only what a row shows (templates/admin/callbacks/_row.html), with its team and person in the same query.
    query = _listed_query(user, view, late_only, today).options(
        load_only(CallbackRequest.id, CallbackRequest.number, CallbackRequest.urgency, CallbackRequest.requested_action,
                  CallbackRequest.due, CallbackRequest.status, CallbackRequest.first_attempt_at,
                  CallbackRequest.first_attempt_on_time, CallbackRequest.failed_attempts,
                  CallbackRequest.unreachable_notice, CallbackRequest.letter_sent_at, CallbackRequest.closed_at,
                  CallbackRequest.team_id, CallbackRequest.assignee_id),
        joinedload(CallbackRequest.team).load_only(Team.id, Team.name),
        joinedload(CallbackRequest.assignee).load_only(User.id, User.name))
    if after is not None:
        query = query.where(_after(view, after))
    if view == "closed":
        query = query.order_by(CallbackRequest.closed_at.desc(), CallbackRequest.id.desc())
    else:
        query = query.order_by(*MOST_URGENT_FIRST)
    rows = db.session.scalars(query.limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    if not more:
        return rows, None
    last = rows[-1]
    return rows, ((last.closed_at, last.id) if view == "closed" else (last.urgency, last.due, last.id))


def listed(user, view, *, late_only=False, today=None):
    """The first page of a list."""
    return page(user, view, late_only=late_only, today=today)[0]


def total(user, view, *, late_only=False, today=None):
    """How many requests the list holds, over all its pages."""
    query = _listed_query(user, view, late_only, today)
    return db.session.scalar(select(func.count()).select_from(query.with_only_columns(CallbackRequest.id)
                                                              .subquery()))


def encode_cursor(view, cursor):
    """The cursor as a URL argument: "urgent.2026-12-04.123" for an open list, "<microseconds>.123" for handled."""
    if cursor is None:
        return None
    if view == "closed":
        moment, request_id = cursor
        return f"{(moment - EPOCH) // timedelta(microseconds=1)}.{request_id}"
    urgency, due, request_id = cursor
    return f"{urgency.value}.{due.isoformat()}.{request_id}"


def decode_cursor(view, text):
    """The cursor from a URL, or None when it is missing or malformed (then the first page is shown)."""
    parts = (text or "").split(".")
    try:
        if view == "closed" and len(parts) == 2:
            cursor = (EPOCH + timedelta(microseconds=int(parts[0])), int(parts[1]))
        elif view != "closed" and len(parts) == 3:
            cursor = (Urgency(parts[0]), date.fromisoformat(parts[1]), int(parts[2]))
        else:
            return None
    except (ValueError, OverflowError):
        return None
    # An id no database column can hold would make the driver fail, not the query find nothing.
    return cursor if 0 < cursor[-1] < MAX_ID else None


def counts(user, today=None):
    """Per open list: how many, how many late, how many wait for a letter; one query over the open requests."""
    today = today or local_today()
    query = callbacks_visible_to(user).where(CallbackRequest.status == CallbackStatus.OPEN)

    def number(condition):
        return func.count(case((condition, 1)))

    row = db.session.execute(query.with_only_columns(
        func.count(),
        number(CallbackRequest.assignee_id == user.id),
        number(CallbackRequest.team_id.in_(own_team_ids(user))),
        number(late_condition(today)),
        number(CallbackRequest.urgency == Urgency.URGENT),
        number((CallbackRequest.unreachable_notice == UnreachableNotice.LETTER)
               & CallbackRequest.letter_sent_at.is_(None)),
    )).one()
    return dict(zip(("all", "mine", "team", "late", "urgent", "letters"), row, strict=True))


def letters_to_send(user):
    """Requests whose resident we could not reach and who left no e-mail address: a letter is owed."""
    query = callbacks_visible_to(user).where(CallbackRequest.unreachable_notice == UnreachableNotice.LETTER,
                                             CallbackRequest.letter_sent_at.is_(None))
    return db.session.scalars(query.order_by(CallbackRequest.unreachable_notice_at, CallbackRequest.id)
                              .limit(LIST_SIZE)).all()


def by_number(user, number):
    """A visible request by its number, as typed ("tb abcd efgh"), or None."""
    compact = "".join((number or "").upper().split()).replace("-", "")
    if compact.startswith("TB"):
        compact = compact[2:]
    if len(compact) != 8:
        return None
    wanted = f"TB-{compact[:4]}-{compact[4:]}"
    return db.session.scalar(callbacks_visible_to(user).where(CallbackRequest.number == wanted))
