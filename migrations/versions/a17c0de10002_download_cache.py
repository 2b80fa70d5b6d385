"""download cache

Revision ID: a17c0de10002
Revises: a17c0de10001
Create Date: 2026-12-05 23:59:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10002'
down_revision = 'a17c0de10001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('download_cache',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_download_cache')),
    sa.UniqueConstraint('key', name=op.f('uq_download_cache_key'))
    )
    with op.batch_alter_table('download_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_download_cache_subject'), ['subject'], unique=False)


def downgrade():
    with op.batch_alter_table('download_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_download_cache_subject'))

    op.drop_table('download_cache')
