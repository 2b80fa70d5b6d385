"""The search index: one row a searchable thing, with what the engine matches
(title and body), what the page shows and filters on, and the facts that say
who may see it (its audience), so access is decided inside the query.

The engine's own structures are not in these models because they differ by
database: on PostgreSQL a generated ``search_vector`` column (a weighted
``tsvector`` of title and body) with a GIN index, and ``lead_vector``, the
same of the title and the text's first thousand characters, with its own
(searches look there first, and rank by it); on SQLite an FTS5 table,
``search_index``, kept in step with ``search_documents`` by triggers. The
migration makes them; ``include_object`` keeps them out of the comparison
with the models, so ``flask db check`` finds no drift.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import str_enum
from commission.extensions import Base

# What the engines add beside these tables (see the module's docstring).
ENGINE_TABLE = "search_index"
ENGINE_COLUMN = "search_vector"
# PostgreSQL's vector of the title and the text's opening, which searches
# rank by (see queries.py).
LEAD_COLUMN = "lead_vector"
LEAD_INDEX = "ix_search_documents_lead_vector"
ENGINE_INDEX = "ix_search_documents_search_vector"
# The same of the public's documents only, which a visitor's search reads
# (PostgreSQL, migration a17c0de10028).
PUBLIC_INDEX = "ix_search_documents_public_search_vector"
# The public's documents by date, which a visitor's search walks for its
# most recent matches (PostgreSQL, migration a17c0de10032).
PUBLIC_DATE_INDEX = "ix_search_documents_public_happened_on"
# SQLite's order of the documents, newest last, which its FTS5 rowid follows
# (a generated column with an index, migration a17c0de10024; see queries.py).
ORDER_COLUMN = "search_order"
ORDER_INDEX = "ix_search_documents_search_order"


class Kind(StrEnum):
    MEETING = "meeting"
    AGENDA_ITEM = "agenda_item"
    PAPER = "paper"
    MINUTES = "minutes"
    DECISION = "decision"
    ACTION = "action"
    CONSULTATION = "consultation"
    CONSULTATION_DOCUMENT = "consultation_document"
    SUMMARY = "summary"
    GOVERNMENT_REPLY = "government_reply"
    RESPONSE = "response"
    COMMENT = "comment"
    AUTHORITY = "authority"
    PERSON = "person"

    @property
    def label(self) -> str:
        return KIND_LABELS[self][0]

    @property
    def plural(self) -> str:
        return KIND_LABELS[self][1]


KIND_LABELS = {
    Kind.MEETING: ("Meeting", "Meetings"),
    Kind.AGENDA_ITEM: ("Agenda item", "Agenda items"),
    Kind.PAPER: ("Paper", "Papers"),
    Kind.MINUTES: ("Minutes", "Minutes"),
    Kind.DECISION: ("Decision", "Decisions"),
    Kind.ACTION: ("Action", "Actions"),
    Kind.CONSULTATION: ("Consultation", "Consultations"),
    Kind.CONSULTATION_DOCUMENT: ("Consultation document", "Consultation documents"),
    Kind.SUMMARY: ("Summary of positions", "Summaries of positions"),
    Kind.GOVERNMENT_REPLY: ("Government reply", "Government replies"),
    Kind.RESPONSE: ("Response", "Responses"),
    Kind.COMMENT: ("Comments in a response", "Comments in responses"),
    Kind.AUTHORITY: ("Authority", "Authorities"),
    Kind.PERSON: ("Person in a public office", "People in public offices"),
}


class Audience(StrEnum):
    """Who may open the page a result links to (each mirrors that page's rule)."""

    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    # People holding a current role on the Commission (policy.is_commission_person).
    MEMBERS = "members"
    SECRETARIAT = "secretariat"
    # Draft minutes: the secretariat and the chair.
    MINUTES_READERS = "minutes_readers"
    # The live summary (summaries.policy.can_see_live): the secretariat, the
    # chair and ministers of the document's department.
    SUMMARY_READERS = "summary_readers"
    # An unpublished government reply (summaries.services.can_write_reply):
    # the secretariat and the minister holding the document's office.
    REPLY_WRITERS = "reply_writers"
    # A response (consultations.services.capacity): the authority's own
    # people and the secretariat.
    AUTHORITY = "authority"


class SearchDocument(Base):
    __tablename__ = "search_documents"
    __table_args__ = (
        # One document a record and audience: a rebuild updates it in place,
        # so two transactions rebuilding the same record never leave two.
        UniqueConstraint("kind", "record_id", "audience"),
        Index("ix_search_documents_happened_on", "happened_on"),
        # A search reads the most recent matches its reader may see, which
        # can be a small part of the newest documents (responses fill the
        # recent days). PostgreSQL seldom takes this index for a visitor:
        # the public's documents have their own by date (PUBLIC_DATE_INDEX).
        Index("ix_search_documents_audience_happened_on", "audience", "happened_on"),
        # A search of one kind (papers, say) reads its newest matches first.
        Index("ix_search_documents_kind_happened_on", "kind", "happened_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The record whose change rebuilds this row ("meeting:12"): a meeting
    # brings its items, papers, minutes, decisions and actions with it.
    root: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, "search_kind", length=30))
    record_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000))
    context: Mapped[str | None] = mapped_column(String(500))
    happened_on: Mapped[date | None] = mapped_column(Date)
    department_id: Mapped[int | None] = mapped_column(Integer, index=True)
    authority_id: Mapped[int | None] = mapped_column(Integer, index=True)
    office_id: Mapped[int | None] = mapped_column(Integer)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "search_audience", length=30))
    # Shown only between these days (a leader's appointment), when set.
    visible_from: Mapped[date | None] = mapped_column(Date)
    visible_to: Mapped[date | None] = mapped_column(Date)
    # A digest of everything above, so a rebuild rewrites only what changed.
    digest: Mapped[str] = mapped_column(String(64))


class FileText(Base):
    """The text read from an uploaded file, once per file (by checksum)."""

    __tablename__ = "search_file_texts"

    checksum: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class Word(Base):
    """Words seen in the index, for "Did you mean …". A word stays after the
    record that held it changes; a suggestion is offered only if searching
    for it finds something the person may see."""

    __tablename__ = "search_words"

    word: Mapped[str] = mapped_column(String(40), primary_key=True)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """For Alembic's comparison: leave out the engines' own structures."""
    if type_ == "table" and name is not None and name.startswith(ENGINE_TABLE):
        return False
    if type_ == "column" and name in (ENGINE_COLUMN, LEAD_COLUMN, ORDER_COLUMN):
        return False
    return not (
        type_ == "index"
        and name in (ENGINE_INDEX, LEAD_INDEX, PUBLIC_INDEX, PUBLIC_DATE_INDEX, ORDER_INDEX)
    )
