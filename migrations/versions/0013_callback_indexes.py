"""Callback requests: personal data that can be erased, and the indexes their lists and retention read.

- anonymised_at: when a request's personal data was removed (on a resident's request, or after the retention
  term; portal.callbacks.retention). An anonymised request keeps neither number nor address, so the constraint
  "reachable by phone or e-mail" holds only while it holds personal data.
- ix_callback_requests_closed_at (closed_at, id): the nightly retention job finds the requests closed before
  the term, and the list of handled requests pages by closing moment, newest first, without sorting them all.
- The open lists' partial indexes again, now with urgency descending: the lists read urgent before normal, then
  by due date ascending, and an index with urgency ascending made both databases sort every open request for
  each page ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY" on SQLite; 3 s for the first page of all open
  requests at a million requests; bench/callbacks_benchmark.py).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

REACHABLE = 'ck_callback_requests_callback_reachable'
OPEN = sa.text("status = 'te_verwerken'")
# The open lists' partial indexes: dropped before the table is changed (SQLite rebuilds it to change a
# constraint) and made again afterwards, urgency descending (upgrade) or ascending (downgrade).
PARTIAL = {
    'ix_callback_requests_open_team': ['team_id'],
    'ix_callback_requests_open_assignee': ['assignee_id'],
    'ix_callback_requests_open_due': [],
}


def _with_reachable(condition, add_column):
    for name in PARTIAL:
        op.drop_index(name, table_name='callback_requests')
    with op.batch_alter_table('callback_requests') as batch_op:
        batch_op.drop_constraint(op.f(REACHABLE), type_='check')
        if add_column:
            batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        else:
            batch_op.drop_column('anonymised_at')
        batch_op.create_check_constraint(op.f(REACHABLE), condition)
    urgency = sa.text('urgency DESC') if add_column else 'urgency'
    for name, columns in PARTIAL.items():
        op.create_index(name, 'callback_requests', [*columns, urgency, 'due', 'id'],
                        postgresql_where=OPEN, sqlite_where=OPEN)


def upgrade():
    _with_reachable('phone IS NOT NULL OR email IS NOT NULL OR anonymised_at IS NOT NULL', add_column=True)
    op.create_index('ix_callback_requests_closed_at', 'callback_requests', ['closed_at', 'id'])


def downgrade():
    op.drop_index('ix_callback_requests_closed_at', table_name='callback_requests')
    # Anonymised requests hold no number or address: an empty number lets them stay under the old constraint
    # (their anonymous facts still count in the figures).
    op.execute("UPDATE callback_requests SET phone = '' WHERE phone IS NULL AND email IS NULL")
    _with_reachable('phone IS NOT NULL OR email IS NOT NULL', add_column=False)
