"""Fixtures: a migrated database per test session (SQLite, or PostgreSQL with TEST_DATABASE_URL), the app,
its client and CLI runner, a real SMTP server on loopback, and a factory for reports."""
import os
import re
import socket
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import flask_migrate
import psycopg
import pytest
from aiosmtpd.controller import Controller
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import and_, or_, select
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db as _db


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporary_database(tmp_dir, label):
    """An empty database that exists for the duration of the block: SQLite, or PostgreSQL with TEST_DATABASE_URL."""
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_dir / f'{label}.sqlite'}"
        return
    url = make_url(server_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"meldpunt_test_{label}_{uuid.uuid4().hex[:8]}"
    admin_dsn = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """A fresh, empty database for this test session, removed afterwards."""
    with temporary_database(tmp_path_factory.mktemp("db"), worker_id) as url:
        yield url


@pytest.fixture
def empty_database_url(tmp_path, worker_id):
    """A second empty database, for tests of the migrations themselves."""
    with temporary_database(tmp_path, f"{worker_id}_empty") as url:
        yield url


@pytest.fixture(scope="session")
def worker_id(request):
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@dataclass
class MailCatcher:
    """What the loopback SMTP server received; `refuse_with` makes it answer every message with an error."""

    messages: list = field(default_factory=list)
    refuse_with: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"

    def bodies(self, message):
        return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.catcher = MailCatcher()
        self.controller = None

    def start(self):
        self.controller = Controller(self.catcher, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return self.catcher.messages


@pytest.fixture(scope="session")
def _smtp_session():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp(_smtp_session):
    """The real SMTP server on loopback, emptied for this test and running."""
    _smtp_session.catcher.messages.clear()
    _smtp_session.catcher.refuse_with = None
    if _smtp_session.controller is None:
        _smtp_session.start()
    yield _smtp_session
    if _smtp_session.controller is None:
        _smtp_session.start()


def app_config(database_url, smtp_port, **overrides):
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-" + "x" * 40,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_DEFAULT_SENDER": "meldpunt@dronten.example",
        "MELDPUNT_BASE_URL": "http://meldpunt.test",
        "BASE_URL": "http://meldpunt.test",
        **overrides,
    }


@pytest.fixture(scope="session")
def _migrated(database_url, _smtp_session):
    app = create_app(app_config(database_url, _smtp_session.port))
    with app.app_context():
        flask_migrate.upgrade()
        _db.engine.dispose()
    return database_url


@pytest.fixture(scope="session")
def _seeded_rows(_migrated, _smtp_session):
    """The rows the migrations put in (categories, causes, standard texts, targets, …), read from every table
    of the metadata right after migrating: the reference data each test starts from."""
    app = create_app(app_config(_migrated, _smtp_session.port))
    with app.app_context():
        seeded = {}
        for table in _db.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in _db.session.execute(select(table))]
            if rows:
                seeded[table.name] = rows
        _db.session.remove()
        _db.engine.dispose()
    return seeded


def _primary_key(table, row):
    return tuple(row[column.name] for column in table.primary_key.columns)


def _matches(table, keys):
    columns = list(table.primary_key.columns)
    return or_(*(and_(*(column == value for column, value in zip(columns, key, strict=True))) for key in keys))


def _restore_rows(session, table, wanted_rows):
    """Put a table back to the rows the migrations left: remove added rows, undo changes, re-add removed ones."""
    wanted = {_primary_key(table, row): row for row in wanted_rows}
    current = {_primary_key(table, row): row
               for row in (dict(r._mapping) for r in session.execute(select(table)))}
    added = [key for key in current if key not in wanted]
    if added:
        session.execute(table.delete().where(_matches(table, added)))
    for key, row in wanted.items():
        if key not in current:
            session.execute(table.insert().values(**row))
        elif current[key] != row:
            session.execute(table.update().where(_matches(table, [key])).values(**row))


def reset_database(session, seeded_rows):
    """Every table of the metadata back to what the migrations left, dependants before what they refer to:
    rows of tables the migrations do not fill are deleted, the seeded reference data is restored (so a
    category's default team is cleared before the teams go)."""
    session.rollback()
    for table in reversed(_db.metadata.sorted_tables):
        if table.name in seeded_rows:
            _restore_rows(session, table, seeded_rows[table.name])
        else:
            session.execute(table.delete())
    session.commit()


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request gets a fresh `g`, as in production.

    The tests keep an app context pushed (for the database); Flask then reuses it for each request,
    and with it `g`, where Flask-WTF and Flask-Babel cache per-request values.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def app_overrides():
    """Override in a test module (or with indirect parametrisation) to change the app's configuration."""
    return {}


@pytest.fixture
def app(_migrated, _seeded_rows, _smtp_session, app_overrides):
    app = create_app(app_config(_migrated, _smtp_session.port, **app_overrides))
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        yield app
        reset_database(_db.session, _seeded_rows)
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html):
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "the page has no CSRF token field"
    return match.group(1)


@pytest.fixture
def report_form_data(client):
    """A valid report as a resident would send it, with the CSRF token of a freshly loaded form."""

    def make(**fields):
        page = client.get("/melden")
        data = {
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
            "category": "callback",
            "description": "Ik zou teruggebeld worden over mijn paspoort, maar niemand belde.",
            "contact_date": "",
            "letter_reference": "",
            "name": "",
            "email": "",
            "phone": "",
            "contact_preference": "none",
            "website": "",
        }
        data.update(fields)
        return {key: value for key, value in data.items() if value is not None}

    return make


@pytest.fixture
def make_report(db):
    """Store a report through the same intake as the form, with sensible defaults."""
    from portal.models import Category, Report
    from portal.reports.intake import ReportDetails, receive_report
    from portal.reports.terms import chosen_contact_preference

    def make(category="callback", description="Niemand heeft mij teruggebeld.", commit=True, **kwargs):
        options = {key: kwargs.pop(key) for key in ("language", "channel", "received_at") if key in kwargs}
        options.setdefault("language", "nl")
        # As the form does: a resident who left an address or number and chose nothing wants contact that way.
        kwargs.setdefault("contact_preference", chosen_contact_preference(
            None, email=kwargs.get("email"), phone=kwargs.get("phone")))
        details = ReportDetails(
            category=db.session.query(Category).filter_by(code=category).one(),
            description=description,
            **kwargs,
        )
        report = db.session.get(Report, receive_report(details, **options).id)
        if commit:
            db.session.commit()
        return report

    return make




STAFF_PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def make_team(db):
    from portal.models import Team

    def make(code="BZ", name="Burgerzaken", email="bz@dronten.example"):
        team = Team(code=code, name=name, email=email)
        db.session.add(team)
        db.session.commit()
        return team

    return make


@pytest.fixture
def make_staff(db):
    """A staff account with a known password; two_factor=True gives it a TOTP secret."""
    from portal.staff import accounts

    def make(role="kcc", teams=(), email=None, name=None, two_factor=False):
        user = accounts.create_user(
            email=email or f"{role}-{uuid.uuid4().hex[:6]}@dronten.example",
            name=name or f"{role.title()} Medewerker",
            role=role,
            password=STAFF_PASSWORD,
            teams=list(teams),
        )
        if two_factor:
            user.totp_secret = accounts.new_totp_secret()
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """Log a staff member in through the real log-in form (without two-factor)."""

    def do(user):
        page = client.get("/admin/login")
        response = client.post(
            "/admin/login",
            data={"csrf_token": csrf_token_from(page.get_data(as_text=True)), "email": user.email,
                  "password": STAFF_PASSWORD},
        )
        assert response.status_code == 303, "log-in failed"
        return response

    return do


@pytest.fixture
def post_form(client):
    """POST to a staff page with a valid CSRF token taken from a page the user can open."""

    def post(url, data, token_page="/admin/"):
        page = client.get(token_page, follow_redirects=True).get_data(as_text=True)
        return client.post(url, data={"csrf_token": csrf_token_from(page), **data})

    return post


@pytest.fixture
def make_callback(db, make_staff):
    """Register a callback request through the same intake as the page (portal.callbacks.intake)."""
    from portal.callbacks.intake import CallbackDetails, register_callback

    def make(team, requested_action="Vraag over mijn aanslag.", by=None, registered_at=None, commit=True, **kwargs):
        kwargs.setdefault("phone", "06 12345678")
        details = CallbackDetails(requested_action=requested_action, team=team, **kwargs)
        callback = register_callback(details, by=by or make_staff("kcc"), registered_at=registered_at)
        if commit:
            db.session.commit()
        return callback

    return make


SAMPLE_LETTER = ("Beste inwoner,\n\nOp 12 mei halen we het grofvuil bij u op. Zet het voor 7 uur aan de weg. "
                 "Heeft u vragen? Bel ons op 14 0321. Wij helpen u graag verder met uw vraag over het afval.\n\n"
                 "Met vriendelijke groet,\nGemeente Dronten")


@pytest.fixture
def make_letter(db):
    """Submit a letter through the register (portal.letters.register), as the page does."""
    from datetime import timedelta

    from portal.calendar.clock import local_today
    from portal.letters.register import LetterDetails, submit

    def make(team, by, text=SAMPLE_LETTER, title="Grofvuil ophalen", prefix="GV/2026/", copies=500,
             planned=None, commit=True):
        details = LetterDetails(title=title, team=team, reference_prefix=prefix, copies=copies,
                                planned_send_on=planned or local_today() + timedelta(days=7))
        letter = submit(details, text, source="pasted", by=by)
        if commit:
            db.session.commit()
        return letter

    return make
