"""The summaries keep each signed-off comment's length and council

``summary_comments``: for each signed-off comment, its length and its
council, once for its question (``tag_id`` 0) and once for each theme it is
tagged with, kept current in the transaction of every change to a
signed-off response (``commission/summaries/tallies.py``). A summary's
quotations rank these narrow rows instead of every answer of the
consultation. Filled here from the answers, as ``flask summaries recount``
does.

Revision ID: a17c0de10029
Revises: a17c0de10027
Create Date: 2026-12-07 02:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a17c0de10029"
down_revision = "a17c0de10027"
branch_labels = None
depends_on = None

# As ``tallies._commented`` gives them, in key order.
FILL = """
INSERT INTO summary_comments (question_id, tag_id, answer_id, length, authority_id)
SELECT * FROM (
    SELECT a.question_id, 0 AS tag_id, a.id, length(a.submitted_comment), r.authority_id
    FROM answers a
    JOIN responses r ON r.id = a.response_id
    WHERE r.submitted_at IS NOT NULL AND a.submitted_comment IS NOT NULL
    UNION ALL
    SELECT a.question_id, t.tag_id, a.id, length(a.submitted_comment), r.authority_id
    FROM answer_tags t
    JOIN answers a ON a.id = t.answer_id
    JOIN responses r ON r.id = a.response_id
    WHERE r.submitted_at IS NOT NULL AND a.submitted_comment IS NOT NULL
) AS kept
ORDER BY 1, 2, 3
"""


def upgrade():
    op.create_table(
        "summary_comments",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["answers.id"],
            name=op.f("fk_summary_comments_answer_id_answers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["authority_id"],
            ["authorities.id"],
            name=op.f("fk_summary_comments_authority_id_authorities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_summary_comments_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "question_id", "tag_id", "answer_id", name=op.f("pk_summary_comments")
        ),
    )
    op.create_index(
        op.f("ix_summary_comments_answer_id"), "summary_comments", ["answer_id"], unique=False
    )
    op.create_index(
        op.f("ix_summary_comments_authority_id"),
        "summary_comments",
        ["authority_id"],
        unique=False,
    )
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE summary_comments")


def downgrade():
    op.drop_index(op.f("ix_summary_comments_authority_id"), table_name="summary_comments")
    op.drop_index(op.f("ix_summary_comments_answer_id"), table_name="summary_comments")
    op.drop_table("summary_comments")
