"""Staff accounts and teams' members, causes, standard texts, and the handling columns of a report.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


CAUSES = [
    ("callback_not_registered", "Terugbelverzoek niet vastgelegd", "Callback request not registered"),
    ("callback_not_passed_on", "Terugbelverzoek niet doorgegeven", "Callback request not passed on"),
    ("wrong_team", "Naar het verkeerde team gestuurd", "Sent to the wrong team"),
    ("letter_wording", "Tekst van de brief onduidelijk", "Letter wording unclear"),
    ("letter_content", "Inhoud van de brief klopt niet", "Letter content wrong"),
    ("email_unanswered", "E-mail of formulier niet beantwoord", "No answer to e-mail or form"),
    ("information_wrong", "Verkeerde of tegenstrijdige informatie gegeven", "Wrong or contradictory information given"),
    ("too_busy", "Te weinig capaciteit", "Not enough capacity"),
    ("other", "Andere oorzaak", "Other cause"),
]

STANDARD_TEXTS = [
    (
        "callback_apology",
        "Excuses: niet teruggebeld",
        "Uw melding {reference}: wij bellen u terug",
        "Your report {reference}: we will call you back",
        "Beste {name},\n\nU heeft gemeld dat wij u niet hebben teruggebeld. Dat spijt ons. "
        "Wij bellen u uiterlijk op {first_contact_due}.\n\nMet vriendelijke groet,\n{municipality}",
        "Dear {name},\n\nYou told us that we did not call you back. We are sorry. "
        "We will call you on {first_contact_due} at the latest.\n\nKind regards,\n{municipality}",
    ),
    (
        "more_information",
        "Wij hebben meer informatie nodig",
        "Uw melding {reference}: wij hebben een vraag",
        "Your report {reference}: we have a question",
        "Beste {name},\n\nDank u voor uw melding van {received_date}. Om u goed te helpen, hebben wij meer "
        "informatie nodig: [schrijf hier uw vraag].\n\nU kunt antwoorden op deze e-mail of bellen met "
        "{phone}. Noem dan uw meldingsnummer {reference}.\n\nMet vriendelijke groet,\n{municipality}",
        "Dear {name},\n\nThank you for your report of {received_date}. To help you well, we need more "
        "information: [write your question here].\n\nYou can reply to this e-mail or call {phone}. "
        "Please mention your reference {reference}.\n\nKind regards,\n{municipality}",
    ),
    (
        "letter_explained",
        "Uitleg over een brief",
        "Uw melding {reference}: uitleg over de brief",
        "Your report {reference}: about the letter",
        "Beste {name},\n\nU vroeg ons om uitleg over onze brief. Hier leggen wij het kort uit: "
        "[schrijf hier de uitleg in korte zinnen].\n\nHeeft u nog vragen? Bel ons op {phone}.\n\n"
        "Met vriendelijke groet,\n{municipality}",
        "Dear {name},\n\nYou asked us to explain our letter. Here is a short explanation: "
        "[write the explanation in short sentences].\n\nAny questions? Call us on {phone}.\n\n"
        "Kind regards,\n{municipality}",
    ),
]


def upgrade():
    op.create_table('causes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name_nl', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_causes')),
    sa.UniqueConstraint('code', name=op.f('uq_causes_code'))
    )
    op.create_table('standard_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('subject_nl', sa.String(length=200), nullable=False),
    sa.Column('subject_en', sa.String(length=200), nullable=False),
    sa.Column('body_nl', sa.Text(), nullable=False),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standard_texts')),
    sa.UniqueConstraint('code', name=op.f('uq_standard_texts_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('kcc', 'team', 'manager', 'admin', name='role', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('totp_secret', sa.String(length=64), nullable=True),
    sa.Column('totp_last_step', sa.BigInteger(), nullable=True),
    sa.Column('recovery_code_hashes', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('team_members',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_members_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'team_id', name=op.f('pk_team_members'))
    )
    op.create_table('report_causes',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cause_id'], ['causes.id'], name=op.f('fk_report_causes_cause_id_causes')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_causes_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'cause_id', name=op.f('pk_report_causes'))
    )
    op.create_index('ix_report_causes_cause_id', 'report_causes', ['cause_id'])

    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_events_actor_id_users'), 'users', ['actor_id'], ['id'])

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('next_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.Enum('resolved', 'explained', 'not_justified', 'forwarded', name='outcome', native_enum=False, create_constraint=True, length=16), nullable=True))
        batch_op.add_column(sa.Column('closing_summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('dismissal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('duplicate_of', sa.String(length=12), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reports_assignee_id_users'), 'users', ['assignee_id'], ['id'], ondelete='SET NULL')
    # The next term to meet: first contact until it happened, then closing.
    op.execute(
        "UPDATE reports SET next_due = CASE WHEN first_contact_at IS NULL THEN first_contact_due ELSE closing_due END"
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('next_due', existing_type=sa.Date(), nullable=False)
    op.create_index('ix_reports_status_next_due_id', 'reports', ['status', 'next_due', 'id'])
    op.create_index('ix_reports_team_status_next_due_id', 'reports', ['team_id', 'status', 'next_due', 'id'])

    causes = sa.table(
        "causes",
        sa.column("code", sa.String),
        sa.column("name_nl", sa.String),
        sa.column("name_en", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        causes,
        [
            {"code": code, "name_nl": nl, "name_en": en, "position": position, "active": True}
            for position, (code, nl, en) in enumerate(CAUSES)
        ],
    )
    texts = sa.table(
        "standard_texts",
        sa.column("code", sa.String),
        sa.column("title", sa.String),
        sa.column("subject_nl", sa.String),
        sa.column("subject_en", sa.String),
        sa.column("body_nl", sa.Text),
        sa.column("body_en", sa.Text),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        texts,
        [
            {"code": code, "title": title, "subject_nl": subject_nl, "subject_en": subject_en,
             "body_nl": body_nl, "body_en": body_en, "active": True}
            for code, title, subject_nl, subject_en, body_nl, body_en in STANDARD_TEXTS
        ],
    )



def downgrade():
    op.drop_index('ix_reports_team_status_next_due_id', table_name='reports')
    op.drop_index('ix_reports_status_next_due_id', table_name='reports')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_assignee_id_users'), type_='foreignkey')
        batch_op.drop_column('duplicate_of')
        batch_op.drop_column('dismissal_reason')
        batch_op.drop_column('closing_summary')
        # SQLite rebuilds the table in batch mode: the enum's check constraint must go before its column.
        batch_op.drop_constraint(op.f('ck_reports_outcome'), type_='check')
        batch_op.drop_column('outcome')
        batch_op.drop_column('next_due')
        batch_op.drop_column('assignee_id')

    with op.batch_alter_table('report_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_events_actor_id_users'), type_='foreignkey')
        batch_op.drop_column('actor_id')

    op.drop_index('ix_report_causes_cause_id', table_name='report_causes')

    op.drop_table('report_causes')
    op.drop_table('team_members')
    op.drop_table('users')
    op.drop_table('standard_texts')
    op.drop_table('causes')
