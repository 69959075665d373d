"""Bulk inserts for demo data at scale: COPY on PostgreSQL, executemany elsewhere, in the session's transaction."""
import enum

from psycopg.types.json import Json
from sqlalchemy import insert, text

from portal.extensions import db


def _copy_value(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict | list):
        return Json(value)
    return value


def insert_rows(table, rows):
    """Insert dicts that all have the same keys into a Core table."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([_copy_value(row[column]) for column in columns])


def next_id(table):
    return (db.session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table.name}")).scalar() or 0) + 1  # noqa: S608


def sync_id_sequence(table):
    """After inserting explicit ids on PostgreSQL, let the sequence continue after them."""
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608
                 f"(SELECT coalesce(max(id), 1) FROM {table.name}))")
        )
