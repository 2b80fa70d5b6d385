"""feedback goes through the outbox

Feedback sent through the feedback page is queued for the secretariat's
mailbox as an outbox message of its own topic.

Revision ID: a17c0de10009
Revises: a17c0de10010
Create Date: 2026-12-06 06:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a17c0de10009"
down_revision = "a17c0de10010"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_outbox_messages_topic"
TOPICS = [
    "account",
    "meetings",
    "attendance_reminders",
    "ministerial",
    "consultations",
    "consultation_reminders",
    "responses",
    "summaries",
]


def _topics(values):
    return "topic IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(batch_op.f(CONSTRAINT), _topics([*TOPICS, "feedback"]))


def downgrade():
    # Before this revision there was no feedback page, and an outbox message
    # had to be about a person's topics or an account: feedback messages go
    # (the audit log keeps that feedback was sent).
    outbox = sa.table("outbox_messages", sa.column("topic", sa.String))
    op.execute(outbox.delete().where(outbox.c.topic == "feedback"))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(batch_op.f(CONSTRAINT), _topics(TOPICS))
