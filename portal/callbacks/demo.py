"""Synthetic but realistic callback requests for seed-demo and benchmarks, inserted in bulk (COPY on PostgreSQL).

Spread over the past months on working days during office hours; late ones (no call by the due day) fall from
about 58% a year ago towards 20% now, as the municipality's target asks; some late ones became a report "nobody
called me back", linked to the request (a broken promise). History events are not generated.
"""
import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal.calendar import deadlines
from portal.calendar.clock import LOCAL_ZONE, local_today, now_utc
from portal.calendar.models import ClosingDay
from portal.callbacks.models import CallbackReportLink, CallbackRequest, CallbackStatus, ContactAttempt, Urgency
from portal.extensions import db
from portal.operations import bulk
from portal.operations.demo_municipality import FIRST_NAMES, LAST_NAMES, ensure_demo_teams
from portal.reference.models import Category
from portal.reports.models import Channel, Report
from portal.reports.references import ALPHABET

CHUNK = 5000
QUESTIONS = ("Vraag over de aanslag gemeentelijke belastingen", "Wanneer wordt mijn container geleegd?",
             "Status van mijn vergunningaanvraag", "Afspraak voor een paspoort verzetten",
             "Vraag over de bijzondere bijstand", "Melding over losliggende stoeptegels: wat is de stand?")


def generate_callbacks(count, *, seed=None, months=12, progress=None):
    """Insert `count` callback requests registered over the past `months` months; returns how many."""
    rng = random.Random(seed)
    teams = [team for team in ensure_demo_teams()[0].values() if team.active]
    today, now = local_today(), now_utc()
    first_day = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    closing = frozenset(db.session.scalars(select(ClosingDay.day)))
    calendar = deadlines.WorkingCalendar(first_day - timedelta(days=7), today + timedelta(days=120), closing)
    days = [first_day + timedelta(days=n) for n in range((today - first_day).days + 1)]
    days = [day for day in days if calendar.is_working_day(day)] or [today]
    reports = _callback_report_ids()
    used = set(db.session.scalars(select(CallbackRequest.number)))
    next_id = bulk.next_id(CallbackRequest.__table__)
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        rows, attempts, links = [], [], []
        for request_id in range(next_id, next_id + size):
            day = rng.choice(days)
            row, attempt = _one(rng, calendar, rng.choice(teams), day, (day - first_day).days / max(len(days), 1),
                                now, today)
            row.update(id=request_id, number=_number(rng, used))
            rows.append(row)
            if attempt:
                attempts.append({**attempt, "callback_request_id": request_id})
            if reports and row["first_attempt_on_time"] is not True and rng.random() < 0.08:
                links.append({"callback_request_id": request_id, "report_id": rng.choice(reports),
                              "linked_at": now, "linked_by_id": None})
        _insert(rows, attempts, links)
        next_id += size
        done += size
        if progress:
            progress(size)
    return done


def _callback_report_ids():
    category = select(Category.id).where(Category.code == "callback").scalar_subquery()
    return list(db.session.scalars(select(Report.id).where(Report.category_id == category).limit(50000)))


def _number(rng, used):
    while True:
        chars = "".join(rng.choice(ALPHABET) for _ in range(8))
        number = f"TB-{chars[:4]}-{chars[4:]}"
        if number not in used:
            used.add(number)
            return number


def _one(rng, calendar, team, day, progress_in_period, now, today):
    """One request's row and its first attempt (or None), followed as far as now allows."""
    registered = (datetime.combine(day, time(8, 30), tzinfo=LOCAL_ZONE)
                  + timedelta(minutes=rng.randint(0, 8 * 60))).astimezone(now.tzinfo)
    term = team.callback_term_days or 2
    due = calendar.due_date_from_local(day, term)
    late = rng.random() < 0.58 - 0.38 * progress_in_period
    offset = rng.randint(term + 1, term + 4) if late else rng.randint(0, term)
    attempt_day = calendar.due_date_from_local(day, offset)
    attempt_at = max(registered + timedelta(minutes=20), datetime.combine(
        attempt_day, time(9, 0), tzinfo=LOCAL_ZONE).astimezone(now.tzinfo) + timedelta(minutes=rng.randint(0, 420)))
    has_attempt = attempt_at <= now
    reached = has_attempt and rng.random() < 0.75
    email = f"bewoner{rng.randint(1, 99999)}@example.nl" if rng.random() < 0.5 else None
    row = {
        "version": 1, "registered_at": registered, "channel": Channel.PHONE if rng.random() < 0.85 else Channel.DESK,
        "language": "en" if rng.random() < 0.05 else "nl", "requested_action": rng.choice(QUESTIONS),
        "explanation": None, "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "phone": f"+316{rng.randint(10000000, 99999999)}", "email": email,
        "urgency": Urgency.URGENT if rng.random() < 0.1 else Urgency.NORMAL, "team_id": team.id,
        "assignee_id": None, "assigned_at": registered, "registered_by_id": None, "registered_by": "KCC",
        "term_days": term, "due": due, "status": CallbackStatus.DONE if reached else CallbackStatus.OPEN,
        "closed_at": attempt_at if reached else None,
        "agreement": "Teruggebeld, vraag beantwoord." if reached else None,
        "first_attempt_at": attempt_at if has_attempt else None,
        "first_attempt_working_days": calendar.working_days_between(day, attempt_day) if has_attempt else None,
        "first_attempt_on_time": (attempt_day <= due) if has_attempt else None,
        "contacted_at": attempt_at if reached else None, "contacted_on_time": (attempt_day <= due) if reached else None,
        "failed_attempts": 1 if has_attempt and not reached else 0, "unreachable_notice": None,
        "unreachable_notice_at": None, "letter_sent_at": None,
        "escalated_at": now if not has_attempt and due < today else None,
    }
    attempt = {"attempted_at": attempt_at, "channel": Channel.PHONE, "reached": reached, "note": None,
               "by_id": None, "by": None, "created_at": attempt_at, "report_id": None} if has_attempt else None
    return row, attempt


def _insert(rows, attempts, links):
    bulk.insert_rows(CallbackRequest.__table__, rows)
    bulk.sync_id_sequence(CallbackRequest.__table__)
    bulk.insert_rows(ContactAttempt.__table__, attempts)
    bulk.insert_rows(CallbackReportLink.__table__, links)
    db.session.commit()
