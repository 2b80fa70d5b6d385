"""api resource changes, rate limits and personal access tokens

When each resource of the public API last changed (for modified_since and
Last-Modified), the API's rate-limit counters shared by every app server, and
people's personal access tokens (kept as hashes).

Revision ID: a17c0de10014
Revises: a17c0de10017
Create Date: 2026-12-06 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import commission.db_types


# revision identifiers, used by Alembic.
revision = "a17c0de10014"
down_revision = "a17c0de10017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_resource_changes",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("modified_at", commission.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('authority', 'meeting', 'consultation')",
            name=op.f("ck_api_resource_changes_api_resource_kind"),
        ),
        sa.PrimaryKeyConstraint("kind", "record_id", name=op.f("pk_api_resource_changes")),
    )
    with op.batch_alter_table("api_resource_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_resource_changes_modified_at"), ["modified_at"], unique=False
        )
    op.create_table(
        "api_rate_limits",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_api_rate_limits")),
    )
    op.create_table(
        "personal_access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", commission.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.Column("last_used_at", commission.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", commission.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_personal_access_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_access_tokens_token_hash")),
    )
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personal_access_tokens_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("personal_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_access_tokens_user_id"))
    op.drop_table("personal_access_tokens")
    op.drop_table("api_rate_limits")
    with op.batch_alter_table("api_resource_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_resource_changes_modified_at"))
    op.drop_table("api_resource_changes")
