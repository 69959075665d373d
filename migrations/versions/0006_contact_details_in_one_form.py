"""E-mail addresses lower-cased whole and phone numbers in E.164, so that searches find every report.

Before this, a resident's address kept the case of its local part (`Anna.Jansen@example.nl`) while the
personal-data search lower-cased what the admin typed, so an access or erasure request found nothing.
A data migration only: the schema does not change. The rule is written out here rather than imported, so
that this migration keeps doing what it did when the application's code moves on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

BATCH = 5000


def _email(value):
    return value.strip().lower()


def _phone(value):
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return value
    if not phonenumbers.is_valid_number(number):
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _normalise(connection, table, column, rule):
    """Rewrite the rows whose value is not in its one form yet, in batches by id."""
    last_id = 0
    while True:
        rows = connection.execute(
            sa.text(f"SELECT id, {column} FROM {table} WHERE id > :last AND {column} IS NOT NULL "  # noqa: S608
                    "ORDER BY id LIMIT :batch"),
            {"last": last_id, "batch": BATCH},
        ).all()
        if not rows:
            return
        changed = [{"id": row_id, "value": rule(value)} for row_id, value in rows if rule(value) != value]
        if changed:
            connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), changed)  # noqa: S608
        last_id = rows[-1][0]


def upgrade():
    connection = op.get_bind()
    _normalise(connection, "reports", "email", _email)
    _normalise(connection, "reports", "phone", _phone)
    # Staff addresses were already stored lower-cased; trimmed and lower-cased again for certainty.
    _normalise(connection, "users", "email", _email)


def downgrade():
    # The original spelling is not kept, and the normalised form works with the older code too.
    pass
