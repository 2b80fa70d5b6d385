"""The words of the bench's papers: a few thousand each, written from a fixed
seed out of the phrases of local-government papers, so a search of the
ten-year dataset has real text to stem, rank and highlight.

Each paper is about one topic (its item's) and mentions others; a few
phrases ("the English Devolution Bill", "Sure Start family hubs") run
through many papers, and a few rare words (``RARE_WORDS``) through only a
handful, so the bench can search for a common word, a phrase and a rare
word. The text goes into a real PDF (``text_pdf``), stored like any upload,
and, as the app would read it back, into the search index's file texts.
"""

from __future__ import annotations

import random

SUBJECTS = [
    "The Commission",
    "Member authorities",
    "The department",
    "District councils",
    "County councils",
    "Combined authorities",
    "Metropolitan boroughs",
    "Unitary authorities",
    "London boroughs",
    "The secretariat",
    "Council leaders",
    "Directors of children's services",
    "Directors of adult social services",
    "Section 151 officers",
    "Scrutiny committees",
    "Mayors of strategic authorities",
    "Rural councils",
    "Shire districts",
    "Finance directors",
    "Local partners",
    "Housing associations",
    "Integrated care boards",
    "The Treasury",
    "Residents' panels",
]
VERBS = [
    "welcome",
    "support",
    "are concerned about",
    "question the evidence for",
    "call for clarity on",
    "note the pressure on",
    "have consistently raised",
    "expect further detail on",
    "urge the government to reconsider",
    "recognise the case for",
    "propose changes to",
    "seek assurance about",
    "have reviewed",
    "remain unconvinced by",
    "set out costed options for",
    "asked the department to publish",
    "will monitor",
    "reported delays in",
    "agreed to consult members on",
    "want early engagement on",
]
OBJECTS = [
    "the funding formula",
    "multi-year settlements",
    "new burdens funding",
    "the fair funding review",
    "temporary accommodation costs",
    "the housing revenue account",
    "capital receipts flexibility",
    "the dedicated schools grant",
    "the statutory override",
    "the adult social care precept",
    "business rates retention",
    "the Household Support Fund",
    "Sure Start family hubs",
    "the English Devolution Bill",
    "local plan timetables",
    "the Better Care Fund",
    "home to school transport",
    "the local audit backlog",
    "council tax support schemes",
    "extended producer responsibility payments",
    "bus service improvement plans",
    "high needs deficits",
    "the children's social care market",
    "workforce recruitment and retention",
    "planning fees",
    "the homelessness prevention grant",
    "the local government finance settlement",
    "council tax referendum limits",
    "special educational needs provision",
    "devolution deals",
    "the spending review",
    "exceptional financial support",
    "the public health grant",
    "discharge funding",
    "the Levelling Up Fund",
    "social housing regulation",
    "flood defence partnerships",
    "the waste collection reforms",
    "library services",
    "youth services",
]
QUALIFIERS = [
    "in the coming financial year",
    "over the spending review period",
    "before the next settlement",
    "for rural areas",
    "in two-tier areas",
    "across the region",
    "for smaller districts",
    "without new money",
    "within existing resources",
    "as demand continues to rise",
    "from April",
    "in the medium term",
    "for the most deprived places",
    "once the consultation closes",
    "with a fair transition",
    "alongside the health service",
    "for coastal communities",
    "in the light of inflation",
]
HEADINGS = [
    "Purpose of this paper",
    "Background",
    "Summary of members' views",
    "Financial implications",
    "Legal implications",
    "Equalities impact",
    "Risks and mitigations",
    "Options considered",
    "Evidence from member authorities",
    "Next steps",
    "Recommendations",
]
# Words in few papers: about one in a hundred mentions each.
RARE_WORDS = ["crematorium", "hydrotherapy", "lidos", "allotments", "ombudsman", "almshouses"]
RARE_SHARE = 0.01


def _sentence(rnd: random.Random, topic: str) -> str:
    shape = rnd.random()
    subject = rnd.choice(SUBJECTS)
    verb = rnd.choice(VERBS)
    # Half the sentences are about the paper's own topic.
    thing = topic if rnd.random() < 0.5 else rnd.choice(OBJECTS)
    if shape < 0.55:
        return f"{subject} {verb} {thing} {rnd.choice(QUALIFIERS)}."
    if shape < 0.75:
        start = rnd.randint(2016, 2025)
        return (
            f"Spending on {thing} rose by {rnd.randint(2, 40)} per cent between {start} and "
            f"{start + rnd.randint(1, 4)}, while {rnd.choice(OBJECTS)} fell "
            f"{rnd.choice(QUALIFIERS)}."
        )
    if shape < 0.9:
        return (
            f"{subject} told the Commission that {thing} and {rnd.choice(OBJECTS)} must be "
            f"considered together {rnd.choice(QUALIFIERS)}."
        )
    return (
        f"Members asked whether {thing} could be delivered {rnd.choice(QUALIFIERS)}; "
        f"{subject.lower()} {verb} it."
    )


def paper_text(rnd: random.Random, topic: str, words: int) -> str:
    """About ``words`` words on ``topic``: headed sections of paragraphs."""
    parts: list[str] = []
    count = 0
    headings = iter(HEADINGS)
    rare = [word for word in RARE_WORDS if rnd.random() < RARE_SHARE]
    while count < words:
        heading = next(headings, None)
        if heading is not None:
            parts.append(heading + ".")
            count += len(heading.split())
        for _ in range(rnd.randint(3, 6)):
            sentences = [_sentence(rnd, topic) for _ in range(rnd.randint(3, 7))]
            if rare and rnd.random() < 0.1:
                sentences.append(f"The paper also covers {rare.pop()} {rnd.choice(QUALIFIERS)}.")
            paragraph = " ".join(sentences)
            parts.append(paragraph)
            count += len(paragraph.split())
            if count >= words:
                break
    parts += [f"The paper also covers {word}." for word in rare]
    return " ".join(parts)


def _escaped(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_pdf(title: str, text: str, *, words_a_line: int = 12, lines_a_page: int = 46) -> bytes:
    """A plain PDF of ``text`` (ASCII) under ``title``, one line of words after
    another; reading it back gives the same words in the same order."""
    words = text.split()
    lines = [title] + [
        " ".join(words[n : n + words_a_line]) for n in range(0, len(words), words_a_line)
    ]
    return lines_pdf([lines[n : n + lines_a_page] for n in range(0, len(lines), lines_a_page)])


def lines_pdf(pages: list[list[str]], *, size: int = 10, left: int = 56, top: int = 790) -> bytes:
    """A small valid PDF with each page's lines of (ASCII) text, in Helvetica
    at ``size`` points from (``left``, ``top``)."""
    first_page = 4
    font = first_page + 2 * len(pages)
    kids = " ".join(f"{first_page + 2 * n} 0 R" for n in range(len(pages)))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Producer (Commission bench) >>",
    ]
    for n, page in enumerate(pages):
        shown = " ".join(f"({_escaped(line)}) Tj 0 -16 Td" for line in page)
        stream = f"BT /F1 {size} Tf {left} {top} Td {shown} ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Contents {first_page + 2 * n + 1} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 3 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
