"""OParl: notes of removed records, and when each agenda item was added

``oparl_removed_records`` keeps a note of each agenda item and paper removed
while the public could see it, so OParl lists it as ``deleted: true``.
``agenda_items.created_at`` is OParl's ``created`` for an item; items made
before it have their meeting's time.

Revision ID: a17c0de10018
Revises: a17c0de10013
Create Date: 2026-12-06 12:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a17c0de10018'
down_revision = 'a17c0de10013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('oparl_removed_records',
    sa.Column('kind', sa.Enum('agenda_item', 'paper', name='oparl_removed_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('position', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('kind', 'record_id', name=op.f('pk_oparl_removed_records'))
    )
    with op.batch_alter_table('oparl_removed_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oparl_removed_records_removed_at'), ['removed_at'], unique=False)

    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE agenda_items SET created_at = "
        "(SELECT meetings.created_at FROM meetings WHERE meetings.id = agenda_items.meeting_id)"
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('created_at')

    with op.batch_alter_table('oparl_removed_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oparl_removed_records_removed_at'))

    op.drop_table('oparl_removed_records')
