"""The text of an uploaded file, for the search index: PDF (pypdf), DOCX and
ODT (their XML, read with a parser that loads no DTD, resolves no entity and
fetches nothing). A file that cannot be read gives no text, never an error:
the upload's own checks have already decided whether it is acceptable."""

from __future__ import annotations

import io
import logging
import zipfile

import pypdf
from lxml import etree

log = logging.getLogger(__name__)

# The most text kept from one file: a few hundred pages, enough to find a
# paper by what it says, and within PostgreSQL's limit on one tsvector.
MAX_CHARACTERS = 300_000
# The most of a document's XML part that is read (an office document's is a
# few megabytes; anything far bigger is not worth indexing).
MAX_XML_BYTES = 50 * 1024 * 1024

XML_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.oasis.opendocument.text": "content.xml",
}
# The paragraphs and headings of DOCX (w:p) and ODT (text:p, text:h).
PARAGRAPHS = {"p", "h"}


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
    )


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    parts: list[str] = []
    length = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length >= MAX_CHARACTERS:
            break
    return "\n".join(parts)


def _xml_text(data: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(part)
        if info.file_size > MAX_XML_BYTES:
            return ""
        xml = archive.read(part)
    root = etree.fromstring(xml, parser=_safe_parser())
    if root is None:
        return ""
    paragraphs = [
        "".join(element.itertext())
        for element in root.iter()
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] in PARAGRAPHS
    ]
    return "\n".join(paragraphs)


def file_text(data: bytes, content_type: str) -> str:
    """The words of a PDF, DOCX or ODT file; "" for other kinds or a file
    that cannot be read."""
    try:
        if content_type == "application/pdf":
            text = _pdf_text(data)
        elif content_type in XML_PARTS:
            text = _xml_text(data, XML_PARTS[content_type])
        else:
            return ""
    except Exception:
        log.warning("could not read the text of a %s file for search", content_type)
        return ""
    return " ".join(text.split())[:MAX_CHARACTERS]
