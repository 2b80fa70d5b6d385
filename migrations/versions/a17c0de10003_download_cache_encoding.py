"""download cache keeps text files compressed

Revision ID: a17c0de10003
Revises: a17c0de10002
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10003'
down_revision = 'a17c0de10002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('download_cache', schema=None) as batch_op:
        batch_op.add_column(sa.Column('encoding', sa.String(length=10), nullable=True))


def downgrade():
    # Compressed files cannot be served by the older code: forget them.
    op.execute("DELETE FROM download_cache WHERE encoding IS NOT NULL")
    with op.batch_alter_table('download_cache', schema=None) as batch_op:
        batch_op.drop_column('encoding')
