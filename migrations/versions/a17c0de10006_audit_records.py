"""audit records: what each audited change did to each record, field by field

Revision ID: a17c0de10006
Revises: a17c0de10005
Create Date: 2026-12-06 06:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10006'
down_revision = 'a17c0de10005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=60), nullable=False),
    sa.Column('record_key', sa.String(length=60), nullable=False),
    sa.Column('operation', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['audit_events.id'], name=op.f('fk_audit_records_event_id_audit_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records'))
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_audit_records_record', ['record_type', 'record_key', 'event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_records_record')
        batch_op.drop_index(batch_op.f('ix_audit_records_event_id'))
    op.drop_table('audit_records')
