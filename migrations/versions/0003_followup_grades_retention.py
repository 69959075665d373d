"""Extension of the term, measured follow-up, escalation markers, the resident's grade, retention, job runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job', 'period', name='uq_job_runs_job_period')
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_closing_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('extension_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('triage_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_contact_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closing_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('first_contact_on_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('closed_on_time', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('first_contact_escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('closing_escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('grade', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('grade_comment', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_reports_grade_range'), 'grade IS NULL OR (grade >= 1 AND grade <= 10)')
    op.create_index('ix_reports_closed_at', 'reports', ['closed_at'])



def downgrade():
    op.drop_index('ix_reports_closed_at', table_name='reports')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_grade_range'), type_='check')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('graded_at')
        batch_op.drop_column('grade_comment')
        batch_op.drop_column('grade')
        batch_op.drop_column('closing_escalated_at')
        batch_op.drop_column('first_contact_escalated_at')
        batch_op.drop_column('closed_on_time')
        batch_op.drop_column('first_contact_on_time')
        batch_op.drop_column('closing_working_days')
        batch_op.drop_column('first_contact_working_days')
        batch_op.drop_column('triage_working_days')
        batch_op.drop_column('extension_reason')
        batch_op.drop_column('extended_at')
        batch_op.drop_column('original_closing_due')

    op.drop_table('job_runs')
