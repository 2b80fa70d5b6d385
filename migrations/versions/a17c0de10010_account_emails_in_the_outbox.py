"""account emails (password reset links) go through the outbox

Revision ID: a17c0de10010
Revises: a17c0de10006
Create Date: 2026-12-06 06:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a17c0de10010"
down_revision = "a17c0de10006"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_outbox_messages_topic"
BEFORE = (
    "meetings",
    "attendance_reminders",
    "ministerial",
    "consultations",
    "consultation_reminders",
    "responses",
    "summaries",
)


def _allow(topics):
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT),
            "topic IN (" + ", ".join(f"'{topic}'" for topic in topics) + ")",
        )


def upgrade():
    _allow(("account", *BEFORE))


def downgrade():
    # Before this revision reset links were sent inside the request and never
    # stored: the account messages go (their body holds no link).
    outbox = sa.table("outbox_messages", sa.column("topic", sa.String))
    op.execute(outbox.delete().where(outbox.c.topic == "account"))
    _allow(BEFORE)
