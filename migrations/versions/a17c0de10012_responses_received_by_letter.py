"""responses received by letter or email

A response can be entered by the secretariat from a letter or email (channel
"letter"), with the letter's date, who entered it and who confirmed it; its
original is kept as an attachment marked ``original``.

Revision ID: a17c0de10012
Revises: a17c0de10011
Create Date: 2026-12-06 09:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a17c0de10012"
down_revision = "a17c0de10011"
branch_labels = None
depends_on = None

CONSTRAINT = "ck_responses_response_channel"
BEFORE = ("online", "stated_at_meeting")


def _allow(channels):
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT),
            "channel IN (" + ", ".join(f"'{channel}'" for channel in channels) + ")",
        )


def upgrade():
    _allow((*BEFORE, "letter"))
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_dated", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_responses_entered_by_id_users"),
            "users",
            ["entered_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_responses_confirmed_by_id_users"),
            "users",
            ["confirmed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("original", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # Before this revision a response could not come from a letter: the
    # originals go, and a response entered from a letter stays as what it
    # now is, a response whose channel is online (its answers are kept).
    attachments = sa.table("response_attachments", sa.column("original", sa.Boolean))
    op.execute(attachments.delete().where(attachments.c.original.is_(True)))
    responses = sa.table("responses", sa.column("channel", sa.String))
    op.execute(
        responses.update().where(responses.c.channel == "letter").values(channel="online")
    )
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.drop_column("original")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_responses_confirmed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_responses_entered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("confirmed_by_id")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("entered_by_id")
        batch_op.drop_column("letter_dated")
    _allow(BEFORE)
