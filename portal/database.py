"""The database as Meldpunt uses it: UTC times and readable enums on every database, SQLite as a real one."""
from datetime import datetime, timezone
from functools import lru_cache

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.types import DateTime, TypeDecorator
from werkzeug.routing import IntegerConverter

from portal.extensions import db

MAX_ID = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL (SQLite holds more)


def utcnow():
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are not stored; give a timezone-aware UTC time.")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_cls, length=16, name=None):
    # Stored as the readable value, checked by a constraint on both databases (named after the enum, or `name`
    # when a table has two columns of one enum).
    return db.Enum(
        enum_cls,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        length=length,
        create_constraint=True,
        name=name or enum_cls.__name__.lower(),
        validate_strings=True,
    )


def _on_connect(dbapi_connection, connection_record):
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def insert_unless_taken(table, unique_column, returning):
    """`INSERT … ON CONFLICT (unique_column) DO NOTHING RETURNING returning` on PostgreSQL and SQLite alike: a row
    whose unique value is taken is not inserted (no row comes back) instead of failing the transaction, so no
    savepoint is needed. Execute it with the row's values as parameters."""
    return _insert_unless_taken(db.session.get_bind().dialect.name, table, unique_column, returning)


@lru_cache(maxsize=32)
def _insert_unless_taken(dialect_name, table, unique_column, returning):
    # Built once: a statement made anew with its values costs more in Python than the INSERT takes in the database.
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[unique_column]).returning(
        table.c[returning])


def append_only(model, what):
    """Refuse every change and deletion of this model's rows through the ORM: a record that is never edited."""

    def refuse(mapper, connection, target):
        raise RuntimeError(f"{what} is append-only: its rows are never changed or deleted.")

    event.listen(model, "before_update", refuse)
    event.listen(model, "before_delete", refuse)


class IdConverter(IntegerConverter):
    """`<int:…>` in every URL, bounded by what an integer id column holds: /admin/reports/99999999999999999999 is a
    page that does not exist (404), not a database error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 (werkzeug's names)
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app):
    app.url_map.converters["int"] = IdConverter
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
