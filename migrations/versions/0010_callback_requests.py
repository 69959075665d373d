"""Callback requests (issue 13): the KCC's promise "a colleague will call you back" with a term, an owner and a
record, named after VNG's Klantinteracties model (InterneTaak, Klantcontact); one log of contact attempts shared
with the report's call step; links between reports and the requests they are about; and per team its callback
term in working days (default 2) and the coordinator who redistributes its requests.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'te_verwerken'")


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=16, create_constraint=True)


CHANNEL = ('web', 'phone', 'desk', 'email')


def upgrade():
    with op.batch_alter_table('teams') as batch_op:
        batch_op.add_column(sa.Column('callback_term_days', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('callback_coordinator_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_teams_callback_coordinator_id_users'), 'users',
                                    ['callback_coordinator_id'], ['id'], ondelete='SET NULL')
    _create_callback_requests()
    _create_contact_attempts()
    op.create_table(
        'callback_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('callback_request_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=200), nullable=True),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_callback_events_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['callback_request_id'], ['callback_requests.id'],
                                name=op.f('fk_callback_events_callback_request_id_callback_requests'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_events')),
    )
    op.create_index('ix_callback_events_callback_request_id', 'callback_events', ['callback_request_id', 'id'])
    op.create_table(
        'callback_request_reports',
        sa.Column('callback_request_id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('linked_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['callback_request_id'], ['callback_requests.id'],
                                name=op.f('fk_callback_request_reports_callback_request_id_callback_requests'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'],
                                name=op.f('fk_callback_request_reports_linked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'],
                                name=op.f('fk_callback_request_reports_report_id_reports'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('callback_request_id', 'report_id', name=op.f('pk_callback_request_reports')),
    )
    op.create_index('ix_callback_request_reports_report_id', 'callback_request_reports', ['report_id'])


def _create_callback_requests():
    op.create_table(
        'callback_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=12), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', _enum('channel', *CHANNEL), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=False),
        sa.Column('requested_action', sa.String(length=500), nullable=False),
        sa.Column('explanation', sa.Text(), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('phone', sa.String(length=32), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=True),
        sa.Column('urgency', _enum('urgency', 'normal', 'urgent'), nullable=False),
        sa.Column('status', _enum('callbackstatus', 'te_verwerken', 'verwerkt'), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('registered_by_id', sa.Integer(), nullable=True),
        sa.Column('registered_by', sa.String(length=200), nullable=True),
        sa.Column('term_days', sa.Integer(), nullable=False),
        sa.Column('due', sa.Date(), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('agreement', sa.Text(), nullable=True),
        sa.Column('first_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('first_attempt_working_days', sa.Integer(), nullable=True),
        sa.Column('first_attempt_on_time', sa.Boolean(), nullable=True),
        sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('contacted_on_time', sa.Boolean(), nullable=True),
        sa.Column('failed_attempts', sa.Integer(), server_default='0', nullable=False),
        sa.Column('unreachable_notice', _enum('unreachablenotice', 'email', 'letter'), nullable=True),
        sa.Column('unreachable_notice_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('letter_sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('phone IS NOT NULL OR email IS NOT NULL',
                           name=op.f('ck_callback_requests_callback_reachable')),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_callback_requests_assignee_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'],
                                name=op.f('fk_callback_requests_registered_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_callback_requests_team_id_teams')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callback_requests')),
        sa.UniqueConstraint('number', name=op.f('uq_callback_requests_number')),
    )
    # The work lists read these in order (open requests only, a small part of all); the figures and the
    # proposals for a report the others.
    op.create_index('ix_callback_requests_open_team', 'callback_requests', ['team_id', 'urgency', 'due', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_callback_requests_open_assignee', 'callback_requests',
                    ['assignee_id', 'urgency', 'due', 'id'], postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_callback_requests_open_due', 'callback_requests', ['urgency', 'due', 'id'],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index('ix_callback_requests_registered_at', 'callback_requests', ['registered_at'])
    op.create_index('ix_callback_requests_team_registered_at', 'callback_requests', ['team_id', 'registered_at'])
    op.create_index('ix_callback_requests_email', 'callback_requests', ['email'])
    op.create_index('ix_callback_requests_phone', 'callback_requests', ['phone'])


def _create_contact_attempts():
    op.create_table(
        'contact_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('callback_request_id', sa.Integer(), nullable=True),
        sa.Column('report_id', sa.Integer(), nullable=True),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('channel', _enum('channel', *CHANNEL), nullable=False),
        sa.Column('reached', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('by', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('callback_request_id IS NOT NULL OR report_id IS NOT NULL',
                           name=op.f('ck_contact_attempts_attempt_about_something')),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_contact_attempts_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['callback_request_id'], ['callback_requests.id'],
                                name=op.f('fk_contact_attempts_callback_request_id_callback_requests'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_contact_attempts_report_id_reports'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_attempts')),
    )
    op.create_index('ix_contact_attempts_callback_request_id', 'contact_attempts', ['callback_request_id', 'id'])
    op.create_index('ix_contact_attempts_report_id', 'contact_attempts', ['report_id', 'id'])


def downgrade():
    op.drop_table('callback_request_reports')
    op.drop_table('callback_events')
    op.drop_table('contact_attempts')
    op.drop_table('callback_requests')
    with op.batch_alter_table('teams') as batch_op:
        batch_op.drop_constraint(op.f('fk_teams_callback_coordinator_id_users'), type_='foreignkey')
        batch_op.drop_column('callback_coordinator_id')
        batch_op.drop_column('callback_term_days')
