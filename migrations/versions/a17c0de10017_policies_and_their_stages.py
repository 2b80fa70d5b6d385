"""policies and their stages

A policy (such as "English devolution") links consultations as its stages,
in order, with the bill that carries it; a consultation is a stage of at
most one policy. Existing consultations are unchanged.

Revision ID: a17c0de10017
Revises: a17c0de10012
Create Date: 2026-12-06 09:44:37.938607

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10017'
down_revision = 'a17c0de10012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('bill_name', sa.String(length=200), nullable=True),
    sa.Column('bill_url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_policies_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policies')),
    sa.UniqueConstraint('name', name=op.f('uq_policies_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_policies_slug'))
    )
    op.create_table('policy_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('linked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_policy_stages_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['linked_by_id'], ['users.id'], name=op.f('fk_policy_stages_linked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], name=op.f('fk_policy_stages_policy_id_policies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_stages')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_policy_stages_consultation_id'))
    )
    with op.batch_alter_table('policy_stages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_stages_policy_id'), ['policy_id'], unique=False)



def downgrade():
    with op.batch_alter_table('policy_stages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_stages_policy_id'))

    op.drop_table('policy_stages')
    op.drop_table('policies')
