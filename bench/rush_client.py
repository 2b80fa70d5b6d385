"""A minimal browser for the deadline rush: one cookie jar per person, forms
read from the HTML, every request timed. Standard library only.

The server runs with production settings and is reached over plain HTTP on
loopback as it would be behind a TLS-terminating proxy: every request says
``X-Forwarded-Proto: https`` (the app trusts one proxy in production), and
cookies are kept by name and sent back whatever their ``Secure`` flag says.
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie

TIMEOUT_SECONDS = 180


@dataclass
class Page:
    method: str
    path: str
    status: int
    location: str
    body: str
    seconds: float
    started: float

    @property
    def redirect_path(self) -> str:
        return urllib.parse.urlsplit(self.location).path


class FormReader(HTMLParser):
    """The values of a page's inputs, its <title> and whether it shows an error summary."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.title = ""
        self.error_summary = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name"):
            self.inputs[values["name"] or ""] = values.get("value") or ""
        if tag == "title":
            self._in_title = True
        if "govuk-error-summary" in (values.get("class") or "").split():
            self.error_summary = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def read_form(body: str) -> FormReader:
    reader = FormReader()
    reader.feed(body)
    reader.close()
    return reader


@dataclass
class Browser:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(
        default_factory=lambda: {
            "User-Agent": "deadline-rush/1.0",
            "X-Forwarded-Proto": "https",
        }
    )

    def get(self, path: str) -> Page:
        return self._send("GET", path, None)

    def post(self, path: str, form: dict[str, str], *, on: str) -> Page:
        """Send ``form`` from the page at ``on``, with the Referer a browser sends
        (Flask-WTF checks it on HTTPS)."""
        return self._send("POST", path, urllib.parse.urlencode(form).encode(), referer=on)

    def _send(self, method: str, path: str, body: bytes | None, referer: str = "") -> Page:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{self.host}:{self.port}{referer}"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_SECONDS)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            self._keep(header)
        return Page(
            method=method,
            path=path,
            status=response.status,
            location=response.headers.get("Location", ""),
            body=content,
            seconds=seconds,
            started=started,
        )

    def _keep(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
