"""supporting documents attached to a response

Revision ID: a17c0de10011
Revises: a17c0de10009
Create Date: 2026-12-06 09:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a17c0de10011"
down_revision = "a17c0de10009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "response_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("in_working", sa.Boolean(), nullable=False),
        sa.Column("in_submitted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_response_attachments_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_response_attachments_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_attachments")),
    )
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_response_attachments_response_id"), ["response_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("response_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_attachments_response_id"))
    op.drop_table("response_attachments")
