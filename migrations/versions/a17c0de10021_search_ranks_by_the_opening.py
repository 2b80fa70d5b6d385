"""Search reads a document's title and opening before its whole text

On PostgreSQL, a second generated tsvector, ``lead_vector``: the title and
the first thousand characters of the text (cut before a word it would
split), with a GIN index of its own. Searches rank by it and look for the
words there before the whole text (a long paper's full vector, about 8 KB,
was read from storage again for each of a thousand candidates). On both
engines an index on the kind and the date, so a search of one kind reads
its newest matches first. SQLite ranks with FTS5's bm25 and has no vector.

Revision ID: a17c0de10021
Revises: a17c0de10023
Create Date: 2026-12-06 16:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10021'
down_revision = 'a17c0de10023'
branch_labels = None
depends_on = None

# As search_vector (a17c0de10013): punctuation read as spaces, the title
# weighted above the text.
SEPARATORS = "translate({}, '-/.@:_+<>&', '          ')"
OPENING = (
    "CASE WHEN length(body) <= 1000 THEN body "
    "ELSE regexp_replace(left(body, 1001), '\\s\\S*$', '') END"
)


def upgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_kind_happened_on', ['kind', 'happened_on'], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    # Sent as it is (":" in the text is not a bound parameter).
    op.get_bind().exec_driver_sql(
        "ALTER TABLE search_documents ADD COLUMN lead_vector tsvector "
        "GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('english', {SEPARATORS.format('title')}), 'A') || "
        f"setweight(to_tsvector('english', {SEPARATORS.format(OPENING)}), 'B')"
        ") STORED"
    )
    op.execute(
        "CREATE INDEX ix_search_documents_lead_vector ON search_documents "
        "USING gin (lead_vector)"
    )
    # The planner's figures for the new column (which words are common), so
    # the first searches after the upgrade choose between the indexes well.
    op.execute("ANALYZE search_documents")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_lead_vector")
        op.execute("ALTER TABLE search_documents DROP COLUMN lead_vector")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_kind_happened_on')
