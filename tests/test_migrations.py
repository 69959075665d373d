"""`flask db upgrade` alone, on an empty database, gives the schema and its reference data."""
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
