"""The bound agenda pack: cover, contents with page numbers, the agenda, then
each paper in agenda order after a separator page naming its item, with a
bookmark per item and paper. Read back with pypdf (pages, outline) and
pdftotext (what each page says)."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest
import weasyprint

from commission.auth.roles import Role
from commission.extensions import db
from tests import factories
from tests.factories import london_time
from tests.pages import expect, pdf_text

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def paper_pdf(name: str, pages: int) -> bytes:
    """A real PDF of ``pages`` pages, each saying which page of ``name`` it is."""
    html = "".join(
        f'<p style="break-after: page">{name} page {n} of {pages}</p>' for n in range(1, pages + 1)
    )
    return weasyprint.HTML(string=html).write_pdf()


def pages_of(response) -> list[str]:
    """The text of each page of the pack, as pdftotext reads it."""
    text = pdf_text(response, lines=True)
    return [" ".join(page.split()) for page in text.split("\f")][: len(reader(response).pages)]


def reader(response) -> pypdf.PdfReader:
    expect(response, 200)
    return pypdf.PdfReader(io.BytesIO(response.get_data()))


def outline(response) -> list:
    """The bookmarks as (title, page number counted from 1), children in lists."""
    pdf = reader(response)

    def walk(entries):
        found = []
        for entry in entries:
            if isinstance(entry, list):
                found.append(walk(entry))
            else:
                found.append((entry.title, pdf.get_destination_page_number(entry) + 1))
        return found

    return walk(pdf.outline)


def contents(pages: list[str]) -> dict[str, int]:
    """What the contents pages list, each with the page number it gives."""
    first = next(n for n, p in enumerate(pages) if p.startswith("Contents"))
    agenda = next(n for n, p in enumerate(pages) if p.startswith("Agenda"))
    text = " ".join(pages[first:agenda])
    listed = {
        title: int(number)
        for title, number in re.findall(
            r"(Paper \d+: .+?) (\d+) (?=PDF,|Missing:|[A-Z]{3,4}, \d+ KB)", text
        )
    }
    found = re.search(r"Agenda and expected attendance (\d+)", text)
    assert found is not None
    return {"Agenda and expected attendance": int(found.group(1)), **listed}


@pytest.fixture
def meeting():
    """An agenda with a public item with two papers (3 and 2 pages), an item
    with none, an item with a restricted paper, and a confidential item."""
    meeting = factories.meeting(starts_at=london_time(date(2027, 7, 13), 10, 30), published=True)
    welcome = factories.agenda_item(meeting=meeting, title="Welcome and apologies")
    finance = factories.agenda_item(meeting=meeting, title="Finance settlement")
    housing = factories.agenda_item(meeting=meeting, title="Housing delivery")
    secret = factories.agenda_item(meeting=meeting, title="Intervention", confidential=True)
    factories.paper(item=finance, title="Settlement summary", data=paper_pdf("Summary", 3))
    factories.paper(item=finance, title="Allocations", data=paper_pdf("Allocations", 2))
    factories.paper(
        item=housing, title="Draft housing figures", public=False, data=paper_pdf("Figures", 1)
    )
    factories.paper(item=secret, title="Commissioners report", data=paper_pdf("Report", 2))
    assert welcome.papers == []
    return meeting


def test_the_public_pack_binds_each_paper_after_its_separator(client, meeting):
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    pages = pages_of(response)

    # Cover, contents, agenda; then separator + 3 pages, separator + 2 pages.
    assert len(reader(response).pages) == len(pages) == 3 + 4 + 3
    assert pages[0].startswith("Local Government Commission Agenda")
    listed = contents(pages)
    assert listed == {
        "Agenda and expected attendance": 3,
        "Paper 1: Settlement summary": 4,
        "Paper 2: Allocations": 8,
    }
    assert pages[2].startswith("Agenda")
    assert "Item 2: Finance settlement Paper 1: Settlement summary" in pages[3]
    assert "The paper follows: 3 pages, pages 5 to 7 of this pack." in pages[3]
    assert [pages[n].startswith(f"Summary page {n - 3} of 3") for n in (4, 5, 6)] == [True] * 3
    assert "Item 2: Finance settlement Paper 2: Allocations" in pages[7]
    assert pages[8].startswith("Allocations page 1 of 2")
    assert pages[9].startswith("Allocations page 2 of 2")

    # Our own pages are numbered as the PDF counts them; the cover is not.
    assert "Page " not in pages[0]
    assert pages[1].endswith("Page 2 of 10")
    assert pages[3].endswith("Page 4 of 10")
    assert pages[7].endswith("Page 8 of 10")

    assert outline(response) == [
        ("Cover", 1),
        ("Contents", 2),
        ("Agenda", 3),
        ("Item 2: Finance settlement", 4),
        [("Settlement summary", 4), ("Allocations", 8)],
    ]
    # The pack keeps its title and language, and opens on its bookmarks.
    pdf = reader(response)
    assert pdf.metadata.title == "Agenda: Local Government Commission, Tuesday 13 July 2027"
    assert pdf.root_object["/Lang"] == "en"
    assert pdf.root_object["/PageMode"] == "/UseOutlines"

    # The restricted paper and the confidential item's paper are left out, and it says so.
    whole = " ".join(pages)
    for hidden in ("Draft housing figures", "Figures page", "Commissioners report", "Report page"):
        assert hidden not in whole
    assert "2 papers are for members of the Commission only and are not in this pack." in pages[1]


def test_the_members_pack_binds_restricted_papers_too(client, login_as, meeting):
    login_as(Role.LEADER)
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    pages = pages_of(response)

    assert len(pages) == 3 + 4 + 3 + 2 + 3
    listed = contents(pages)
    assert listed == {
        "Agenda and expected attendance": 3,
        "Paper 1: Settlement summary": 4,
        "Paper 2: Allocations": 8,
        "Paper 3: Draft housing figures (members only)": 11,
        "Paper 4: Commissioners report": 13,
    }
    for title, number in listed.items():
        if title.startswith("Paper"):
            assert title.removesuffix(" (members only)") in pages[number - 1]
    assert "For members of the Commission only. Do not share." in pages[10]
    assert pages[11].startswith("Figures page 1 of 1")
    assert pages[13].startswith("Report page 1 of 2")
    assert "not in this pack" not in pages[1]
    assert outline(response)[3:] == [
        ("Item 2: Finance settlement", 4),
        [("Settlement summary", 4), ("Allocations", 8)],
        ("Item 3: Housing delivery", 11),
        [("Draft housing figures", 11)],
        ("Item 4: Intervention", 13),
        [("Commissioners report", 13)],
    ]


def test_a_paper_that_cannot_be_read_is_named_as_missing(client, meeting):
    finance = meeting.items[1]
    summary, allocations = finance.papers
    summary.storage_key = "00/no-such-file"
    damaged = factories.paper(
        item=finance, title="Damaged paper", data=b"%PDF-1.4 not really a PDF at all"
    )
    db.session.flush()
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    pages = pages_of(response)

    assert len(pages) == 3 + 1 + 3 + 1
    listed = contents(pages)
    assert listed == {
        "Agenda and expected attendance": 3,
        "Paper 1: Settlement summary": 4,
        "Paper 2: Allocations": 5,
        f"Paper 3: {damaged.title}": 8,
    }
    assert "Paper 1: Settlement summary 4 Missing: this paper could not be included" in pages[1]
    assert (
        "Missing: this paper could not be included in the pack. Its file cannot be found."
        in (pages[3])
    )
    assert "Paper 3: Damaged paper" in pages[7]
    assert "Its PDF file cannot be read. Ask the Commission secretariat for a copy." in pages[7]
    assert allocations.title in pages[4]
    assert outline(response)[3:] == [
        ("Item 2: Finance settlement", 4),
        [
            ("Settlement summary (not included)", 4),
            ("Allocations", 5),
            ("Damaged paper (not included)", 8),
        ],
    ]


def test_a_paper_in_another_format_says_where_to_download_it(app, client, meeting, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://commission.example.gov.uk")
    housing = meeting.items[2]
    document = factories.paper(
        item=housing,
        title="Housing tables",
        data=b"PK\x03\x04 a word document",
        filename="housing-tables.docx",
        content_type=DOCX,
    )
    # The address shown never comes from the request: the pack is kept for everyone.
    response = client.get(
        f"/meetings/{meeting.slug}/agenda.pdf", headers={"Host": "attacker.example"}
    )
    pages = pages_of(response)

    assert len(pages) == 3 + 4 + 3 + 1
    assert contents(pages)["Paper 3: Housing tables"] == 11
    separator = pages[10]
    assert "Item 3: Housing delivery Paper 3: Housing tables" in separator
    assert "This paper is a Word document (DOCX), which cannot be bound into a PDF." in separator
    assert (
        f"https://commission.example.gov.uk/papers/{document.id}/housing-tables.docx" in separator
    )
    assert "attacker" not in " ".join(pages)
    assert "DOCX, 1 KB: not included, download it from the service" in pages[1]


def test_a_meeting_without_papers_says_so(client):
    meeting = factories.meeting(starts_at=london_time(date(2027, 9, 14), 10, 30), published=True)
    factories.agenda_item(meeting=meeting, title="Welcome")
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    pages = pages_of(response)
    assert len(pages) == 3
    assert "No papers have been published for this meeting." in pages[1]
    assert outline(response) == [("Cover", 1), ("Contents", 2), ("Agenda", 3)]


def test_a_long_agenda_pushes_the_papers_on_and_the_numbers_follow(client, login_as):
    meeting = factories.meeting(starts_at=london_time(date(2027, 2, 9), 9, 0), published=True)
    for n in range(60):
        item = factories.agenda_item(meeting=meeting, title=f"Item number {n}", duration_minutes=5)
        item.description = "A paragraph of background that takes up some room on the page. " * 3
        factories.paper(item=item, title=f"Paper for item {n}", data=paper_pdf(f"P{n}", 1))
    response = client.get(f"/meetings/{meeting.slug}/agenda.pdf")
    pages = pages_of(response)
    listed = contents(pages)

    assert len(listed) == 61
    # The contents itself runs over pages, and every number still points at its page.
    for title, number in listed.items():
        if title.startswith("Paper"):
            assert pages[number - 1].startswith("Local Government Commission, 9 February 2027")
            assert title in pages[number - 1]
    total = len(pages)
    assert pages[-2].endswith(f"Page {total - 1} of {total}")
