"""A text index of the public's documents (PostgreSQL)

A visitor may find only public documents, about one in forty at ten years,
but a search of words found through the text index read every document
holding them (for a phrase of three common words, 28,920 documents, about
4 ms, and growing with every response) and then kept the public's (2,570).
A second index of ``search_vector``, partial, of the public's documents
only, gives a visitor's search those alone. Searches by people who may see
more still use the whole index. Its pending list is as short as the other
text indexes' (migration a17c0de10024).

On SQLite nothing changes: FTS5 is asked for the audience as a tag.

Revision ID: a17c0de10028
Revises: a17c0de10029
Create Date: 2026-12-07 02:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10028'
down_revision = "a17c0de10029"
branch_labels = None
depends_on = None

# Must match commission.search.models.PUBLIC_INDEX.
INDEX = "ix_search_documents_public_search_vector"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX {INDEX} ON search_documents USING gin (search_vector) "
        "WITH (gin_pending_list_limit = 256) WHERE audience = 'public'"
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {INDEX}")
