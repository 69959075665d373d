"""`flask db upgrade` alone, on an empty database, gives the schema and its reference data."""
import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

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
