"""Figures worked out once: published months and quarters (with corrections as new versions), the correction
window, targets per team and per category with their history, and the KCC's first-line resolution.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('teams', sa.Column('first_line', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('reports', sa.Column('sent_on_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('reports', sa.Column('closed_at_first_line', sa.Boolean(), nullable=True))
    # The contact centre is the first line: the team with the code KCC, where there is one (admins can change it).
    op.execute("UPDATE teams SET first_line = true WHERE upper(code) = 'KCC'")
    # A report with a team beyond the first line was sent on when it was triaged; a closed report that never was,
    # was resolved at the first line.
    op.execute("UPDATE reports SET sent_on_at = triaged_at WHERE team_id IN "
               "(SELECT id FROM teams WHERE NOT first_line)")
    op.execute("UPDATE reports SET closed_at_first_line = (sent_on_at IS NULL) WHERE status = 'closed'")

    with op.batch_alter_table('targets') as batch_op:
        batch_op.drop_constraint('uq_targets_code', type_='unique')
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_targets_team_id_teams'), 'teams', ['team_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key(op.f('fk_targets_category_id_categories'), 'categories', ['category_id'],
                                    ['id'], ondelete='CASCADE')
    op.create_index('uq_targets_scope', 'targets',
                    ['code', sa.text('coalesce(team_id, 0)'), sa.text('coalesce(category_id, 0)')], unique=True)
    targets = sa.table("targets", sa.column("code", sa.String), sa.column("value", sa.Float),
                       sa.column("direction", sa.String), sa.column("is_watch", sa.Boolean))
    op.bulk_insert(targets, [
        # The municipality's goals: 90% of calls and contact forms answered by the KCC directly (by the end of 2027);
        # callback requests outside their term from 58% to at most 30%, then at most 15%.
        {"code": "first_line_share", "value": 0.90, "direction": "at_least", "is_watch": False},
        {"code": "callbacks_outside_term_share", "value": 0.30, "direction": "at_most", "is_watch": False},
        {"code": "callbacks_outside_term_share_final", "value": 0.15, "direction": "at_most", "is_watch": False},
    ])

    op.create_table('target_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('old_value', sa.Float(), nullable=True),
    sa.Column('new_value', sa.Float(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_target_changes_category_id_categories'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_target_changes_changed_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_target_changes_team_id_teams'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_changes'))
    )
    op.create_table('published_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('figures_of', sa.Date(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_by', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_published_figures_published_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_published_figures_team_id_teams'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_published_figures'))
    )
    op.create_index('uq_published_figures_scope', 'published_figures',
                    ['period', 'version', sa.text('coalesce(team_id, 0)')], unique=True)
    op.create_table('figure_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('correction_working_days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_settings'))
    )
    op.execute("INSERT INTO figure_settings (id, correction_working_days) VALUES (1, 5)")


def downgrade():
    op.drop_table('figure_settings')
    op.drop_index('uq_published_figures_scope', table_name='published_figures')
    op.drop_table('published_figures')
    op.drop_table('target_changes')
    op.execute("DELETE FROM targets WHERE team_id IS NOT NULL OR category_id IS NOT NULL "
               "OR code IN ('first_line_share', 'callbacks_outside_term_share', 'callbacks_outside_term_share_final')")
    op.drop_index('uq_targets_scope', table_name='targets')
    with op.batch_alter_table('targets') as batch_op:
        batch_op.drop_constraint(op.f('fk_targets_category_id_categories'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_targets_team_id_teams'), type_='foreignkey')
        batch_op.drop_column('category_id')
        batch_op.drop_column('team_id')
        batch_op.create_unique_constraint('uq_targets_code', ['code'])
    with op.batch_alter_table('reports') as batch_op:
        batch_op.drop_column('closed_at_first_line')
        batch_op.drop_column('sent_on_at')
    with op.batch_alter_table('teams') as batch_op:
        batch_op.drop_column('first_line')
