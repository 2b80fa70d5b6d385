"""indexes for lists that grow with history

The audit log is read newest first a page at a time, by (occurred_at, id) and,
filtered, by (action, occurred_at, id); the action log soonest due first by
(due_on, id); the meetings list finds the next meeting not yet ended by ends_at.

Revision ID: a17c0de10001
Revises: efae7bb784b3
Create Date: 2026-12-05 23:59:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10001'
down_revision = 'efae7bb784b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_occurred_at')
        batch_op.drop_index('ix_audit_events_action')
        batch_op.create_index('ix_audit_events_occurred_at_id', ['occurred_at', 'id'], unique=False)
        batch_op.create_index(
            'ix_audit_events_action_occurred_at_id', ['action', 'occurred_at', 'id'], unique=False
        )

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_due_on_id', ['due_on', 'id'], unique=False)

    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_ends_at', ['ends_at'], unique=False)


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_meetings_ends_at')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_due_on_id')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_action_occurred_at_id')
        batch_op.drop_index('ix_audit_events_occurred_at_id')
        batch_op.create_index('ix_audit_events_action', ['action'], unique=False)
        batch_op.create_index('ix_audit_events_occurred_at', ['occurred_at'], unique=False)
