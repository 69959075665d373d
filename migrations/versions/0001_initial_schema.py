"""Reports, categories, teams, closing days, history and outbox; the default categories as reference data.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


CATEGORIES = [
    # code, Dutch name, English name, Dutch help, English help, first-contact term, closing term (working days)
    (
        "callback",
        "Ik ben niet teruggebeld",
        "I was not called back",
        "U zou worden teruggebeld, maar niemand belde u.",
        "We promised to call you back, but nobody called.",
        2,
        10,
    ),
    (
        "email",
        "Mijn e-mail of contactformulier is niet beantwoord",
        "My e-mail or contact form was not answered",
        "U stuurde een e-mail of vulde een formulier in, maar kreeg geen antwoord.",
        "You sent an e-mail or filled in a form, but got no answer.",
        2,
        10,
    ),
    (
        "letter",
        "Ik begrijp een brief of bericht niet",
        "A letter or message is not clear",
        "U kreeg een brief of bericht van ons dat niet duidelijk is. Noem hieronder het kenmerk van de brief.",
        "You got a letter or message from us that is not clear. Fill in the reference of the letter below.",
        3,
        10,
    ),
    (
        "information",
        "Ik kreeg verkeerde of tegenstrijdige informatie",
        "I got wrong or contradictory information",
        "Wat u hoorde of las klopte niet, of u hoorde twee verschillende dingen.",
        "What you heard or read was wrong, or you were told two different things.",
        3,
        10,
    ),
    (
        "other",
        "Iets anders",
        "Something else",
        "Een ander probleem in uw contact met de gemeente.",
        "Another problem in your contact with the municipality.",
        5,
        20,
    ),
]


def upgrade():
    op.create_table('closing_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closing_days')),
    sa.UniqueConstraint('day', name=op.f('uq_closing_days_day'))
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('code', name=op.f('uq_teams_code'))
    )
    op.create_table('categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_nl', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('help_nl', sa.Text(), nullable=False),
    sa.Column('help_en', sa.Text(), nullable=False),
    sa.Column('first_contact_days', sa.Integer(), nullable=False),
    sa.Column('closing_days', sa.Integer(), nullable=False),
    sa.Column('default_team_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('closing_days >= first_contact_days AND closing_days <= 30', name=op.f('ck_categories_closing_term')),
    sa.CheckConstraint('first_contact_days >= 1 AND first_contact_days <= 30', name=op.f('ck_categories_first_contact_term')),
    sa.ForeignKeyConstraint(['default_team_id'], ['teams.id'], name=op.f('fk_categories_default_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_categories_code'))
    )
    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.Enum('web', 'phone', 'desk', 'email', name='channel', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_date', sa.Date(), nullable=True),
    sa.Column('letter_reference', sa.String(length=100), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('contact_preference', sa.Enum('none', 'email', 'phone', name='contactpreference', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('status', sa.Enum('new', 'assigned', 'contacted', 'closed', 'dismissed', name='reportstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('first_contact_due', sa.Date(), nullable=False),
    sa.Column('closing_due', sa.Date(), nullable=False),
    sa.Column('triaged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(description) <= 5000', name=op.f('ck_reports_description_length')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_reports_category_id_categories')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_reports_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reference', name=op.f('uq_reports_reference'))
    )
    op.create_index('ix_reports_category_received_at', 'reports', ['category_id', 'received_at'])
    op.create_index('ix_reports_received_at', 'reports', ['received_at'])
    op.create_index('ix_reports_status_closing_due', 'reports', ['status', 'closing_due'])
    op.create_index('ix_reports_team_received_at', 'reports', ['team_id', 'received_at'])
    op.create_index('ix_reports_team_status_closing_due', 'reports', ['team_id', 'status', 'closing_due'])

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('template', sa.String(length=64), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='outboxstatus', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_outbox_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index(op.f('ix_outbox_report_id'), 'outbox', ['report_id'])
    op.create_index('ix_outbox_status_next_attempt_at', 'outbox', ['status', 'next_attempt_at'])

    op.create_table('report_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_events_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_events'))
    )
    op.create_index('ix_report_events_report_id', 'report_events', ['report_id', 'id'])

    categories = sa.table(
        "categories",
        sa.column("code", sa.String),
        sa.column("name_nl", sa.String),
        sa.column("name_en", sa.String),
        sa.column("help_nl", sa.Text),
        sa.column("help_en", sa.Text),
        sa.column("first_contact_days", sa.Integer),
        sa.column("closing_days", sa.Integer),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        categories,
        [
            {
                "code": code,
                "name_nl": name_nl,
                "name_en": name_en,
                "help_nl": help_nl,
                "help_en": help_en,
                "first_contact_days": first_contact,
                "closing_days": closing,
                "position": position,
                "active": True,
            }
            for position, (code, name_nl, name_en, help_nl, help_en, first_contact, closing) in enumerate(CATEGORIES)
        ],
    )



def downgrade():
    op.drop_index('ix_report_events_report_id', table_name='report_events')

    op.drop_table('report_events')
    op.drop_index('ix_outbox_status_next_attempt_at', table_name='outbox')
    op.drop_index(op.f('ix_outbox_report_id'), table_name='outbox')

    op.drop_table('outbox')
    op.drop_index('ix_reports_team_status_closing_due', table_name='reports')
    op.drop_index('ix_reports_team_received_at', table_name='reports')
    op.drop_index('ix_reports_status_closing_due', table_name='reports')
    op.drop_index('ix_reports_received_at', table_name='reports')
    op.drop_index('ix_reports_category_received_at', table_name='reports')

    op.drop_table('reports')
    op.drop_table('categories')
    op.drop_table('teams')
    op.drop_table('closing_days')
