"""The summaries' kept comments indexed by length within each question and theme

A summary's quotations are the two longest comments on each question and
the longest on each theme. On PostgreSQL each question and theme now takes
them from the top of this index, reading a few rows for each, instead of
sorting every kept comment of the consultation (4,591 for 331 councils by
25 questions).

Revision ID: a17c0de10031
Revises: a17c0de10028
Create Date: 2026-12-07 06:00:00

"""

from alembic import op

revision = "a17c0de10031"
down_revision = "a17c0de10028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_summary_comments_length",
        "summary_comments",
        ["question_id", "tag_id", "length"],
    )


def downgrade():
    op.drop_index("ix_summary_comments_length", table_name="summary_comments")
