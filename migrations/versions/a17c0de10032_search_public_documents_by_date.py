"""The public's documents indexed by date (PostgreSQL)

A visitor's search reads the most recent public documents holding the words.
The index of documents by audience and date was made for it, but PostgreSQL
judges that index by how closely its first column, the audience, follows the
table's order, which is hardly at all: with one year of the Commission's
work it walked every document by date instead, past about fifteen thousand
responses and comments, to find the thousand most recent public matches
(a common word: 15.7 ms against 4.7 ms with this index). An index of the
public's documents alone, by date, is judged by how closely the dates
follow the table's order, and is taken. People who may see more documents
still use the others.

On SQLite nothing changes: FTS5 is asked for the audience as a tag.

Revision ID: a17c0de10032
Revises: a17c0de10031
Create Date: 2026-12-07 18:30:00

"""

from alembic import op

revision = "a17c0de10032"
down_revision = "a17c0de10031"
branch_labels = None
depends_on = None

# Must match commission.search.models.PUBLIC_DATE_INDEX.
INDEX = "ix_search_documents_public_happened_on"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX {INDEX} ON search_documents (happened_on) WHERE audience = 'public'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {INDEX}")
