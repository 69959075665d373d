"""Targets for the service-report figures, with the municipality's defaults as reference data.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


# code, value, direction, is_watch. Shares are fractions: 0.85 is 85%.
DEFAULT_TARGETS = [
    ("first_contact_on_time_share", 0.85, "at_least", False),
    ("closing_on_time_share", 0.85, "at_least", False),
    ("grade_mean", 8.0, "at_least", False),
    # Not a target but a watch figure: at most 10% of the reports are about a letter that was not clear.
    ("letters_share", 0.10, "at_most", True),
]


def upgrade():
    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('direction', sa.Enum('at_least', 'at_most', name='targetdirection', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('is_watch', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('code', name=op.f('uq_targets_code'))
    )
    targets = sa.table(
        "targets",
        sa.column("code", sa.String),
        sa.column("value", sa.Float),
        sa.column("direction", sa.String),
        sa.column("is_watch", sa.Boolean),
    )
    op.bulk_insert(
        targets,
        [
            {"code": code, "value": value, "direction": direction, "is_watch": is_watch}
            for code, value, direction, is_watch in DEFAULT_TARGETS
        ],
    )


def downgrade():
    op.drop_table('targets')
