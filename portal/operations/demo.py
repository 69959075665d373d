"""Synthetic but realistic reports for demonstrations and benchmarks, inserted in bulk."""
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from portal.calendar import deadlines
from portal.calendar.clock import LOCAL_ZONE, local_today, now_utc
from portal.calendar.models import ClosingDay
from portal.extensions import db
from portal.operations import bulk
from portal.operations.demo_municipality import (
    DEFAULT_TEAM_OF_CATEGORY,
    DESCRIPTIONS,
    FIRST_NAMES,
    LAST_NAMES,
    TEAM_SLOWNESS,
    ensure_demo_teams,
)
from portal.reference.models import Category, Cause
from portal.reports import followup
from portal.reports.models import (
    Channel,
    ContactPreference,
    Outcome,
    Report,
    ReportEvent,
    ReportStatus,
    report_causes,
)
from portal.reports.references import ALPHABET

CATEGORY_WEIGHTS = {"callback": 40, "email": 25, "letter": 15, "information": 12, "other": 8}
CHANNEL_WEIGHTS = {Channel.WEB: 62, Channel.PHONE: 28, Channel.DESK: 5, Channel.EMAIL: 5}
# Fewer reports in the summer holidays and around Christmas; more after the tax assessment in February.
MONTH_WEIGHTS = {1: 1.1, 2: 1.3, 3: 1.2, 4: 1.0, 5: 1.0, 6: 0.9, 7: 0.7, 8: 0.7, 9: 1.0, 10: 1.1, 11: 1.0, 12: 0.8}
WEEKDAY_WEIGHTS = [1.3, 1.1, 1.0, 1.0, 0.9, 0.25, 0.15]

CHUNK = 5000
# Every column the generator may fill besides the basic ones: each row carries all of them (COPY needs it).
FOLLOW_UP_COLUMNS = (
    "triaged_at", "first_contact_at", "closed_at", "team_id", "outcome", "triage_working_days",
    "first_contact_working_days", "closing_working_days", "first_contact_on_time", "closed_on_time",
    "original_closing_due", "extended_at", "extension_reason", "grade", "graded_at", "grade_channel", "sent_on_at",
    "closed_at_first_line",
)
OUTCOME_WEIGHTS = {Outcome.RESOLVED: 55, Outcome.EXPLAINED: 30, Outcome.NOT_JUSTIFIED: 10, Outcome.FORWARDED: 5}
LIKELY_CAUSES = {
    "callback": ["callback_not_registered", "callback_not_passed_on", "too_busy", "wrong_team"],
    "email": ["email_unanswered", "wrong_team", "too_busy"],
    "letter": ["letter_wording", "letter_content"],
    "information": ["information_wrong", "wrong_team"],
    "other": ["other", "too_busy", "wrong_team"],
}


@dataclass
class SeedResult:
    reports: int
    teams_created: int


def _reference(rng):
    chars = "".join(rng.choice(ALPHABET) for _ in range(8))
    return f"MC-{chars[:4]}-{chars[4:]}"


def _days_with_weights(first, last):
    days, weights = [], []
    day = first
    while day <= last:
        days.append(day)
        weights.append(MONTH_WEIGHTS[day.month] * WEEKDAY_WEIGHTS[day.weekday()])
        day += timedelta(days=1)
    return days, weights


def _moment(calendar, day, working_days_later, rng):
    """A time during office hours, that many working days after the given local day."""
    target = calendar.due_date_from_local(day, working_days_later) if working_days_later else day
    local = datetime.combine(target, time(8, 0), tzinfo=LOCAL_ZONE) + timedelta(minutes=rng.randint(0, 9 * 60))
    return local


@dataclass
class _Setting:
    """What every generated report draws from; looked up once, before the first report is made."""

    teams: dict  # code -> Team
    categories: dict  # code -> active Category
    category_codes: list
    category_weights: list
    first_day: date
    today: date
    days: list  # every local day of the period, with how likely a report arrives on it
    day_weights: list
    calendar: deadlines.WorkingCalendar
    now: datetime
    used_references: set
    cause_ids: dict  # code -> id


@dataclass
class _Draft:
    """A report being made up: the attributes portal.followup reads and writes, the other columns, its events."""

    report: SimpleNamespace
    values: dict
    plan: list  # (moment, kind, details) of each event
    status: ReportStatus = ReportStatus.NEW


@dataclass
class _Timeline:
    """When each step would happen; a step still after 'now' is not recorded."""

    late: bool
    triaged: datetime
    contacted: datetime
    closed: datetime


def generate_reports(count, *, seed=None, months=12, progress=None):
    """Insert `count` reports received over the past `months` months; return how many."""
    rng = random.Random(seed)
    teams, created = ensure_demo_teams()
    setting = _setting(teams, months)
    report_id = bulk.next_id(Report.__table__)
    inserted = 0
    # In the order they came in, as a municipality's reports are stored: the days drawn first, then sorted.
    received_days = sorted(rng.choices(setting.days, weights=setting.day_weights, k=count))
    # In chunks, so that a large count never holds every row in memory at once.
    while inserted < count:
        size = min(CHUNK, count - inserted)
        _insert_chunk(*_chunk_rows(rng, setting, report_id, received_days[inserted:inserted + size]))
        report_id += size
        inserted += size
        if progress:
            progress(size)
    return SeedResult(reports=inserted, teams_created=created)


def _setting(teams, months):
    categories = {c.code: c for c in db.session.scalars(select(Category).where(Category.active))}
    category_codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    today = local_today()
    first_day = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    days, day_weights = _days_with_weights(first_day, today)
    closing_days = frozenset(db.session.scalars(select(ClosingDay.day)))
    # A week of margin before the first day, and room after today for terms that end in the future.
    calendar = deadlines.WorkingCalendar(first_day - timedelta(days=7), today + timedelta(days=120), closing_days)
    return _Setting(
        teams=teams,
        categories=categories,
        category_codes=category_codes,
        category_weights=[CATEGORY_WEIGHTS[code] for code in category_codes],
        first_day=first_day,
        today=today,
        days=days,
        day_weights=day_weights,
        calendar=calendar,
        now=now_utc(),
        used_references=set(db.session.scalars(select(Report.reference))),
        cause_ids=dict(db.session.execute(select(Cause.code, Cause.id)).all()),
    )


def _chunk_rows(rng, setting, first_id, received_days):
    """The report, event and cause rows of new reports received on these days, numbered from `first_id`."""
    report_rows, event_rows, cause_rows = [], [], []
    for report_id, received_day in enumerate(received_days, start=first_id):
        row, plan = _random_report(rng, setting, received_day)
        row["id"], row["reference"] = report_id, _unused_reference(rng, setting.used_references)
        report_rows.append(row)
        event_rows.extend(_event_rows(report_id, plan))
        cause_rows.extend(_cause_rows(report_id, plan, setting.cause_ids))
    return report_rows, event_rows, cause_rows


def _insert_chunk(report_rows, event_rows, cause_rows):
    report_table = Report.__table__
    bulk.insert_rows(report_table, report_rows)
    bulk.insert_rows(ReportEvent.__table__, event_rows)
    bulk.insert_rows(report_causes, cause_rows)
    # The ids were given explicitly; PostgreSQL's sequence must continue after them.
    bulk.sync_id_sequence(report_table)
    db.session.commit()


def _unused_reference(rng, used_references):
    reference = _reference(rng)
    while reference in used_references:
        reference = _reference(rng)
    used_references.add(reference)
    return reference


def _event_rows(report_id, plan):
    return [{"report_id": report_id, "created_at": at, "kind": kind, "actor": None, "details": details}
            for at, kind, details in plan]


def _cause_rows(report_id, plan, cause_ids):
    """The causes named when the report was closed, as far as they exist in this database."""
    return [{"report_id": report_id, "cause_id": cause_ids[code]}
            for _at, _kind, details in plan for code in details.get("causes", ()) if code in cause_ids]


def _random_report(rng, setting, received_day):
    """One report received on that day, in a random category, as far along as it would be by now."""
    category = setting.categories[rng.choices(setting.category_codes, weights=setting.category_weights)[0]]
    team = setting.teams.get(DEFAULT_TEAM_OF_CATEGORY.get(category.code, "KCC"))
    received = datetime.combine(received_day, time(7, 0), tzinfo=LOCAL_ZONE) + timedelta(
        minutes=rng.randint(0, 15 * 60)
    )
    # Never in the future, and a little before now so that the first step can follow it.
    received = min(received, setting.now - timedelta(minutes=5))
    progress_in_period = (received_day - setting.first_day).days / max((setting.today - setting.first_day).days, 1)
    return _one_report(rng, setting, category, team, received, received_day, progress_in_period)


def _late_chance(progress_in_period, team):
    # The share handled late falls from 58% a year ago towards 20% now; slow teams lag behind.
    return min(0.95, (0.58 - 0.38 * progress_in_period) * TEAM_SLOWNESS.get(team.code, 1.0))


def _one_report(rng, setting, category, team, received, received_day, progress_in_period):
    """The row of one report and its events (the plan), followed up as far as `now` allows."""
    calendar, now = setting.calendar, setting.now
    contact = _contact_details(rng)
    first_due = calendar.due_date_from_local(received_day, category.first_contact_days)
    closing_due = calendar.due_date_from_local(received_day, category.closing_days)
    timeline = _timeline(rng, calendar, category, received, received_day, _late_chance(progress_in_period, team))
    draft = _Draft(
        report=SimpleNamespace(received_at=received, first_contact_due=first_due, closing_due=closing_due,
                               sent_on_at=None),
        values=dict.fromkeys(FOLLOW_UP_COLUMNS),
        plan=[(received, "received", {"channel": "web", "category": category.code})],
    )
    _follow_up(rng, draft, calendar, category, team, timeline, now)
    # The question for a grade goes out with the closing e-mail; some residents answer it within days.
    answered = draft.status is ReportStatus.CLOSED and contact["email"] and rng.random() < 0.4
    if answered and timeline.closed + timedelta(days=2) <= now:
        _grade(rng, draft, timeline, progress_in_period)
    return _report_row(rng, draft, category, received_day, contact), draft.plan


def _contact_details(rng):
    """Name, e-mail address and phone number as residents give them: often some, sometimes none at all."""
    gives_email = rng.random() < 0.7
    gives_phone = rng.random() < 0.4
    anonymous = not (gives_email or gives_phone) and rng.random() < 0.5
    name = None if anonymous else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    email = f"bewoner{rng.randint(1, 99999)}@example.nl" if gives_email else None
    phone = f"+316{rng.randint(10000000, 99999999)}" if gives_phone else None
    preference = ContactPreference.EMAIL if email else ContactPreference.PHONE if phone else ContactPreference.NONE
    return {"name": name, "email": email, "phone": phone, "contact_preference": preference}


def _timeline(rng, calendar, category, received, received_day, late_chance):
    """When the report is sent to a team, first contacted and closed: within the terms, or late."""
    late = rng.random() < late_chance
    triage_after = rng.choice([0, 0, 0, 1, 1, 2])
    contact_after = (
        category.first_contact_days + rng.randint(1, 6) if late else rng.randint(0, category.first_contact_days)
    )
    if late:
        close_after = max(contact_after, category.closing_days + rng.randint(1, 8))
    else:
        close_after = rng.randint(contact_after, category.closing_days)
    triaged = _moment(calendar, received_day, triage_after, rng)
    contacted = _moment(calendar, received_day, contact_after, rng)
    closed = _moment(calendar, received_day, close_after, rng)
    # Each step after the one before it, and never before the report was received.
    triaged, contacted, closed = (max(t, received + timedelta(minutes=10)) for t in (triaged, contacted, closed))
    contacted = max(contacted, triaged)
    closed = max(closed, contacted)
    return _Timeline(late=late, triaged=triaged, contacted=contacted, closed=closed)


def _follow_up(rng, draft, calendar, category, team, timeline, now):
    """Take the report through the steps that have happened by `now`, each only after the one before."""
    if timeline.triaged <= now:
        _assign(draft, calendar, team, timeline.triaged)
    if timeline.contacted <= now and draft.status is ReportStatus.ASSIGNED:
        _first_contact(draft, calendar, timeline.contacted)
        if timeline.late and rng.random() < 0.15:
            # Some slow reports get the one extension the Awb allows, with a reason.
            _extend(rng, draft, calendar, timeline.contacted)
    # A few reports stay open long after their last step was due.
    if timeline.closed <= now and draft.status is ReportStatus.CONTACTED and rng.random() < 0.97:
        _close(rng, draft, calendar, category, timeline.closed)


def _assign(draft, calendar, team, at):
    draft.status = ReportStatus.ASSIGNED
    draft.values.update(triaged_at=at, team_id=team.id)
    draft.report.triaged_at = at
    if not team.first_line:
        draft.report.sent_on_at = at
    followup.record_triage(draft.report, calendar)
    draft.plan.append((at, "assigned", {"team": team.code}))


def _first_contact(draft, calendar, at):
    draft.status = ReportStatus.CONTACTED
    draft.values["first_contact_at"] = draft.report.first_contact_at = at
    followup.record_first_contact(draft.report, calendar)
    draft.plan.append((at, "first_contact", {}))


def _extend(rng, draft, calendar, at):
    report = draft.report
    report.original_closing_due = report.closing_due
    report.closing_due = calendar.due_date_from_local(report.original_closing_due, rng.randint(5, 20))
    report.extended_at = at
    report.extension_reason = "Meer tijd nodig voor overleg met een ander team."
    draft.plan.append((at, "extended", {"closing_due": report.closing_due.isoformat()}))


def _close(rng, draft, calendar, category, at):
    draft.status = ReportStatus.CLOSED
    draft.values["closed_at"] = draft.report.closed_at = at
    followup.record_closing(draft.report, calendar)
    draft.report.closed_at_first_line = draft.report.sent_on_at is None
    outcome = draft.values["outcome"] = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    causes = rng.sample(LIKELY_CAUSES[category.code], k=rng.choice([1, 1, 1, 2]))
    draft.plan.append((at, "closed", {"outcome": outcome.value, "causes": causes}))


def _grade(rng, draft, timeline, progress_in_period):
    # Grades improve over the year and suffer when the report was late.
    mean = 6.4 + 1.6 * progress_in_period - (1.5 if timeline.late else 0)
    draft.report.grade = max(1, min(10, round(rng.gauss(mean, 1.4))))
    draft.report.graded_at = timeline.closed + timedelta(days=rng.randint(1, 10))
    # Most by the link in the closing e-mail; some noted by staff for a resident who answered by phone or at the desk.
    draft.report.grade_channel = Channel.WEB if rng.random() < 0.8 else rng.choice([Channel.PHONE, Channel.DESK])
    draft.plan.append((draft.report.graded_at, "graded", {"grade": draft.report.grade}))


def _report_row(rng, draft, category, received_day, contact):
    """The report's columns; what portal.followup worked out wins over the plain values."""
    report = draft.report
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    draft.plan[0][2]["channel"] = channel.value  # the "received" event names the channel it came through
    row = {
        "received_at": report.received_at,
        "channel": channel,
        "category_id": category.id,
        "description": rng.choice(DESCRIPTIONS[category.code]),
        "contact_date": received_day - timedelta(days=rng.randint(1, 20)) if rng.random() < 0.6 else None,
        "letter_reference": f"BEL-{rng.randint(100000, 999999)}" if category.code == "letter" else None,
        **contact,
        "language": "en" if rng.random() < 0.04 else "nl",
        "status": draft.status,
        "first_contact_due": report.first_contact_due,
        "closing_due": report.closing_due,
        "next_due": report.first_contact_due if draft.values["first_contact_at"] is None else report.closing_due,
        **draft.values,
    }
    for column in FOLLOW_UP_COLUMNS:
        if hasattr(report, column):
            row[column] = getattr(report, column)
    return row
