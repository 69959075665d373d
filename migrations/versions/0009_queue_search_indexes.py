"""Indexes that let the KCC find a caller, and keep the queue quick at a million reports.

- E-mail address and phone number: b-tree indexes on their one stored form.
- Name, letter reference, (part of a) reference and the resident's words: trigram GIN indexes (pg_trgm), which
  serve `ILIKE '%…%'` and `ILIKE '…%'` alike; over all reports, and in one more index over the open ones only,
  where a search starts (quick also for a name that thousands share).
- "Assigned to me" and the count boxes: small partial indexes over the open reports.
- Statistics on status and team together, so that PostgreSQL reads the KCC's first page in order.

SQLite has no trigram indexes: there those five are created empty (`WHERE 0`), so that the schema is the same on
both databases; the search gives the same results without them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'assigned', 'contacted')")
NOWHERE = sa.text("0")
STATISTICS = 'st_reports_status_team'
TRIGRAM_INDEXES = {
    'ix_reports_name_trgm': 'name',
    'ix_reports_letter_reference_trgm': 'letter_reference',
    'ix_reports_description_trgm': 'description',
    'ix_reports_reference_trgm': 'reference',
}


def _trigram_index(name, column, postgresql):
    if postgresql:
        op.create_index(name, 'reports', [column], postgresql_using='gin', postgresql_ops={column: 'gin_trgm_ops'})
    else:
        op.create_index(name, 'reports', [column], sqlite_where=NOWHERE)


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    if postgresql:
        # A trusted extension since PostgreSQL 13: the database's owner may create it.
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_reports_email', 'reports', ['email'])
    op.create_index('ix_reports_phone', 'reports', ['phone'])
    for name, column in TRIGRAM_INDEXES.items():
        _trigram_index(name, column, postgresql)
    # The same columns over the open reports only, where a search starts: quick also for a common name.
    searched = list(TRIGRAM_INDEXES.values())
    if postgresql:
        op.create_index('ix_reports_open_search', 'reports', searched, postgresql_using='gin',
                        postgresql_ops={column: 'gin_trgm_ops' for column in searched}, postgresql_where=OPEN)
    else:
        op.create_index('ix_reports_open_search', 'reports', searched, sqlite_where=NOWHERE)
    op.create_index('ix_reports_open_assignee_next_due', 'reports', ['assignee_id', 'next_due', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_reports_open_counts', 'reports', ['status', 'team_id', 'assignee_id', 'next_due'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    if postgresql:
        # Status and team go together (a new report has no team yet): without this PostgreSQL multiplies their
        # shares, expects a few dozen new reports without a team where there are thousands, and sorts them all
        # for the KCC's first page instead of reading the latest 51 in order. SQLite needs no such help.
        op.execute(f'CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON status, team_id FROM reports')
        op.execute('ANALYZE reports')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP STATISTICS IF EXISTS {STATISTICS}')
    # pg_trgm stays: other parts of the database may use it, and it changes nothing by itself.
    for name in ('ix_reports_open_counts', 'ix_reports_open_assignee_next_due', 'ix_reports_open_search',
                 *reversed(TRIGRAM_INDEXES), 'ix_reports_phone', 'ix_reports_email'):
        op.drop_index(name, table_name='reports')
