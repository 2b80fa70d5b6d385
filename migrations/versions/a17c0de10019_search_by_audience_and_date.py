"""Search documents indexed by who may see them and their date

A search reads the most recent matches its reader may see; the public's are a
small part of the newest documents, so the index on the date alone made a
visitor's search walk past tens of thousands of others.

Revision ID: a17c0de10019
Revises: a17c0de10018
Create Date: 2026-12-06 13:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10019'
down_revision = 'a17c0de10018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_audience_happened_on', ['audience', 'happened_on'], unique=False)


def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_audience_happened_on')
