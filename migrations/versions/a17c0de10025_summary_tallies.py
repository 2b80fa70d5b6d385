"""The summaries' figures kept as responses are signed off

Two tables of derived figures, kept current in the transaction of every
change to a signed-off response (``commission/summaries/tallies.py``):
``summary_tallies`` (each consultation's signed-off answers counted by
question, split, group and position, with their population and comments)
and ``theme_tallies`` (its tagged answers by theme, question and position).
Both are filled here from the answers, as ``flask summaries recount`` does.

Revision ID: a17c0de10025
Revises: a17c0de10024
Create Date: 2026-12-06 23:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "a17c0de10025"
down_revision = "a17c0de10024"
branch_labels = None
depends_on = None

# The counts as the app keeps them (``tallies._summed`` and ``_tagged``), over
# every signed-off answer: overall (every answer), then by the control a
# response recorded, the authority's type and its region (answers with a
# position only); "" stands for no value.
FILL_TALLIES = """
INSERT INTO summary_tallies
    (consultation_id, question_id, split, grp, position, answers, people, comments)
WITH signed_off AS (
    SELECT r.consultation_id AS consultation, a.question_id AS question,
           COALESCE(a.submitted_position, '') AS position,
           COALESCE(r.control_at_submission, '') AS by_control,
           COALESCE(au.kind, '') AS by_type,
           COALESCE(au.region, '') AS by_region,
           COALESCE(au.population, 0) AS people,
           CASE WHEN a.submitted_comment IS NOT NULL THEN 1 ELSE 0 END AS commented
    FROM answers a
    JOIN responses r ON r.id = a.response_id
    JOIN authorities au ON au.id = r.authority_id
    WHERE r.submitted_at IS NOT NULL
)
SELECT * FROM (
SELECT consultation, question, 'overall' AS split, '' AS grp, position,
       count(*) AS answers, sum(people) AS people, sum(commented) AS comments
FROM signed_off GROUP BY consultation, question, position
UNION ALL
SELECT consultation, question, 'by_control', by_control, position, count(*), sum(people), 0
FROM signed_off WHERE position != '' GROUP BY consultation, question, position, by_control
UNION ALL
SELECT consultation, question, 'by_type', by_type, position, count(*), sum(people), 0
FROM signed_off WHERE position != '' GROUP BY consultation, question, position, by_type
UNION ALL
SELECT consultation, question, 'by_region', by_region, position, count(*), sum(people), 0
FROM signed_off WHERE position != '' GROUP BY consultation, question, position, by_region
) AS counted
ORDER BY consultation, question, split, grp, position
"""

FILL_THEMES = """
INSERT INTO theme_tallies (consultation_id, tag_id, question_id, position, answers)
SELECT r.consultation_id, t.tag_id, a.question_id, COALESCE(a.submitted_position, ''), count(*)
FROM answer_tags t
JOIN answers a ON a.id = t.answer_id
JOIN responses r ON r.id = a.response_id
WHERE r.submitted_at IS NOT NULL
GROUP BY r.consultation_id, t.tag_id, a.question_id, COALESCE(a.submitted_position, '')
ORDER BY 1, 2, 3, 4
"""


def upgrade():
    op.create_table(
        "summary_tallies",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("split", sa.String(length=12), nullable=False),
        sa.Column("grp", sa.String(length=40), nullable=False),
        sa.Column("position", sa.String(length=30), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("people", sa.BigInteger(), nullable=False),
        sa.Column("comments", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_summary_tallies_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_summary_tallies_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id",
            "question_id",
            "split",
            "grp",
            "position",
            name=op.f("pk_summary_tallies"),
        ),
    )
    op.create_index(
        op.f("ix_summary_tallies_question_id"), "summary_tallies", ["question_id"], unique=False
    )
    op.create_table(
        "theme_tallies",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=30), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_theme_tallies_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_theme_tallies_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tags.id"],
            name=op.f("fk_theme_tallies_tag_id_tags"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "consultation_id", "tag_id", "question_id", "position", name=op.f("pk_theme_tallies")
        ),
    )
    op.create_index(
        op.f("ix_theme_tallies_question_id"), "theme_tallies", ["question_id"], unique=False
    )
    op.create_index(op.f("ix_theme_tallies_tag_id"), "theme_tallies", ["tag_id"], unique=False)
    # In key order, so that each consultation's rows lie together.
    op.execute(FILL_TALLIES)
    op.execute(FILL_THEMES)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE summary_tallies")
        op.execute("ANALYZE theme_tallies")


def downgrade():
    op.drop_index(op.f("ix_theme_tallies_tag_id"), table_name="theme_tallies")
    op.drop_index(op.f("ix_theme_tallies_question_id"), table_name="theme_tallies")
    op.drop_table("theme_tallies")
    op.drop_index(op.f("ix_summary_tallies_question_id"), table_name="summary_tallies")
    op.drop_table("summary_tallies")
