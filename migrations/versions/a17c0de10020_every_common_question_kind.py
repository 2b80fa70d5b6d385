"""Every common question kind, options and sections

Questions can be a single choice, several choices, yes/no/don't know, a
number, a ranking or short text besides a position or long text: their
options are rows of ``question_options`` (answers keep an option's id), a
number question has a unit, bounds and decimal places, a several-choices
question a limit, a single-choice question may offer "Other". Answers keep
each kind's working and signed-off values. Questions can be grouped into
``question_sections``. Existing consultations are unchanged.

Downgrading turns questions of the new kinds into long-text questions (their
typed answers go with their columns).

Revision ID: a17c0de10020
Revises: a17c0de10021
Create Date: 2026-12-06 15:48:55.280320

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10020'
down_revision = 'a17c0de10021'
branch_labels = None
depends_on = None

CONSTRAINT = "ck_questions_question_kind"
BEFORE = ("position", "free_text")
KINDS = (
    "position",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "number",
    "ranking",
    "short_text",
    "free_text",
)


def _allow(kinds):
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(
            batch_op.f(CONSTRAINT),
            "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")",
        )


def upgrade():
    _allow(KINDS)
    op.create_table('question_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('introduction', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_question_sections_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_sections'))
    )
    with op.batch_alter_table('question_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_sections_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('question_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_options_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_options'))
    )
    with op.batch_alter_table('question_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_options_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choice', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('choices', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('number', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('ranking', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('submitted_choice', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('submitted_choices', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('submitted_number', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('submitted_ranking', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('submitted_text', sa.Text(), nullable=True))

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('min_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('max_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('decimals', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('max_choices', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('allow_other', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('section_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_questions_section_id'), ['section_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_questions_section_id_question_sections'), 'question_sections', ['section_id'], ['id'], ondelete='SET NULL')



def downgrade():
    op.execute(
        sa.text(
            "UPDATE questions SET kind = 'free_text' WHERE kind NOT IN ('position', 'free_text')"
        )
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_section_id_question_sections'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_questions_section_id'))
        batch_op.drop_column('section_id')
        batch_op.drop_column('allow_other')
        batch_op.drop_column('max_choices')
        batch_op.drop_column('decimals')
        batch_op.drop_column('max_value')
        batch_op.drop_column('min_value')
        batch_op.drop_column('unit')

    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_column('submitted_text')
        batch_op.drop_column('submitted_ranking')
        batch_op.drop_column('submitted_number')
        batch_op.drop_column('submitted_choices')
        batch_op.drop_column('submitted_choice')
        batch_op.drop_column('text')
        batch_op.drop_column('ranking')
        batch_op.drop_column('number')
        batch_op.drop_column('choices')
        batch_op.drop_column('choice')

    with op.batch_alter_table('question_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_options_question_id'))

    op.drop_table('question_options')
    with op.batch_alter_table('question_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_sections_consultation_id'))

    op.drop_table('question_sections')
    _allow(BEFORE)
