"""The work lists of callback requests: mine, my teams', all; open ones, most urgent first (urgent before
normal, then the earliest due date), and a count per list."""
from sqlalchemy import case, func
from sqlalchemy.orm import joinedload

from portal.calendar.clock import local_today
from portal.callbacks.assignment import callbacks_visible_to, own_team_ids
from portal.callbacks.models import CallbackRequest, CallbackStatus, UnreachableNotice, Urgency
from portal.callbacks.terms import late_condition
from portal.extensions import db
from portal.staff.access import READ_ALL

LIST_SIZE = 200
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


def listed(user, view, *, late_only=False, today=None):
    """The requests of one list, at most LIST_SIZE, with their team and person in the same query."""
    query = _in_view(user, view).options(joinedload(CallbackRequest.team), joinedload(CallbackRequest.assignee))
    if late_only:
        query = query.where(late_condition(today or local_today()))
    if view == "closed":
        query = query.order_by(CallbackRequest.closed_at.desc(), CallbackRequest.id.desc())
    else:
        query = query.order_by(*MOST_URGENT_FIRST)
    return db.session.scalars(query.limit(LIST_SIZE)).all()


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
