"""Search reads its newest matches and stops (SQLite); short pending lists (PostgreSQL)

On SQLite the FTS5 table ``search_index`` is made again with its rowid
following the documents' order (the date, newest last; undated documents,
authorities, after every date; then the document's id), so FTS5 itself
reads a word's matches newest first and a search stops at the most recent
1,001 instead of reading every match (about 200,000 for a common word at
ten years). The rowid is ``search_order``, a virtual generated column of
``search_documents`` with an index: ``YYYYMMDD`` × 2³² + id, the undated as
99999999; the id is its lower 32 bits. Its external content is the view
``search_index_content`` (the order, the title, the text, and
``tags``: the document's audience and kind as two words, so a search can ask
FTS5 for only what its reader's audiences may see, or one kind, without
walking past the rest). The index on the order holds every column a
search checks, so a match's row (whose columns after a long text are
reached by walking the text's pages) is never read; it also finds a
passage's text.

On PostgreSQL the two text indexes keep at most 256 kB of new entries in
their pending lists (4 MB by default, emptied only by a vacuum), which every
search reads through; the lists are emptied now.

Revision ID: a17c0de10024
Revises: a17c0de10020
Create Date: 2026-12-06 19:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10024'
down_revision = 'a17c0de10020'
branch_labels = None
depends_on = None

# Must match commission.search.queries.sqlite_order.
ORDER = (
    "(COALESCE(CAST(replace({0}happened_on, '-', '') AS INTEGER), 99999999) "
    "* 4294967296 + {0}id)"
)
TAGS = "('aud' || replace({0}audience, '_', '') || ' kind' || replace({0}kind, '_', ''))"


def _row(prefix):
    return f"{ORDER.format(prefix)}, {prefix}title, {prefix}body, {TAGS.format(prefix)}"


UPGRADE = [
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TABLE IF EXISTS search_index",
    "ALTER TABLE search_documents ADD COLUMN search_order INTEGER "
    f"GENERATED ALWAYS AS {ORDER.format('')} VIRTUAL",
    # With every column a search checks, so a match's row is never read (a
    # column after a long text is reached by walking the text's pages).
    "CREATE INDEX ix_search_documents_search_order ON search_documents (search_order, "
    "kind, happened_on, audience, visible_from, visible_to, department_id, authority_id, "
    "office_id)",
    "CREATE VIEW search_index_content AS SELECT "
    f"search_order, title, body, {TAGS.format('')} AS tags FROM search_documents",
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "title, body, tags, content='search_index_content', content_rowid='search_order', "
    "tokenize='porter unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    f"INSERT INTO search_index(rowid, title, body, tags) VALUES ({_row('new.')}); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_index(search_index, rowid, title, body, tags) "
    f"VALUES ('delete', {_row('old.')}); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_index(search_index, rowid, title, body, tags) "
    f"VALUES ('delete', {_row('old.')}); "
    f"INSERT INTO search_index(rowid, title, body, tags) VALUES ({_row('new.')}); END",
    "INSERT INTO search_index(search_index) VALUES ('rebuild')",
]

# As a17c0de10013 made it.
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS search_documents_ai",
    "DROP TRIGGER IF EXISTS search_documents_ad",
    "DROP TRIGGER IF EXISTS search_documents_au",
    "DROP TABLE IF EXISTS search_index",
    "DROP VIEW IF EXISTS search_index_content",
    "DROP INDEX IF EXISTS ix_search_documents_search_order",
    "ALTER TABLE search_documents DROP COLUMN search_order",
    "CREATE VIRTUAL TABLE search_index USING fts5("
    "title, body, content='search_documents', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_index(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_index(search_index, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_index(search_index, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_index(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "INSERT INTO search_index(search_index) VALUES ('rebuild')",
]


GIN_INDEXES = ("ix_search_documents_search_vector", "ix_search_documents_lead_vector")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for index in GIN_INDEXES:
            # Every search reads through a text index's pending list (new
            # entries not yet merged): 4 MB by default, emptied only by a
            # vacuum, it took longer than the rest of a rare word's search.
            op.execute(f"ALTER INDEX {index} SET (gin_pending_list_limit = 256)")
            op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for index in GIN_INDEXES:
            op.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
        return
    for statement in DOWNGRADE:
        op.execute(statement)
