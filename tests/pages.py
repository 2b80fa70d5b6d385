"""What a test needs to sign someone in, check a response and read the page it
returns, written once.

A test checks the status it expects with ``expect(response, 302, location=...)``
or, for a page, ``ok(response)``, which also returns the parsed page (for the
API, ``expect_json(response)`` returns the parsed JSON); when the
status is wrong the failure says what came back (status, where it redirected to,
the start of the body) rather than only ``assert 404 == 200``. The readers take
a response or an already parsed page and give the text as a person reads it.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from typing import Any

from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from commission.auth.models import User
from commission.extensions import db

Readable = TestResponse | BeautifulSoup | Tag


# Signing in ---------------------------------------------------------------------------------


def sign_in(client: FlaskClient, user: User) -> User:
    """Sign the test client in as ``user`` (a fresh session, as after entering
    the password), without going through the sign-in form."""
    db.session.flush()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def sign_out(client: FlaskClient) -> None:
    """Forget whoever the test client was signed in as."""
    with client.session_transaction() as session:
        session.clear()


# Responses ----------------------------------------------------------------------------------


def _describe(response: TestResponse) -> str:
    lines = [f"{response.request.method} {response.request.path} gave {response.status}"]
    if response.location:
        lines.append(f"Location: {response.location}")
    if response.mimetype == "text/html":
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        shown = soup.select_one("main") or soup
        body = text_of(shown)
    elif response.mimetype.startswith("text/") or response.is_json:
        body = " ".join(response.get_data(as_text=True).split())
    else:
        body = f"<{response.mimetype}, {len(response.get_data())} bytes>"
    lines.append(body[:500] + ("…" if len(body) > 500 else ""))
    return "\n".join(lines)


def expect(
    response: TestResponse, status: int = 200, *, location: str | None = None
) -> TestResponse:
    """Assert the response has ``status`` (and, if given, redirects to exactly
    ``location``), and return it for reading its headers or body."""
    assert response.status_code == status, f"expected {status}; {_describe(response)}"
    if location is not None:
        assert response.headers.get("Location") == location, (
            f"expected a redirect to {location}; {_describe(response)}"
        )
    return response


def ok(response: TestResponse) -> BeautifulSoup:
    """Assert the response is a 200 HTML page and return it parsed."""
    expect(response, 200)
    assert response.mimetype == "text/html", f"expected an HTML page; {_describe(response)}"
    return page(response)


def expect_json(response: TestResponse, status: int = 200) -> Any:
    """Assert the response has ``status`` and a JSON body (``application/json``
    or ``application/problem+json``), and return the body parsed."""
    expect(response, status)
    assert response.is_json, f"expected JSON; {_describe(response)}"
    return response.get_json()


# Reading a page -----------------------------------------------------------------------------


def page(response: Readable) -> BeautifulSoup | Tag:
    """The parsed page (a page or element already parsed is given back as it is)."""
    if isinstance(response, BeautifulSoup | Tag):
        return response
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(element: Tag | None) -> str:
    """An element's text as a person reads it: white space collapsed to single
    spaces, and no space left before a full stop that followed an inline tag."""
    if element is None:
        return ""
    return " ".join(element.get_text(" ").split()).replace(" .", ".")


def main_text(response: Readable) -> str:
    """The text of the page's ``<main>``."""
    main = page(response).select_one("main")
    assert main is not None, "the page has no <main>"
    return text_of(main)


def heading(response: Readable) -> str:
    h1 = page(response).find("h1")
    return h1.get_text(" ", strip=True) if isinstance(h1, Tag) else ""


def status_line(response: Readable) -> str:
    """The text of the status message (``role=status``) in ``<main>``, or ''."""
    element = page(response).select_one("main [role=status]")
    return " ".join(element.get_text().split()) if element else ""


def error_summary(response: Readable) -> list[tuple[str, str]]:
    """(text, href) of each link in the GOV.UK error summary."""
    summary = page(response).select_one(".govuk-error-summary")
    if summary is None:
        return []
    items = []
    for li in summary.select(".govuk-error-summary__list li"):
        link = li.find("a")
        href = str(link.get("href", "")) if isinstance(link, Tag) else ""
        items.append((li.get_text(" ", strip=True), href))
    return items


def banner(response: Readable) -> str:
    element = page(response).select_one(".govuk-notification-banner")
    return element.get_text(" ", strip=True) if element else ""


def table_rows(response: Readable, selector: str = "table") -> list[list[str]]:
    """The text of each body row's cells in the first table matching ``selector``."""
    table = page(response).select_one(selector)
    return _body_rows(table) if table is not None else []


def _body_rows(table: Tag) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.select("tbody tr")
    ]


def table_records(response: Readable, selector: str = "table") -> list[dict[str, str]]:
    """Each body row of the first matching table as {column heading: cell text}."""
    table = page(response).select_one(selector)
    if table is None:
        return []
    headers = [th.get_text(" ", strip=True) for th in table.select("thead th")]
    return [dict(zip(headers, row, strict=False)) for row in _body_rows(table)]


def summary_list(response: Readable) -> dict[str, str]:
    """Key to value of the first GOV.UK summary list on the page."""
    element = page(response).select_one(".govuk-summary-list")
    if element is None:
        return {}
    result = {}
    for row in element.select(".govuk-summary-list__row"):
        key = row.select_one(".govuk-summary-list__key")
        value = row.select_one(".govuk-summary-list__value")
        assert key is not None and value is not None
        result[key.get_text(" ", strip=True)] = value.get_text(" ", strip=True)
    return result


def form_fields(response: Readable, selector: str = "main form") -> dict[str, Any]:
    """The values a browser would submit from the first form matching
    ``selector``: text inputs and text areas by name, checked boxes and radios,
    selected options (a list where a name repeats)."""
    form = page(response).select_one(selector)
    assert form is not None, f"no form matching {selector!r}"
    values: dict[str, Any] = {}

    def add(name: str, value: str) -> None:
        if name in values:
            existing = values[name]
            values[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            values[name] = value

    for element in form.select("input[name], textarea[name], select[name]"):
        name = str(element["name"])
        if element.name == "textarea":
            add(name, element.get_text())
        elif element.name == "select":
            for option in element.select("option[selected]"):
                add(name, str(option.get("value", option.get_text())))
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                add(name, str(element.get("value", "on")))
        elif element.get("type") not in ("submit", "button", "file"):
            add(name, str(element.get("value", "")))
    return values


def csrf_token_from(response: TestResponse) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(True))
    if match is None:
        match = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(True))
    assert match, "no CSRF token on the page"
    return match.group(1)


# Reading a download -------------------------------------------------------------------------


def read_csv(response: TestResponse) -> list[list[str]]:
    """The rows of a CSV download (header included). Every CSV the service
    makes is ``text/csv`` and starts with a byte-order mark, so Excel reads it
    as UTF-8."""
    expect(response, 200)
    assert response.mimetype == "text/csv", f"expected a CSV; {_describe(response)}"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff"), "the CSV does not start with a byte-order mark"
    return list(csv.reader(io.StringIO(text[1:])))


def pdf_text(pdf: TestResponse | bytes, *, lines: bool = False) -> str:
    """The words of a PDF (a response, checked to be a 200 PDF, or its bytes)
    as ``pdftotext -layout`` reads them, white space collapsed to single
    spaces; with ``lines``, only runs of spaces and tabs are collapsed, so the
    lines and the form feeds between pages stay."""
    if isinstance(pdf, TestResponse):
        expect(pdf, 200)
        assert pdf.mimetype == "application/pdf", f"expected a PDF; {_describe(pdf)}"
        pdf = pdf.get_data()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    text = result.stdout.decode()
    return re.sub(r"[ \t]+", " ", text) if lines else " ".join(text.split())
