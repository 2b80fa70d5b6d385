"""An index of each question's signed-off comments, without their text

The comments on a summary are sorted and counted on (answer, question,
council) alone; this index gives them for the consultation's own questions,
in question order, without reading each answer's row, nor any answer that
has no comment.

Revision ID: a17c0de10023
Revises: a17c0de10019
Create Date: 2026-12-06 16:05:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10023'
down_revision = 'a17c0de10019'
branch_labels = None
depends_on = None

COMMENTED = sa.text('submitted_comment IS NOT NULL')


def upgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.create_index(
            'ix_answers_commented',
            ['question_id', 'response_id', 'id'],
            unique=False,
            sqlite_where=COMMENTED,
            postgresql_where=COMMENTED,
        )


def downgrade():
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_index('ix_answers_commented')
