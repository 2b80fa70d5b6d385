"""change counter

Revision ID: a17c0de10004
Revises: a17c0de10003
Create Date: 2026-12-06 03:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10004'
down_revision = 'a17c0de10003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_counter'))
    )


def downgrade():
    op.drop_table('change_counter')
