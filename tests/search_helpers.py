"""Reading the search page, for the search tests."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask.testing import FlaskClient

from tests.pages import ok, text_of


def hits(client: FlaskClient, query: str, **filters: Any) -> list[dict[str, str]]:
    """The results the search page shows, each as its kind, title, address and passage."""
    shown = ok(client.get("/search", query_string={"q": query, **filters}))
    found = []
    for result in shown.select("li.app-search-result"):
        link = result.select_one("h2 a")
        passage = result.select_one(".app-search-result__passage")
        found.append(
            {
                "kind": text_of(result.select_one(".govuk-tag")),
                "title": text_of(link),
                "url": str(link["href"]) if link else "",
                "passage": passage.decode_contents() if passage else "",
            }
        )
    return found


@cache
def pdf_with(text: str) -> bytes:
    """A real PDF whose pages hold ``text`` (made by WeasyPrint, read back by pypdf)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()
    return pdf
