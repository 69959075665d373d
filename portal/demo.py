"""Synthetic but realistic reports for demonstrations and benchmarks, inserted in bulk."""
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import insert, select

from portal import deadlines
from portal.clock import LOCAL_ZONE, local_today, now_utc
from portal.extensions import db
from portal.models import (
    Category,
    Cause,
    Channel,
    ClosingDay,
    ContactPreference,
    Outcome,
    Report,
    ReportEvent,
    ReportStatus,
    Team,
    User,
    report_causes,
)
from portal.references import ALPHABET

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
    from portal import accounts

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

    inserted = 0
    while inserted < count:
        size = min(CHUNK, count - inserted)
        report_rows, event_plans = [], []
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
            row, plan = _one_report(rng, calendar, category, team, received, received_day, late_chance, now)
            reference = _reference(rng)
            while reference in used_references:
                reference = _reference(rng)
            used_references.add(reference)
            row["reference"] = reference
            report_rows.append(row)
            event_plans.append(plan)
        # Core executemany of whole batches; ids are read back by reference, since RETURNING with
        # row order would make SQLite insert one row at a time.
        db.session.execute(insert(Report.__table__), report_rows)
        references = [row["reference"] for row in report_rows]
        id_of = dict(
            db.session.execute(select(Report.reference, Report.id).where(Report.reference.in_(references))).all()
        )
        ids = [id_of[reference] for reference in references]
        event_rows = [
            {"report_id": report_id, "created_at": at, "kind": kind, "actor": None, "details": details}
            for report_id, plan in zip(ids, event_plans, strict=True)
            for at, kind, details in plan
        ]
        db.session.execute(insert(ReportEvent.__table__), event_rows)
        cause_rows = [
            {"report_id": report_id, "cause_id": cause_ids[code]}
            for report_id, plan in zip(ids, event_plans, strict=True)
            for _at, kind, details in plan
            if kind == "closed"
            for code in details["causes"]
            if code in cause_ids
        ]
        if cause_rows:
            db.session.execute(insert(report_causes), cause_rows)
        db.session.commit()
        inserted += size
        if progress:
            progress(size)
    return SeedResult(reports=inserted, teams_created=created)


def _one_report(rng, calendar, category, team, received, received_day, late_chance, now):
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
    values = {"triaged_at": None, "first_contact_at": None, "closed_at": None, "team_id": None, "outcome": None}
    if triaged <= now:
        status = ReportStatus.ASSIGNED
        values.update(triaged_at=triaged, team_id=team.id)
        plan.append((triaged, "assigned", {"team": team.code}))
    if contacted <= now and status is ReportStatus.ASSIGNED:
        status = ReportStatus.CONTACTED
        values["first_contact_at"] = contacted
        plan.append((contacted, "first_contact", {}))
    if closed <= now and status is ReportStatus.CONTACTED and rng.random() < 0.97:
        status = ReportStatus.CLOSED
        values["closed_at"] = closed
        values["outcome"] = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        causes = rng.sample(LIKELY_CAUSES[category.code], k=rng.choice([1, 1, 1, 2]))
        plan.append((closed, "closed", {"outcome": values["outcome"].value, "causes": causes}))
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
    return row, plan
