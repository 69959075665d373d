"""The record of staff actions, and partial indexes that let the open queues stop after one page.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('new', 'assigned', 'contacted')")


def upgrade():
    op.create_table('staff_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('action', sa.String(length=100), nullable=False),
    sa.Column('target', sa.JSON(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_staff_actions_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_actions'))
    )
    op.create_index('ix_staff_actions_created_at', 'staff_actions', ['created_at'])
    op.create_index('ix_reports_open_next_due', 'reports', ['next_due', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_reports_open_team_next_due', 'reports', ['team_id', 'next_due', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    op.drop_index('ix_reports_open_team_next_due', table_name='reports')
    op.drop_index('ix_reports_open_next_due', table_name='reports')
    op.drop_index('ix_staff_actions_created_at', table_name='staff_actions')
    op.drop_table('staff_actions')
