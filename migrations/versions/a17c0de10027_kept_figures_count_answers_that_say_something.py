"""The kept figures count only answers that say something

An answer row with neither a signed-off position nor a comment (a question
a council left blank) no longer counts in a summary's kept figures
(``tallies._summed``): a flush that writes such a row notes nothing, so a
count that took it in could differ from what was kept. Only the overall
row of answers without a position held such answers: it is counted again
here from the answers with a comment.

Revision ID: a17c0de10027
Revises: a17c0de10026
Create Date: 2026-12-07 02:30:00

"""
from alembic import op

revision = "a17c0de10027"
down_revision = "a17c0de10026"
branch_labels = None
depends_on = None

CLEAR = "DELETE FROM summary_tallies WHERE split = 'overall' AND position = ''"

# The overall row of the answers without a position, per consultation and
# question, from the signed-off answers {which}, in key order.
FILL = """
INSERT INTO summary_tallies
    (consultation_id, question_id, split, grp, position, answers, people, comments)
SELECT r.consultation_id, a.question_id, 'overall', '', '',
       count(*), sum(COALESCE(au.population, 0)),
       sum(CASE WHEN a.submitted_comment IS NOT NULL THEN 1 ELSE 0 END)
FROM answers a
JOIN responses r ON r.id = a.response_id
JOIN authorities au ON au.id = r.authority_id
WHERE r.submitted_at IS NOT NULL AND a.submitted_position IS NULL {which}
GROUP BY r.consultation_id, a.question_id
ORDER BY r.consultation_id, a.question_id
"""


def upgrade():
    op.execute(CLEAR)
    op.execute(FILL.format(which="AND a.submitted_comment IS NOT NULL"))


def downgrade():
    op.execute(CLEAR)
    op.execute(FILL.format(which=""))
