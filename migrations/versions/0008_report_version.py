"""A version number on every report, raised by each staff action, so that two people acting at once on the same
report never both succeed (the second is told a colleague just changed it); and a Reply-To address on each mail,
so that "you can reply to this e-mail" reaches the team that handles the report.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN with a constant default: no table rebuild, also on SQLite, also at a million reports.
    op.add_column('reports', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.add_column('outbox', sa.Column('reply_to', sa.String(length=254), nullable=True))
    with op.batch_alter_table('reports') as batch_op:
        batch_op.add_column(sa.Column('grade_channel', sa.Enum('web', 'phone', 'desk', 'email', name='grade_channel',
                                                               native_enum=False, length=16, create_constraint=True),
                                      nullable=True))
    # Every grade so far came through the link in the closing e-mail.
    op.execute("UPDATE reports SET grade_channel = 'web' WHERE grade IS NOT NULL")
    # A resident who did not ask for contact is owed no first contact: their open reports' next term is closing.
    op.execute("UPDATE reports SET next_due = closing_due WHERE contact_preference = 'none' "
               "AND first_contact_at IS NULL AND status IN ('new', 'assigned', 'contacted')")


def downgrade():
    with op.batch_alter_table('reports') as batch_op:
        batch_op.drop_constraint(op.f('ck_reports_grade_channel'), type_='check')
        batch_op.drop_column('grade_channel')
    with op.batch_alter_table('outbox') as batch_op:
        batch_op.drop_column('reply_to')
    with op.batch_alter_table('reports') as batch_op:
        batch_op.drop_column('version')
