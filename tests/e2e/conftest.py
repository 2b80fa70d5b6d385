"""Browser tests: the app served by gunicorn on its own database, driven by the
system Chromium through Playwright, with every page a journey visits checked by
axe (WCAG 2.2 AA) and the Nu HTML checker.

- The server is a real subprocess started once per session, after
  ``flask db upgrade`` and ``flask seed --demo``, so the reference data (every
  authority, department and ministerial office) and the demo scenario (its
  people, a year of meetings, three consultations) are there for every test.
  Its database is a SQLite file in a temporary folder or, when
  ``TEST_DATABASE_URL`` is set, the schema ``e2e`` (``E2E_SCHEMA`` to change
  it) of that PostgreSQL database, so what it commits never meets the
  rolled-back tests, which use ``public``.
- Email goes to ``.eml`` files in a temporary outbox; tests follow the links.
- Tests make their own people (through the app's CLI or its pages), each with a
  new email address, or sign in as the demo people; a test that changes shared
  demo data (a meeting, a consultation) makes or picks what no other test uses.
- ``check_page(page)`` runs axe at once and keeps the HTML the server sent; the
  HTML of all the pages a test checked goes to the Nu HTML checker in one run
  when the test body ends, and an error fails that test.
- Without Chromium, Java, axe-core or the checker these tests are skipped,
  except when ``CI=true``: there they fail, because CI must never skip them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.harness import (
    AXE_JS,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    Account,
    LiveServer,
    PageChecker,
    endpoint_matcher,
    free_port,
    missing_tools,
    postgres_schema_url,
    tables_in_schema,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

E2E_DIR = Path(__file__).resolve().parent
IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
E2E_SCHEMA = os.environ.get("E2E_SCHEMA", "e2e")
CHECKER_KEY = pytest.StashKey[PageChecker]()
SERVER_LOG_KEY = pytest.StashKey[tuple[LiveServer, int]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Once the test body has passed, validate the HTML of every page it checked,
    so an invalid page fails the test that visited it."""
    result = yield
    checker = item.stash.get(CHECKER_KEY, None)
    if checker is not None:
        checker.validate_html()
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[Any]:
    """When a test fails, show what the server logged while it ran."""
    report = yield
    mark = item.stash.get(SERVER_LOG_KEY, None)
    if mark is not None and report.when == "call" and report.failed:
        server, offset = mark
        logged = server.log_text(offset)
        if logged.strip():
            report.sections.append(("Captured server log", logged))
    return report


@pytest.fixture(scope="session")
def browser_tools() -> None:
    missing = missing_tools()
    if not missing:
        return
    message = "browser tests need " + "; ".join(missing)
    if IN_CI:
        pytest.fail(f"{message}. CI must run the browser tests, never skip them", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def live_server(
    browser_tools: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("e2e-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if TEST_DATABASE_URL:
        database_url = postgres_schema_url(TEST_DATABASE_URL, E2E_SCHEMA)
    else:
        database_url = "sqlite:///" + str(folder / "e2e.sqlite3")
    env = {key: value for key, value in os.environ.items() if key != "SERVER_NAME"}
    env.update(
        {
            "FLASK_APP": "wsgi.py",
            "COMMISSION_ENV": "development",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "MAIL_BACKEND": "outbox",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "PUBLIC_BASE_URL": url,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    server = LiveServer(url=url, env=env, outbox=folder / "outbox", log=folder / "server.log")
    server.flask("db", "upgrade")
    server.flask("seed", "--demo", timeout=180)
    if TEST_DATABASE_URL:
        tables = tables_in_schema(TEST_DATABASE_URL, E2E_SCHEMA)
        assert {"alembic_version", "users"} <= tables, (
            f"the migrations did not build the schema {E2E_SCHEMA!r}: it holds {sorted(tables)}"
        )
    try:
        server.start(port)
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_secretariat(live_server: LiveServer) -> Callable[[str], Account]:
    """``make_secretariat(full_name)``: a new secretariat account (CLI-made)."""
    return live_server.create_secretariat


@pytest.fixture(scope="session")
def browser(browser_tools: None) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., BrowserContext]]:
    """``new_context(**options)``: a browser context (its own cookies) on the
    live server, taking Playwright's options, e.g. ``java_script_enabled=False``."""
    contexts: list[BrowserContext] = []
    request.node.stash[SERVER_LOG_KEY] = (live_server, live_server.log_size())

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        checker = request.node.stash.get(CHECKER_KEY, None)
        if checker is not None:
            checker.watch(context, scripts=options.get("java_script_enabled", True))
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def endpoint_of() -> Callable[[str], str | None]:
    """``endpoint_of(url)``: the app's endpoint for a GET of ``url``, or None."""
    return endpoint_matcher()


@pytest.fixture(scope="session")
def checked_urls() -> set[str]:
    """The address of every page ``check_page`` has checked in this session."""
    return set()


@pytest.fixture
def check_page(
    request: pytest.FixtureRequest,
    new_context: Callable[..., BrowserContext],
    tmp_path: Path,
    checked_urls: set[str],
) -> PageChecker:
    """``check_page(page)``: no axe violations now, no HTML errors by the test's end."""
    audit: list[Page] = []

    def audit_page() -> Page:
        if not audit:
            audit.append(new_context().new_page())
        return audit[0]

    checker = PageChecker(
        axe_source=AXE_JS.read_text(encoding="utf-8"),
        folder=tmp_path,
        audit_page=audit_page,
        history=checked_urls,
    )
    request.node.stash[CHECKER_KEY] = checker
    return checker


@pytest.fixture
def page(new_context: Callable[..., BrowserContext], check_page: PageChecker) -> Page:
    return new_context().new_page()
