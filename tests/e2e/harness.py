"""The pieces the browser tests stand on: the live server, the accounts the CLI
makes, and the page checker (axe and the Nu HTML checker). Fixtures that wire
them together are in ``conftest.py``."""

from __future__ import annotations

import email
import email.policy
import functools
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import BrowserContext, Page, Response, Route

    from commission.auth.roles import Role

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
# Start-up is most of the checker's time: the client compiler alone starts it
# about twice as fast, and needs a deeper stack than the default for the schema.
VNU_JAVA_OPTIONS = ["-Xss16m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
PASSWORD = "correct-horse-battery-staple-e2e"
SERVER_START_SECONDS = 120  # a cap: a busy machine boots a worker slowly


def missing_tools() -> list[str]:
    """What the browser tests need and this machine lacks."""
    missing = []
    chromium = Path(CHROMIUM_PATH)
    if not (chromium.is_file() and os.access(chromium, os.X_OK)):
        missing.append(f"Chromium at {CHROMIUM_PATH} (set CHROMIUM_PATH)")
    if shutil.which("java") is None:
        missing.append("java (for the Nu HTML checker)")
    for path, what in ((AXE_JS, "axe-core"), (VNU_JAR, "vnu-jar")):
        if not path.is_file():
            missing.append(f"{what} at {path.relative_to(ROOT)} (run npm install)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -e '.[test]')")
    return missing


# Live server ------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    email: str
    full_name: str
    password: str


def unique_email(full_name: str) -> str:
    """A new address every call, so tests never share people."""
    local = re.sub(r"[^a-z]+", ".", full_name.lower()).strip(".")
    return f"{local}.{uuid.uuid4().hex[:10]}@example.com"


@dataclass
class LiveServer:
    """The app under gunicorn in a subprocess, with its database and outbox."""

    url: str
    env: dict[str, str] = field(repr=False)
    outbox: Path
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def flask(self, *args: str, stdin: str | None = None, timeout: float = 60) -> str:
        """Run a ``flask`` command with the server's settings and database."""
        result = subprocess.run(
            [str(BIN / "flask"), *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"flask {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result.stdout

    def start(self, port: int) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {self.process.returncode}:\n{self.log_text()}"
                )
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(
            f"{self.url}/healthz did not answer 200 within {SERVER_START_SECONDS} s:\n"
            f"{self.log_text()}"
        )

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_text(self, offset: int = 0) -> str:
        """What gunicorn and the app have logged, from byte ``offset`` on."""
        if not self.log.exists():
            return ""
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def create_secretariat(self, full_name: str) -> Account:
        """A new secretariat account, with a new email address, made by the CLI."""
        address = unique_email(full_name)
        self.flask(
            "create-secretariat",
            "--email",
            address,
            "--name",
            full_name,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        return Account(email=address, full_name=full_name, password=PASSWORD)

    def emails_to(self, address: str) -> list[EmailMessage]:
        """Messages saved to the outbox for ``address``, oldest first."""
        messages = []
        for path in sorted(self.outbox.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            if message["To"] == address:
                messages.append(message)
        return messages

    def link_in_last_email(self, address: str, path: str = "/set-password/") -> str:
        """The link to ``path`` on this server in the latest email to ``address``."""
        messages = self.emails_to(address)
        assert messages, f"no email to {address} in {self.outbox}"
        body = messages[-1].get_body(preferencelist=("plain",))
        assert body is not None
        text = body.get_content()
        match = re.search(re.escape(self.url + path) + r"\S+", text)
        assert match, f"no {self.url}{path} link in the email to {address}:\n{text}"
        return match.group(0)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_schema_url(database_url: str, schema: str) -> str:
    """``database_url`` with a new, empty ``schema`` first and only on every
    connection's search_path, so Alembic puts the tables and alembic_version
    there and nothing in ``public`` is touched."""
    from sqlalchemy import create_engine, text

    from commission.config import normalise_database_url

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
        raise ValueError(f"the schema must be a plain lower-case identifier, not {schema!r}")
    url = normalise_database_url(database_url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"


def tables_in_schema(database_url: str, schema: str) -> set[str]:
    from sqlalchemy import create_engine, text

    from commission.config import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        names = connection.execute(
            text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
            {"s": schema},
        ).scalars()
        tables = set(names)
    engine.dispose()
    return tables


# Page checks ------------------------------------------------------------------


@dataclass
class CheckedPage:
    url: str
    title: str
    file: Path


@dataclass
class PageChecker:
    """``check_page(page)``: axe finds no WCAG 2.2 AA violation on the page now,
    and the HTML the server sent for it is kept for the Nu HTML checker, which
    ``validate_html`` runs once over all of a test's pages.

    The HTML is the body of the main frame's last document response, not
    ``page.content()`` (the DOM after scripts ran and the parser repaired it).
    ``history`` collects the address of every page checked (in the browser
    tests, across the whole session).

    Playwright cannot evaluate scripts in a context with JavaScript turned off,
    so axe checks such a page in ``audit_page`` (JavaScript on), loaded from
    the same address with the same HTML and every script request refused: the
    DOM a browser without JavaScript builds, styled by the real stylesheets."""

    axe_source: str = field(repr=False)
    folder: Path
    audit_page: Callable[[], Page] = field(repr=False)
    documents: dict[Any, Response] = field(default_factory=dict, repr=False)
    scriptless: set[Any] = field(default_factory=set, repr=False)
    checked: list[CheckedPage] = field(default_factory=list)
    history: set[str] = field(default_factory=set, repr=False)

    def watch(self, context: BrowserContext, *, scripts: bool = True) -> None:
        context.on("response", self._record)
        if not scripts:
            self.scriptless.add(context)

    def _record(self, response: Response) -> None:
        request = response.request
        if request.resource_type != "document" or 300 <= response.status < 400:
            return
        frame = request.frame
        if frame.parent_frame is None:
            self.documents[frame.page] = response

    def __call__(self, page: Page) -> None:
        __tracebackhide__ = True
        response = self.documents.get(page)
        assert response is not None, f"no document response recorded for {page.url}"
        assert urldefrag(response.url).url == urldefrag(page.url).url, (
            f"the last document response was for {response.url}, but the page is at {page.url}"
        )
        body = response.body()
        title = page.title()
        path = self.folder / f"page-{len(self.checked) + 1:02d}.html"
        path.write_bytes(body)
        self.checked.append(CheckedPage(url=page.url, title=title, file=path))
        self.history.add(page.url)

        target = page
        if page.context in self.scriptless:
            target = self._load_without_scripts(response, body)
        violations = self._axe(target)
        if violations:
            pytest.fail(
                f"axe found {len(violations)} accessibility violation(s) on {page.url} "
                f"({title!r}):\n" + "\n".join(describe_violation(v) for v in violations),
                pytrace=False,
            )

    def _axe(self, page: Page) -> list[dict[str, Any]]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.axe_source)
        results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
        return list(results["violations"])

    def _load_without_scripts(self, response: Response, body: bytes) -> Page:
        audit = self.audit_page()
        address = response.url
        content_type = response.headers.get("content-type", "text/html; charset=utf-8")

        def serve(route: Route) -> None:
            request = route.request
            if request.resource_type == "script":
                route.abort()
            elif request.is_navigation_request() and request.url == address:
                route.fulfill(status=response.status, content_type=content_type, body=body)
            else:
                route.continue_()

        audit.route("**/*", serve)
        try:
            audit.goto(address)
        finally:
            audit.unroute("**/*", serve)
        return audit

    def validate_html(self) -> None:
        """Every page checked so far, in one run of the Nu HTML checker."""
        __tracebackhide__ = True
        if not self.checked:
            return
        pages = {page.file.name: page for page in self.checked}
        self.checked = []
        result = subprocess.run(
            [
                "java",
                *VNU_JAVA_OPTIONS,
                "-jar",
                str(VNU_JAR),
                "--format",
                "json",
                "--stdout",
                "--errors-only",
                "--no-langdetect",
                *(str(page.file) for page in pages.values()),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            messages = json.loads(result.stdout)["messages"]
        except (ValueError, KeyError) as error:
            raise RuntimeError(
                f"the Nu HTML checker did not answer in JSON ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            ) from error
        errors = [m for m in messages if m.get("type") in {"error", "non-document-error"}]
        if errors:
            pytest.fail(describe_html_errors(errors, pages), pytrace=False)


def describe_violation(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    targets = ", ".join(" ".join(str(part) for part in node["target"]) for node in nodes[:5])
    if len(nodes) > 5:
        targets += f" and {len(nodes) - 5} more"
    return (
        f"  [{violation['impact']}] {violation['id']}: {violation['help']}\n"
        f"    {violation['helpUrl']}\n"
        f"    on: {targets}"
    )


def describe_html_errors(errors: list[dict[str, Any]], pages: dict[str, CheckedPage]) -> str:
    lines = [f"the Nu HTML checker found {len(errors)} error(s):"]

    def file_name(message: dict[str, Any]) -> str:
        return str(message.get("url", "")).rsplit("/", 1)[-1]

    for name, group in itertools.groupby(sorted(errors, key=file_name), key=file_name):
        page = pages.get(name)
        lines.append(f"  {page.url} ({page.title!r}):" if page else f"  {name or 'checker'}:")
        for message in group:
            where = f"line {message['lastLine']}: " if "lastLine" in message else ""
            lines.append(f"    {where}{message.get('message', '')}")
            extract = " ".join(str(message.get("extract", "")).split())
            if extract:
                lines.append(f"      {extract[:160]}")
    return "\n".join(lines)


# Addresses a crawl does not open as pages: downloads, files, signing out,
# links that act by being followed (unsubscribing) and feeds.
NOT_PAGES = re.compile(
    r"\.(pdf|csv|xlsx|ics|json)$|^/papers/|^/consultations/documents/|^/sign-out|^/static/"
    r"|^/assets/|^/unsubscribe/|^/calendar/|^/healthz|/documents/(\d+|<int:attachment_id>)/"
    r"|^/api/v1/."  # the API's JSON (its documentation, /api/v1/, is a page)
    r"|^/oparl/"  # OParl's JSON
)


def pages_linked_from(page: Page, base_url: str) -> list[str]:
    """The paths (with their queries) of this site's pages the page links to,
    in the order they appear, leaving out what is not a page."""
    found = []
    for href in page.eval_on_selector_all(
        "a[href]:not([download])",
        # An SVG link's href is not a string: read the attribute, made absolute.
        "links => links.map(link => new URL(link.getAttribute('href'), document.baseURI).href)",
    ):
        address = urldefrag(href).url
        if not address.startswith(base_url + "/"):
            continue
        parts = urlsplit(address)
        if NOT_PAGES.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


@functools.cache
def _url_map_app() -> Flask:
    """An app for reading the URL map and the access rules (no database)."""
    from commission import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})


def pages_open_to(roles: frozenset[Role] | None) -> set[str]:
    """The endpoints of pages (GET, not a download) that someone holding
    ``roles`` passes the declared rule of, or a visitor for None. An object
    policy needs the object, so those are left out: the crawl meets them."""
    from commission.access import RULE_ATTRIBUTE, RuleKind

    app = _url_map_app()
    pages = set()
    for url_rule in app.url_map.iter_rules():
        if (
            "GET" not in (url_rule.methods or set())
            or NOT_PAGES.search(url_rule.rule)
            or ".<" in url_rule.rule  # a download in a format of the address
        ):
            continue
        rule = getattr(app.view_functions[url_rule.endpoint], RULE_ATTRIBUTE, None)
        if rule is None:
            continue
        if (
            rule.kind is RuleKind.PUBLIC
            or (rule.kind is RuleKind.ANONYMOUS_ONLY and roles is None)
            or (rule.kind is RuleKind.SIGNED_IN and roles is not None)
            or (rule.kind is RuleKind.ROLES and roles is not None and rule.roles & roles)
        ):
            pages.add(url_rule.endpoint)
    return pages


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in on ``page`` through the sign-in page and arrive signed in."""
    from playwright.sync_api import expect

    if urlsplit(page.url).path != "/sign-in":
        page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile(r"^Signed in as "))).to_be_visible()


def sign_in_as(
    new_context: Callable[..., BrowserContext],
    local: str,
    *,
    before: Callable[[Page], None] | None = None,
    **context_options: Any,
) -> Page:
    """A new browser context (with ``context_options``, such as a viewport)
    signed in as the demo person ``local@demo…``; ``before(page)`` runs on the
    new page first (to install a clock, say)."""
    from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD

    page = new_context(**context_options).new_page()
    if before is not None:
        before(page)
    sign_in(page, f"{local}@{DEMO_DOMAIN}", DEMO_PASSWORD)
    return page


def rules_of(endpoints: set[str]) -> list[str]:
    """The URL rules (``/meetings/<meeting:slug>/minutes``) of endpoints."""
    return [r.rule for r in _url_map_app().url_map.iter_rules() if r.endpoint in endpoints]


def endpoint_matcher() -> Callable[[str], str | None]:
    """``match(url)``: the app's endpoint for a GET of ``url``, or None."""
    adapter = _url_map_app().url_map.bind("localhost")

    def match(url: str) -> str | None:
        try:
            endpoint, _ = adapter.match(urlsplit(url).path, method="GET")
        except HTTPException:
            return None
        return str(endpoint)

    return match
