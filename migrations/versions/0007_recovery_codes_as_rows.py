"""Recovery codes as one row per code, and when an account holder was last told that log-ins were paused.

The recovery codes of an account were a JSON list in `users.recovery_code_hashes`: striking one off meant
reading the list, removing the code and writing the list back, so several log-ins sent at once with the same
code all got in. As rows, a code is used by a conditional DELETE, which exactly one request wins. The hashes
move as they are (SHA-256 of the code), so codes handed out before keep working.

`users.throttle_notice_at` lets the app send the account holder at most one e-mail per throttling window
when log-ins to their account are paused after wrong passwords.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-09
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The tables as this migration knows them, not as the application's models may describe them later.
users = sa.table('users', sa.column('id', sa.Integer()), sa.column('recovery_code_hashes', sa.JSON()))
recovery_codes = sa.table('recovery_codes', sa.column('user_id', sa.Integer()),
                          sa.column('code_hash', sa.String(64)))


def upgrade():
    op.create_table('recovery_codes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'code_hash', name=op.f('pk_recovery_codes'))
    )
    connection = op.get_bind()
    rows = [{"user_id": user_id, "code_hash": code_hash}
            for user_id, hashes in connection.execute(sa.select(users.c.id, users.c.recovery_code_hashes))
            for code_hash in sorted(set(hashes or ()))]
    if rows:
        connection.execute(recovery_codes.insert(), rows)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('recovery_code_hashes')
        batch_op.add_column(sa.Column('throttle_notice_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('throttle_notice_at')
        batch_op.add_column(sa.Column('recovery_code_hashes', sa.JSON(), nullable=True))
    connection = op.get_bind()
    kept = {}
    for user_id, code_hash in connection.execute(
            sa.select(recovery_codes.c.user_id, recovery_codes.c.code_hash).order_by(recovery_codes.c.code_hash)):
        kept.setdefault(user_id, []).append(code_hash)
    for (user_id,) in connection.execute(sa.select(users.c.id)):
        connection.execute(users.update().where(users.c.id == user_id)
                           .values(recovery_code_hashes=kept.get(user_id, [])))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('recovery_code_hashes', existing_type=sa.JSON(), nullable=False)
    op.drop_table('recovery_codes')
