"""Synthetic but realistic reports for demonstrations and benchmarks, inserted in bulk."""
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from portal.calendar import deadlines
from portal.calendar.clock import LOCAL_ZONE, local_today, now_utc
from portal.calendar.models import ClosingDay
from portal.extensions import db
from portal.operations import bulk
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
from portal.staff.models import Team, User

DEMO_TEAMS = [
    # code, name, e-mail, how slow the team is compared with the others
    ("KCC", "Klant Contact Centrum", "kcc@dronten.example", 0.8),
    ("BZ", "Burgerzaken", "burgerzaken@dronten.example", 1.0),
    ("BEL", "Belastingen", "belastingen@dronten.example", 1.4),
    ("OR", "Openbare ruimte", "openbareruimte@dronten.example", 1.2),
    ("SD", "Sociaal domein", "sociaaldomein@dronten.example", 1.6),
]
DEFAULT_TEAM_OF_CATEGORY = {"callback": "KCC", "email": "KCC", "letter": "BEL", "information": "BZ", "other": "OR"}
CATEGORY_WEIGHTS = {"callback": 40, "email": 25, "letter": 15, "information": 12, "other": 8}
CHANNEL_WEIGHTS = {Channel.WEB: 62, Channel.PHONE: 28, Channel.DESK: 5, Channel.EMAIL: 5}
# Fewer reports in the summer holidays and around Christmas; more after the tax assessment in February.
MONTH_WEIGHTS = {1: 1.1, 2: 1.3, 3: 1.2, 4: 1.0, 5: 1.0, 6: 0.9, 7: 0.7, 8: 0.7, 9: 1.0, 10: 1.1, 11: 1.0, 12: 0.8}
WEEKDAY_WEIGHTS = [1.3, 1.1, 1.0, 1.0, 0.9, 0.25, 0.15]

DESCRIPTIONS = {
    "callback": [
        "Ik zou teruggebeld worden over mijn aanvraag, maar er heeft niemand gebeld.",
        "Er werd beloofd dat een medewerker mij binnen twee dagen zou bellen. Ik wacht nog steeds.",
        "Ik heb drie keer gebeld en elke keer gehoord dat ik teruggebeld word. Dat is niet gebeurd.",
    ],
    "email": [
        "Ik heb via het contactformulier een vraag gesteld en na twee weken nog geen antwoord.",
        "Mijn e-mail over de afvalpas is nooit beantwoord.",
        "Ik kreeg een automatische ontvangstbevestiging, maar daarna niets meer.",
    ],
    "letter": [
        "Ik begrijp de brief over mijn aanslag niet. Wat moet ik nu doen?",
        "In de brief staan veel moeilijke woorden. Ik weet niet of ik iets moet betalen.",
        "De brief noemt een termijn, maar niet vanaf wanneer die telt.",
    ],
    "information": [
        "Aan de balie hoorde ik iets anders dan op de website staat.",
        "Twee medewerkers gaven mij verschillende antwoorden over de vergunning.",
    ],
    "other": [
        "Ik werd aan de telefoon drie keer doorverbonden en kwam niet bij de juiste persoon.",
        "Mijn afspraak bij de balie was niet goed ingepland.",
    ],
}
FIRST_NAMES = ["Anna", "Bram", "Chantal", "Dirk", "Emma", "Fatima", "Gerrit", "Hanna", "Iris", "Jan", "Kees", "Lotte"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "El Amrani"]
CHUNK = 5000
# Every column the generator may fill besides the basic ones: each row carries all of them (COPY needs it).
FOLLOW_UP_COLUMNS = (
    "triaged_at", "first_contact_at", "closed_at", "team_id", "outcome", "triage_working_days",
    "first_contact_working_days", "closing_working_days", "first_contact_on_time", "closed_on_time",
    "original_closing_due", "extended_at", "extension_reason", "grade", "graded_at",
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


def ensure_demo_teams():
    """The demo teams, and the categories pointing at them as their default team."""
    existing = {team.code: team for team in db.session.scalars(select(Team))}
    created = 0
    for code, name, email, _slowness in DEMO_TEAMS:
        if code not in existing:
            existing[code] = Team(code=code, name=name, email=email)
            db.session.add(existing[code])
            created += 1
    db.session.flush()
    for category in db.session.scalars(select(Category)):
        if category.default_team_id is None and category.code in DEFAULT_TEAM_OF_CATEGORY:
            category.default_team = existing[DEFAULT_TEAM_OF_CATEGORY[category.code]]
    db.session.flush()
    return existing, created


DEMO_STAFF = [
    # role, name, e-mail, teams
    ("kcc", "Karin de Klant", "kcc@dronten.example", ()),
    ("team", "Tom van Burgerzaken", "burgerzaken@dronten.example", ("BZ",)),
    ("team", "Bea van Belastingen", "belastingen@dronten.example", ("BEL",)),
    ("manager", "Marco Manager", "manager@dronten.example", ()),
    ("admin", "Anouk Admin", "admin@dronten.example", ()),
]


def ensure_demo_staff(teams, password):
    """Demo accounts for development, all with the same password; returns the e-mail addresses created."""
    from portal.staff import accounts

    existing = set(db.session.scalars(select(User.email)))
    created = []
    for role, name, email, team_codes in DEMO_STAFF:
        if email in existing:
            continue
        accounts.create_user(email=email, name=name, role=role, password=password,
                             teams=[teams[code] for code in team_codes])
        created.append(email)
    db.session.flush()
    return created


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


def generate_reports(count, *, seed=None, months=12, progress=None):
    """Insert `count` reports received over the past `months` months; return how many."""
    rng = random.Random(seed)
    teams, created = ensure_demo_teams()
    slowness = {code: slow for code, _name, _email, slow in DEMO_TEAMS}
    categories = {c.code: c for c in db.session.scalars(select(Category).where(Category.active))}
    category_codes = [code for code in CATEGORY_WEIGHTS if code in categories]
    category_weights = [CATEGORY_WEIGHTS[code] for code in category_codes]

    today = local_today()
    first_day = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    days, day_weights = _days_with_weights(first_day, today)
    closing_days = frozenset(db.session.scalars(select(ClosingDay.day)))
    calendar = deadlines.WorkingCalendar(first_day - timedelta(days=7), today + timedelta(days=120), closing_days)
    now = now_utc()
    used_references = set(db.session.scalars(select(Report.reference)))
    cause_ids = dict(db.session.execute(select(Cause.code, Cause.id)).all())

    report_table, event_table = Report.__table__, ReportEvent.__table__
    report_id = bulk.next_id(report_table)
    inserted = 0
    while inserted < count:
        size = min(CHUNK, count - inserted)
        report_rows, event_rows, cause_rows = [], [], []
        for received_day in rng.choices(days, weights=day_weights, k=size):
            category = categories[rng.choices(category_codes, weights=category_weights)[0]]
            team = teams.get(DEFAULT_TEAM_OF_CATEGORY.get(category.code, "KCC"))
            received = datetime.combine(received_day, time(7, 0), tzinfo=LOCAL_ZONE) + timedelta(
                minutes=rng.randint(0, 15 * 60)
            )
            received = min(received, now - timedelta(minutes=5))
            # The share handled late falls from 58% a year ago towards 20% now; slow teams lag behind.
            progress_in_period = (received_day - first_day).days / max((today - first_day).days, 1)
            late_chance = min(0.95, (0.58 - 0.38 * progress_in_period) * slowness.get(team.code, 1.0))
            row, plan = _one_report(rng, calendar, category, team, received, received_day, late_chance, now,
                                    progress_in_period)
            reference = _reference(rng)
            while reference in used_references:
                reference = _reference(rng)
            used_references.add(reference)
            row["id"], row["reference"] = report_id, reference
            report_rows.append(row)
            for at, kind, details in plan:
                event_rows.append({"report_id": report_id, "created_at": at, "kind": kind, "actor": None,
                                   "details": details})
                for code in details.get("causes", ()):
                    if code in cause_ids:
                        cause_rows.append({"report_id": report_id, "cause_id": cause_ids[code]})
            report_id += 1
        bulk.insert_rows(report_table, report_rows)
        bulk.insert_rows(event_table, event_rows)
        bulk.insert_rows(report_causes, cause_rows)
        bulk.sync_id_sequence(report_table)
        db.session.commit()
        inserted += size
        if progress:
            progress(size)
    return SeedResult(reports=inserted, teams_created=created)


def _one_report(rng, calendar, category, team, received, received_day, late_chance, now, progress_in_period):
    gives_email = rng.random() < 0.7
    gives_phone = rng.random() < 0.4
    anonymous = not (gives_email or gives_phone) and rng.random() < 0.5
    name = None if anonymous else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    email = f"bewoner{rng.randint(1, 99999)}@example.nl" if gives_email else None
    phone = f"+316{rng.randint(10000000, 99999999)}" if gives_phone else None
    preference = ContactPreference.EMAIL if email else ContactPreference.PHONE if phone else ContactPreference.NONE
    first_due = calendar.due_date_from_local(received_day, category.first_contact_days)
    closing_due = calendar.due_date_from_local(received_day, category.closing_days)

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
    triaged, contacted, closed = (max(t, received + timedelta(minutes=10)) for t in (triaged, contacted, closed))
    contacted = max(contacted, triaged)
    closed = max(closed, contacted)

    status = ReportStatus.NEW
    plan = [(received, "received", {"channel": "web", "category": category.code})]
    values = dict.fromkeys(FOLLOW_UP_COLUMNS)
    report = SimpleNamespace(received_at=received, first_contact_due=first_due, closing_due=closing_due)
    if triaged <= now:
        status = ReportStatus.ASSIGNED
        values.update(triaged_at=triaged, team_id=team.id)
        report.triaged_at = triaged
        followup.record_triage(report, calendar)
        plan.append((triaged, "assigned", {"team": team.code}))
    if contacted <= now and status is ReportStatus.ASSIGNED:
        status = ReportStatus.CONTACTED
        values["first_contact_at"] = report.first_contact_at = contacted
        followup.record_first_contact(report, calendar)
        plan.append((contacted, "first_contact", {}))
        if late and rng.random() < 0.15:
            # Some slow reports get the one extension the Awb allows, with a reason.
            report.original_closing_due = closing_due
            report.closing_due = closing_due = calendar.due_date_from_local(closing_due, rng.randint(5, 20))
            report.extended_at = contacted
            report.extension_reason = "Meer tijd nodig voor overleg met een ander team."
            plan.append((contacted, "extended", {"closing_due": closing_due.isoformat()}))
    if closed <= now and status is ReportStatus.CONTACTED and rng.random() < 0.97:
        status = ReportStatus.CLOSED
        values["closed_at"] = report.closed_at = closed
        followup.record_closing(report, calendar)
        values["outcome"] = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        causes = rng.sample(LIKELY_CAUSES[category.code], k=rng.choice([1, 1, 1, 2]))
        plan.append((closed, "closed", {"outcome": values["outcome"].value, "causes": causes}))
        if email and rng.random() < 0.4 and closed + timedelta(days=2) <= now:
            # Grades improve over the year and suffer when the report was late.
            mean = 6.4 + 1.6 * progress_in_period - (1.5 if late else 0)
            report.grade = max(1, min(10, round(rng.gauss(mean, 1.4))))
            report.graded_at = closed + timedelta(days=rng.randint(1, 10))
            plan.append((report.graded_at, "graded", {"grade": report.grade}))
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    plan[0][2]["channel"] = channel.value
    row = {
        "received_at": received,
        "channel": channel,
        "category_id": category.id,
        "description": rng.choice(DESCRIPTIONS[category.code]),
        "contact_date": received_day - timedelta(days=rng.randint(1, 20)) if rng.random() < 0.6 else None,
        "letter_reference": f"BEL-{rng.randint(100000, 999999)}" if category.code == "letter" else None,
        "name": name,
        "email": email,
        "phone": phone,
        "contact_preference": preference,
        "language": "en" if rng.random() < 0.04 else "nl",
        "status": status,
        "first_contact_due": first_due,
        "closing_due": closing_due,
        "next_due": first_due if values["first_contact_at"] is None else closing_due,
        **values,
    }
    for column in FOLLOW_UP_COLUMNS:
        if hasattr(report, column):
            row[column] = getattr(report, column)
    row["closing_due"] = report.closing_due
    return row, plan
