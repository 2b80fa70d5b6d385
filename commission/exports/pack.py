"""The bound agenda pack: one PDF holding the cover, a contents page with page
numbers, the agenda, and then every paper in agenda order, each after a
separator page naming its item, with a bookmark (PDF outline entry) per item
and per paper.

WeasyPrint makes the pages of our own (cover, contents, agenda, separators)
and pypdf binds the papers' pages in after their separators. The contents
page must give page numbers that depend on how long the papers are, and on
how many pages the contents and agenda take themselves, so the front matter
is laid out twice: once with the papers' lengths known and the page numbers
left as placeholders of the same width, to find on which page each
separator falls, and once with the numbers in. If the second layout puts a
separator on another page (it should not: only digits change), it is laid
out again with the numbers it found, a few times at most. (Laying out a
blank page for each page of each paper, for CSS to count, would need one
layout only, but WeasyPrint spends longer on each blank page than on laying
our few pages out twice, and a pack's papers run to hundreds of pages.)

A paper that cannot be bound is never silently dropped: its separator page
says why and the contents page says so too:

- a paper in another format (DOCX, ODT, XLSX, CSV) cannot be bound into a
  PDF: the separator says where to download it;
- a PDF whose stored file is missing, is not what was stored (its checksum
  differs) or cannot be read (damaged, or locked with a password) is named
  as missing.

Page numbers are the PDF's own (the cover is page 1), as a PDF reader counts
them, so "page 12" on the contents page is the page a reader's "go to page"
finds; our pages carry them in the footer, the papers keep their own.

Links printed in the pack use ``PUBLIC_BASE_URL`` (or, in development, the
development server's address), never the request's Host header: a kept pack
is served to everyone, so no request may choose the addresses it shows.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pypdf
from flask import current_app, render_template, url_for
from pypdf.generic import BooleanObject, Fit, IndirectObject, NameObject, TextStringObject
from weasyprint.document import Document

from commission import devserver
from commission.exports.pdf import Made, render_document, write_document
from commission.meetings.models import AgendaItem, Paper
from commission.storage import storage

# Page numbers while the layout is found: as wide as any real one.
PLACEHOLDER = 9999
MAX_LAYOUTS = 4

FORMAT_NAMES = {
    "DOCX": "a Word document (DOCX)",
    "ODT": "an OpenDocument text file (ODT)",
    "XLSX": "an Excel spreadsheet (XLSX)",
    "CSV": "a spreadsheet in CSV",
}


class Problem:
    """Why a paper's pages are not in the pack."""

    OTHER_FORMAT = "other_format"
    MISSING = "missing"
    UNREADABLE = "unreadable"


@dataclass
class PackPaper:
    """One paper of the pack, in agenda order, numbered through the pack."""

    number: int
    item_number: int
    item_title: str
    title: str
    public: bool
    extension: str
    size: int
    checksum: str
    storage_key: str
    download_url: str
    pages: int = 0
    problem: str | None = None
    separator_page: int = PLACEHOLDER
    first_page: int = PLACEHOLDER
    reader: pypdf.PdfReader | None = field(default=None, repr=False)

    @property
    def anchor(self) -> str:
        return f"paper-{self.number}"

    @property
    def bound(self) -> bool:
        return self.reader is not None

    @property
    def last_page(self) -> int:
        return self.first_page + self.pages - 1

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.extension, f"a {self.extension} file")

    @property
    def key(self) -> tuple[str, str]:
        return (self.checksum, self.storage_key)


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute address for a kept document: ``PUBLIC_BASE_URL``, or the
    development server's address, never the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or devserver.base_url()
    return str(base).rstrip("/") + url_for(endpoint, **values)


def open_paper(paper: PackPaper) -> None:
    """Read the paper's stored file and find its pages, or say why it cannot
    be bound. A stranger's file may fail in any way while it is read, so any
    failure to read it makes it unreadable rather than failing the pack."""
    if paper.extension != "PDF":
        paper.problem = Problem.OTHER_FORMAT
        return
    try:
        data = storage().read(paper.storage_key)
    except (OSError, ValueError):
        paper.problem = Problem.MISSING
        return
    if hashlib.sha256(data).hexdigest() != paper.checksum:
        paper.problem = Problem.MISSING
        return
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("locked with a password")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - a page without a size cannot be bound
    except Exception:
        paper.problem = Problem.UNREADABLE
        return
    if pages == 0:
        paper.problem = Problem.UNREADABLE
        return
    paper.reader = reader
    paper.pages = pages


def _number(papers: list[PackPaper], placed: Mapping[str, int], total_own: int) -> int:
    """Give each paper its separator's and its first page's number in the
    bound pack, from the page each separator fell on among our own pages
    (1-based); returns the pack's page count."""
    inserted = 0
    for paper in papers:
        paper.separator_page = placed[paper.anchor] + inserted
        paper.first_page = paper.separator_page + 1
        inserted += paper.pages
    return total_own + inserted


def _placed(document: Document, anchors: list[str]) -> dict[str, int]:
    """On which of the document's pages (1-based) each anchor falls."""
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            if anchor in anchors and anchor not in found:
                found[anchor] = number
    return found


def bind(template: str, html: str, context: Mapping[str, object]) -> Made:
    """How to make the bound pack of ``template`` (rendered as ``html`` with
    ``context``, whose ``papers`` are the pack's papers): kept under its
    HTML and the papers' stored files."""
    papers: list[PackPaper] = list(context["papers"])  # type: ignore[call-overload]
    return Made(
        key_parts=("bound", pypdf.__version__, [paper.key for paper in papers]),
        body=lambda: _bound_pack(template, dict(context), papers),
    )


def _bound_pack(template: str, context: dict[str, object], papers: list[PackPaper]) -> bytes:
    for paper in papers:
        open_paper(paper)
    anchors = ["contents", "agenda", *(paper.anchor for paper in papers)]
    placed: dict[str, int] = {}
    total = PLACEHOLDER
    document = None
    for _ in range(MAX_LAYOUTS):
        html = render_template(template, **{**context, "total_pages": total, "placed": placed})
        document = render_document(html)
        found = _placed(document, anchors)
        if found == placed:
            break
        placed = found
        total = _number(papers, placed, len(document.pages))
    assert document is not None
    return _with_papers(write_document(document), papers, placed)


def _with_papers(own: bytes, papers: list[PackPaper], placed: Mapping[str, int]) -> bytes:
    """Our pages with each paper's pages after its separator, and the
    bookmarks: the contents, the agenda, then each item with its papers."""
    ours = pypdf.PdfReader(io.BytesIO(own))
    writer = pypdf.PdfWriter()
    after_separator: dict[int, PackPaper] = {placed[p.anchor]: p for p in papers}
    for number, page in enumerate(ours.pages, start=1):
        writer.add_page(page)
        paper = after_separator.get(number)
        if paper is not None and paper.reader is not None:
            for bound in paper.reader.pages:
                writer.add_page(bound)
    writer.add_outline_item(title="Cover", page_number=0, fit=Fit.fit())
    if "contents" in placed:
        writer.add_outline_item(title="Contents", page_number=placed["contents"] - 1, fit=Fit.fit())
    if "agenda" in placed:
        writer.add_outline_item(title="Agenda", page_number=placed["agenda"] - 1, fit=Fit.fit())
    items: dict[int, IndirectObject] = {}
    for paper in papers:
        parent = items.get(paper.item_number)
        if parent is None:
            parent = writer.add_outline_item(
                title=f"Item {paper.item_number}: {paper.item_title}",
                page_number=paper.separator_page - 1,
                fit=Fit.fit(),
            )
            items[paper.item_number] = parent
        label = paper.title if paper.bound else f"{paper.title} (not included)"
        writer.add_outline_item(
            title=label, page_number=paper.separator_page - 1, parent=parent, fit=Fit.fit()
        )
    writer.page_mode = "/UseOutlines"
    # What WeasyPrint gave our document that a new one would not have: its
    # title (shown by readers as the window's name) and its language.
    if ours.metadata is not None:
        writer.add_metadata({key: str(value) for key, value in ours.metadata.items()})
    writer.create_viewer_preferences()[NameObject("/DisplayDocTitle")] = BooleanObject(True)
    language = ours.root_object.get("/Lang")
    if language is not None:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(language))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def papers_in_order(
    items: list[tuple[int, AgendaItem]], listed: Callable[[AgendaItem], list[Paper]]
) -> list[PackPaper]:
    """The pack's papers: for each (agenda number, item) in order, the papers
    ``listed`` gives (those the reader may download), numbered through."""
    papers: list[PackPaper] = []
    for item_number, item in items:
        for paper in listed(item):
            papers.append(
                PackPaper(
                    number=len(papers) + 1,
                    item_number=item_number,
                    item_title=item.title,
                    title=paper.title,
                    public=paper.public,
                    extension=paper.filename.rsplit(".", 1)[-1].upper(),
                    size=paper.size,
                    checksum=paper.checksum,
                    storage_key=paper.storage_key,
                    download_url=public_url(
                        "meetings.download_paper", paper_id=paper.id, filename=paper.filename
                    ),
                )
            )
    return papers
