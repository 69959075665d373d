"""`flask db upgrade` alone, on an empty database, gives the schema and its reference data."""
import json

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from portal import create_app
from portal.extensions import db
from portal.models import Category


def test_upgrade_builds_the_schema_and_default_categories_and_downgrade_removes_it(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade()
        categories = {c.code: (c.first_contact_days, c.closing_days) for c in db.session.scalars(select(Category))}
        assert categories == {
            "callback": (2, 10), "email": (2, 10), "letter": (3, 10), "information": (3, 10), "other": (5, 20),
        }
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == [], "the models have changes that no migration makes"
        db.session.remove()

        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert "reports" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_upgrade_writes_existing_addresses_and_numbers_in_their_one_form(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0005")
        with db.engine.begin() as connection:
            category_id = connection.execute(text("SELECT id FROM categories WHERE code = 'callback'")).scalar()
            for number, (email, phone) in enumerate([("Anna.Jansen@Example.NL", "06-11112222"),
                                                     ("bram@example.nl", "+31612345678"),
                                                     (None, "not a number")]):
                connection.execute(text(
                    "INSERT INTO reports (reference, received_at, channel, category_id, description, email, phone, "
                    "contact_preference, language, status, first_contact_due, closing_due, next_due) VALUES "
                    "(:reference, '2026-11-02 09:00:00', 'web', :category, 'Niemand belde terug.', :email, :phone, "
                    "'none', 'nl', 'new', '2026-11-04', '2026-11-16', '2026-11-04')"),
                    {"reference": f"MC-0000-000{number}", "category": category_id, "email": email, "phone": phone})
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text("SELECT email, phone FROM reports ORDER BY reference")).all()
        assert [tuple(row) for row in stored] == [
            ("anna.jansen@example.nl", "+31611112222"),
            ("bram@example.nl", "+31612345678"),
            (None, "not a number"),
        ]
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_upgrade_marks_the_contact_centre_as_first_line_and_its_closed_reports_as_resolved_there(
        empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0010")
        with db.engine.begin() as connection:
            category_id = connection.execute(text("SELECT id FROM categories WHERE code = 'callback'")).scalar()
            for code in ("KCC", "BZ"):
                connection.execute(text("INSERT INTO teams (code, name, active, created_at, callback_term_days) "
                                        "VALUES (:code, :code, true, '2026-11-01 09:00:00', 2)"), {"code": code})
            teams = dict(connection.execute(text("SELECT code, id FROM teams")).all())
            for number, (team, status) in enumerate([("KCC", "closed"), ("BZ", "closed"), ("BZ", "assigned"),
                                                     (None, "new")]):
                connection.execute(text(
                    "INSERT INTO reports (reference, received_at, channel, category_id, description, "
                    "contact_preference, language, status, first_contact_due, closing_due, next_due, team_id, "
                    "triaged_at, version) VALUES (:reference, '2026-11-02 09:00:00', 'web', :category, "
                    "'Niemand belde terug.', 'none', 'nl', :status, '2026-11-04', '2026-11-16', '2026-11-04', "
                    ":team, :triaged, 1)"),
                    {"reference": f"MC-0000-000{number}", "category": category_id, "status": status,
                     "team": teams.get(team), "triaged": "2026-11-02 10:00:00" if team else None})
        flask_migrate.upgrade(revision="0011")
        with db.engine.connect() as connection:
            first_line = dict(connection.execute(text("SELECT code, first_line FROM teams")).all())
            reports = connection.execute(text(
                "SELECT reference, sent_on_at IS NOT NULL, closed_at_first_line FROM reports ORDER BY reference")).all()
        assert {code: bool(value) for code, value in first_line.items()} == {"KCC": True, "BZ": False}
        assert [(sent, None if closed is None else bool(closed)) for _ref, sent, closed in reports] == [
            (False, True),  # closed by the KCC's own team: resolved at the first line
            (True, False),  # sent on to BZ, then closed there
            (True, None),  # with BZ, still open
            (False, None),  # new
        ]
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_upgrade_rewrites_the_old_record_of_staff_actions_through_the_allow_list(empty_database_url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0013")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (email, name, role, password_hash, active, session_token, created_at) VALUES "
                "('kcc@dronten.example', 'Karin', 'kcc', 'x', true, 't', '2026-11-01 09:00:00')"))
            actor = connection.execute(text("SELECT id FROM users")).scalar()
            rows = [
                (None, "admin.assign", {"x" * 1000: ["spam"]}),  # anyone's POST, before the fix
                (actor, "admin.privacy", {"email": ["anna.jansen@example.nl"]}),  # a search: never recorded
                (actor, "admin.no_longer_a_page", {"code": ["X"]}),
                (actor, "admin.close", {"close-outcome": ["resolved"], "close-causes": ["3", "4"],
                                        "close-summary": ["Mevrouw Jansen, Dorpsstraat 1, is gebeld."]}),
                (actor, "admin.register", {"category": ["callback"], "name": ["Anna Jansen"],
                                           "letter_reference": ["BEL/2026/7 aan A. Jansen"]}),
            ]
            for number, (who, action, details) in enumerate(rows):
                connection.execute(text(
                    "INSERT INTO staff_actions (created_at, actor_id, actor, action, target, details) VALUES "
                    "(:at, :who, 'Karin', :action, '{}', :details)"),
                    {"at": f"2026-11-0{number + 1} 09:00:00", "who": who, "action": action,
                     "details": json.dumps(details)})
        flask_migrate.upgrade(revision="0014")
        with db.engine.connect() as connection:
            kept = connection.execute(text("SELECT action, details FROM staff_actions ORDER BY id")).all()
        kept = [(action, json.loads(details) if isinstance(details, str) else details) for action, details in kept]
        assert kept == [
            ("admin.close", {"close-outcome": ["resolved"], "close-causes": ["3", "4"]}),
            ("admin.register", {"category": ["callback"]}),
        ]
        db.session.remove()
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
