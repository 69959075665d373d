"""The demo municipality: its teams and staff, and the words its residents use in their reports."""
from sqlalchemy import select

from portal.extensions import db
from portal.reference.models import Category
from portal.staff import accounts
from portal.staff.models import Team, User

DEMO_TEAMS = [
    # code, name, e-mail, how slow the team is compared with the others
    ("KCC", "Klant Contact Centrum", "kcc@dronten.example", 0.8),
    ("BZ", "Burgerzaken", "burgerzaken@dronten.example", 1.0),
    ("BEL", "Belastingen", "belastingen@dronten.example", 1.4),
    ("OR", "Openbare ruimte", "openbareruimte@dronten.example", 1.2),
    ("SD", "Sociaal domein", "sociaaldomein@dronten.example", 1.6),
]
TEAM_SLOWNESS = {code: slowness for code, _name, _email, slowness in DEMO_TEAMS}
DEFAULT_TEAM_OF_CATEGORY = {"callback": "KCC", "email": "KCC", "letter": "BEL", "information": "BZ", "other": "OR"}

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


def ensure_demo_teams():
    """The demo teams, and the categories pointing at them as their default team."""
    existing = {team.code: team for team in db.session.scalars(select(Team))}
    created = 0
    for code, name, email, _slowness in DEMO_TEAMS:
        if code not in existing:
            # The contact centre is the first line: what it closes without sending on counts as resolved there.
            existing[code] = Team(code=code, name=name, email=email, first_line=code == "KCC")
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
