"""Letters at B1 (issue 12): the register of letters submitted for the KCC's check, every version with its
analysis, the review decisions, the officialese list the admins keep (seeded from portal/letters/officialese_seed.py)
and the share of letters that should be at B1 (80%).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=16, create_constraint=True)


def _user(table, column):
    return sa.ForeignKeyConstraint([column], ['users.id'], name=op.f(f'fk_{table}_{column}_users'), ondelete='SET NULL')


def upgrade():
    op.create_table(
        'letters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('reference_prefix', sa.String(length=40), nullable=False),
        sa.Column('copies', sa.Integer(), nullable=False),
        sa.Column('planned_send_on', sa.Date(), nullable=False),
        sa.Column('status', _enum('letterstatus', 'waiting', 'returned', 'approved', 'sent'), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('draft_count', sa.Integer(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by', sa.String(length=200), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_by', sa.String(length=200), nullable=True),
        sa.Column('approved_draft', sa.Integer(), nullable=True),
        sa.Column('sent_on', sa.Date(), nullable=True),
        sa.Column('sent_marked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('copies >= 1', name=op.f('ck_letters_letter_copies')),
        sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_letters_team_id_teams')),
        _user('letters', 'submitted_by_id'), _user('letters', 'approved_by_id'), _user('letters', 'sent_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letters')),
    )
    op.create_index('ix_letters_status_planned', 'letters', ['status', 'planned_send_on'])
    op.create_index('ix_letters_team_id', 'letters', ['team_id'])
    op.create_index('ix_letters_submitted_at', 'letters', ['submitted_at'])
    op.create_index('ix_letters_approved_at', 'letters', ['approved_at'])
    op.create_table(
        'letter_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('source', _enum('draftsource', 'pasted', 'txt', 'docx', 'odt', 'pdf'), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('submitted_by_id', sa.Integer(), nullable=True),
        sa.Column('submitted_by', sa.String(length=200), nullable=True),
        sa.Column('meets_b1', sa.Boolean(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('analysis', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_drafts_letter_id_letters'),
                                ondelete='CASCADE'),
        _user('letter_drafts', 'submitted_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_drafts')),
        sa.UniqueConstraint('letter_id', 'number', name=op.f('uq_letter_drafts_letter_id')),
    )
    op.create_table(
        'letter_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('letter_id', sa.Integer(), nullable=False),
        sa.Column('draft_number', sa.Integer(), nullable=False),
        sa.Column('decision', _enum('reviewdecision', 'approved', 'returned'), nullable=False),
        sa.Column('comments', sa.Text(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_letter_reviews_letter_id_letters'),
                                ondelete='CASCADE'),
        _user('letter_reviews', 'decided_by_id'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_reviews')),
    )
    op.create_index('ix_letter_reviews_letter_id', 'letter_reviews', ['letter_id', 'id'])
    _create_reference_data()


def _create_reference_data():
    """The officialese list from the seed (reference data, like the categories) and the 80% target."""
    from portal.letters.officialese_seed import OFFICIALESE

    pairs = op.create_table(
        'officialese_pairs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phrase', sa.String(length=100), nullable=False),
        sa.Column('plain', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_officialese_pairs')),
        sa.UniqueConstraint('phrase', name=op.f('uq_officialese_pairs_phrase')),
    )
    seen = {}
    for phrase, plain in OFFICIALESE:
        seen.setdefault(" ".join(phrase.lower().split()), plain.strip())
    op.bulk_insert(pairs, [{"phrase": phrase, "plain": plain, "active": True} for phrase, plain in seen.items()])
    settings = op.create_table(
        'letter_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('b1_target', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_letter_settings')),
    )
    # The municipality's goal: at least 80% of outgoing letters at language level B1.
    op.bulk_insert(settings, [{"id": 1, "b1_target": 0.80}])


def downgrade():
    op.drop_table('letter_settings')
    op.drop_table('officialese_pairs')
    op.drop_index('ix_letter_reviews_letter_id', table_name='letter_reviews')
    op.drop_table('letter_reviews')
    op.drop_table('letter_drafts')
    for name in ('ix_letters_approved_at', 'ix_letters_submitted_at', 'ix_letters_team_id',
                 'ix_letters_status_planned'):
        op.drop_index(name, table_name='letters')
    op.drop_table('letters')
