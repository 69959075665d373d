"""The figures of periods not yet published, worked out by the scheduler every few minutes and read by the pages.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provisional_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('figures_of', sa.Date(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_provisional_figures_team_id_teams'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisional_figures'))
    )
    op.create_index('uq_provisional_figures_scope', 'provisional_figures',
                    ['period', sa.text('coalesce(team_id, 0)')], unique=True)


def downgrade():
    op.drop_index('uq_provisional_figures_scope', table_name='provisional_figures')
    op.drop_table('provisional_figures')
