"""The record of staff actions written before the allow-list, rewritten through it: the rows of no logged-in
person (a POST from anyone, a failed log-in), of searches and other steps that are not recorded (they could hold a
searched address), and of pages no longer on the list are removed; the rows kept keep only the fields the list
allows for their action, each value capped (100 characters, 50 values, 2,000 characters in all).

The list is written out here as it stood when this migration was made, so that it does the same whenever it runs.
A refused action recorded as done before the fix cannot be told apart from a real one afterwards: those rows stay.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""
import json

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TARGET_LEVELS = ('first_contact_on_time_share', 'closing_on_time_share', 'response_rate', 'grade_mean',
                 'grade_high_share', 'letters_share')
ALLOWED = {
    'admin.login': (), 'admin.login_code': (), 'admin.enrol_two_factor': (), 'admin.logout': (),
    'admin.register': ('category', 'channel'),
    'admin.assign': ('assign-team', 'assign-assignee'),
    'admin.change_category': ('category-category',),
    'admin.add_note': (),
    'admin.send_message': ('message-standard_text',),
    'admin.first_contact': ('first_contact-channel',),
    'admin.close': ('close-outcome', 'close-causes'),
    'admin.extend': ('extend-new_closing_due',),
    'admin.reopen': (),
    'admin.dismiss': ('dismiss-reason',),
    'admin.record_grade': ('grade-grade', 'grade-channel'),
    'admin.record_call': ('call-reached',),
    'admin.privacy_export': (), 'admin.privacy_erase': (),
    'admin.password_change': (),
    'admin.manage_staff_new': ('role', 'teams'),
    'admin.manage_staff_access': ('role', 'teams'),
    'admin.manage_staff_password': (), 'admin.manage_staff_two_factor': (),
    'admin.manage_staff_active': ('active',),
    'admin.manage_team_new': ('code',), 'admin.manage_team_edit': (), 'admin.manage_team_active': ('active',),
    'admin.manage_category_edit': ('first_contact_days', 'closing_days', 'default_team', 'active', 'position'),
    'admin.manage_closing_days': ('day',), 'admin.manage_closing_day_remove': (),
    'admin.manage_cause_new': ('code', 'position'), 'admin.manage_cause_edit': ('position',),
    'admin.manage_cause_active': ('active',),
    'admin.manage_text_new': ('code',), 'admin.manage_text_edit': (), 'admin.manage_text_active': ('active',),
    'admin.stats_targets': TARGET_LEVELS,
    'admin.outbox_resend': (), 'admin.outbox_resend_failed': (),
}
MAX_VALUE, MAX_VALUES, MAX_RECORD, CUT = 100, 50, 2000, "…"
BATCH = 1000


def allowed(action, details):
    """The details as the allow-list would have written them."""
    if not isinstance(details, dict):
        return {}
    kept, room = {}, MAX_RECORD
    for name in ALLOWED[action]:
        values = details.get(name)
        if values is None:
            continue
        values = values if isinstance(values, list) else [values]
        written = []
        for value in values[:MAX_VALUES]:
            value = str(value)[:MAX_VALUE]
            if len(value) > room:
                kept[CUT] = True
                break
            written.append(value)
            room -= len(value)
        if written:
            kept[name] = written
        if CUT in kept:
            break
    return kept


def upgrade():
    connection = op.get_bind()
    listed = sorted(ALLOWED)
    connection.execute(sa.text("DELETE FROM staff_actions WHERE actor_id IS NULL"))
    connection.execute(
        sa.text("DELETE FROM staff_actions WHERE action NOT IN :listed").bindparams(
            sa.bindparam("listed", expanding=True)), {"listed": listed})
    staff_actions = sa.table("staff_actions", sa.column("id", sa.Integer), sa.column("details", sa.JSON))
    last = 0
    while True:
        rows = connection.execute(sa.text(
            "SELECT id, action, details FROM staff_actions WHERE id > :last ORDER BY id LIMIT :batch"),
            {"last": last, "batch": BATCH}).all()
        if not rows:
            break
        for row_id, action, details in rows:
            if isinstance(details, str):
                details = json.loads(details)
            rewritten = allowed(action, details)
            if rewritten != details:
                connection.execute(staff_actions.update().where(staff_actions.c.id == row_id)
                                   .values(details=rewritten))
        last = rows[-1][0]


def downgrade():
    pass  # what was removed is not kept anywhere: nothing to bring back
