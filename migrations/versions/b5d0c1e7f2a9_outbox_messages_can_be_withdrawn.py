"""outbox messages can be withdrawn

Not sent, because by the time it was due its recipient had turned that kind
of email off or been deactivated.

Revision ID: b5d0c1e7f2a9
Revises: a087a1556f88
Create Date: 2026-12-01 19:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b5d0c1e7f2a9"
down_revision = "a087a1556f88"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_outbox_messages_outbox_status"


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT), "status IN ('queued', 'sent', 'failed', 'withdrawn')"
        )


def downgrade():
    # Before this revision a message that was not sent could only be failed.
    # Its reason stays in last_error: check it before sending a failed one again.
    outbox = sa.table("outbox_messages", sa.column("status", sa.String))
    op.execute(outbox.update().where(outbox.c.status == "withdrawn").values(status="failed"))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT), "status IN ('queued', 'sent', 'failed')"
        )
