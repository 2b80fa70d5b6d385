"""Search ranks without counting every document that holds a word (SQLite)

SQLite's search ranked its matches with FTS5's ``bm25``, which counts every
document holding each searched word once a statement (about 10 ms for a word
in 200,000 documents) however few matches a search keeps. A search now ranks
its most recent matches by where they hold the words, as PostgreSQL ranks by
the title and the text's first thousand characters (``lead_vector``,
migration a17c0de10021): in the title, in the opening, or only further in.
So that FTS5 can say which without reading the documents, ``search_index``
gains a column ``lead``: the opening of a text longer than 1,000 characters
(its first 1,001 cut after the last whole word; nothing for a shorter text,
whose opening is all of it), and such a document carries the tag
``textlong``. The column comes before the text's, so that a passage found
in the opening is made from the opening: FTS5's ``snippet`` reads every word
of the column it takes a passage from, a whole paper's text otherwise.

On PostgreSQL nothing changes.

Revision ID: a17c0de10026
Revises: a17c0de10025
Create Date: 2026-12-06 22:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a17c0de10026'
down_revision = 'a17c0de10025'
branch_labels = None
depends_on = None

# Must match commission.search.queries.sqlite_order.
ORDER = (
    "(COALESCE(CAST(replace({0}happened_on, '-', '') AS INTEGER), 99999999) "
    "* 4294967296 + {0}id)"
)
OLD_TAGS = "('aud' || replace({0}audience, '_', '') || ' kind' || replace({0}kind, '_', ''))"
# A text longer than lead_vector's 1,000 characters (migration a17c0de10021).
TAGS = (
    "('aud' || replace({0}audience, '_', '') || ' kind' || replace({0}kind, '_', '')"
    " || CASE WHEN length({0}body) > 1000 THEN ' textlong' ELSE '' END)"
)
# The first 1,001 characters without the letters and digits of a word the
# cut splits (or that ends there), as lead_vector's opening.
WORD_CHARACTERS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
LEAD = (
    "(CASE WHEN length({0}body) > 1000 "
    f"THEN rtrim(substr({{0}}body, 1, 1001), '{WORD_CHARACTERS}') ELSE '' END)"
)


def _row(prefix, tags, lead):
    opening = f"{LEAD.format(prefix)}, " if lead else ""
    return f"{ORDER.format(prefix)}, {prefix}title, {opening}{prefix}body, {tags.format(prefix)}"


def _statements(tags, lead):
    columns = "title, lead, body, tags" if lead else "title, body, tags"
    into = f"search_index(rowid, {columns})"
    delete = f"search_index(search_index, rowid, {columns})"
    row = _row("new.", tags, lead)
    old = _row("old.", tags, lead)
    view_lead = f"{LEAD.format('')} AS lead, " if lead else ""
    return [
        "DROP TRIGGER IF EXISTS search_documents_ai",
        "DROP TRIGGER IF EXISTS search_documents_ad",
        "DROP TRIGGER IF EXISTS search_documents_au",
        "DROP TABLE IF EXISTS search_index",
        "DROP VIEW IF EXISTS search_index_content",
        "CREATE VIEW search_index_content AS SELECT "
        f"search_order, title, {view_lead}body, {tags.format('')} AS tags FROM search_documents",
        f"CREATE VIRTUAL TABLE search_index USING fts5({columns}, "
        "content='search_index_content', content_rowid='search_order', "
        "tokenize='porter unicode61 remove_diacritics 0')",
        "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
        f"INSERT INTO {into} VALUES ({row}); END",
        "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
        f"INSERT INTO {delete} VALUES ('delete', {old}); END",
        "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
        f"INSERT INTO {delete} VALUES ('delete', {old}); "
        f"INSERT INTO {into} VALUES ({row}); END",
        "INSERT INTO search_index(search_index) VALUES ('rebuild')",
    ]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        return
    for statement in _statements(TAGS, lead=True):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        return
    # As a17c0de10024 made them.
    for statement in _statements(OLD_TAGS, lead=False):
        op.execute(statement)
