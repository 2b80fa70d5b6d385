"""What a newcomer meets in their first hour: the system packages the tests
need, one log line per request, links in logged emails easy to find, and links
in emails queued from the command line that point where the app runs."""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pytest
from flask import Flask
from flask.cli import run_command
from werkzeug.serving import make_server

from commission import create_app, devserver
from commission.links import external_url
from commission.logging import JSONFormatter, WithoutServerRequestLines
from commission.mail import Email, send

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_names_exactly_the_system_packages_ci_installs():
    readme = (ROOT / "README.md").read_text()
    [command] = re.findall(r"^sudo apt-get install (.+)$", readme, flags=re.MULTILINE)
    named = set(command.split())
    installed = set()
    for group in re.findall(r"need_apt\+=\(([^)]*)\)", (ROOT / ".ci" / "run").read_text()):
        installed |= set(group.split())
    assert named == installed
    assert {
        "poppler-utils",
        "libpango-1.0-0",
        "chromium",
        "default-jre-headless",
        "nodejs",
    } <= named
    for package in named:
        assert f"`{package}`" in readme, f"the README does not say why {package} is needed"


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JSONFormatter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@contextmanager
def kept(logger: logging.Logger) -> Iterator[Kept]:
    handler = Kept()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_the_development_server_logs_each_request_once(app):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with kept(app.logger) as ours, kept(logging.getLogger("werkzeug")) as theirs:
        thread.start()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz") as answer:
                assert answer.status == 200
        finally:
            server.shutdown()
            thread.join()
    requests = [json.loads(line) for line in ours.lines]
    assert [(entry["path"], entry["status"]) for entry in requests] == [("/healthz", 200)]
    assert not [record for record in theirs.records if "healthz" in record.getMessage()]


def test_the_development_server_still_says_where_it_runs():
    keep = WithoutServerRequestLines()

    def record(message: str, *args: object) -> logging.LogRecord:
        return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, args, None)

    assert keep.filter(record(" * Running on %s", "http://127.0.0.1:5000"))
    assert keep.filter(record("127.0.0.1 - - [date] code 400, message %s", "Bad request"))
    assert not keep.filter(
        record('127.0.0.1 - - [06/Dec/2026 10:00:00] "%s" %s %s\n', "GET / HTTP/1.1", "200", "-")
    )


def test_each_link_in_a_logged_email_has_a_line_of_its_own(app, app_ctx):
    email = Email(
        to="joanna.pike@example.gov.uk",
        subject="Set your password",
        body=(
            "Set your password: http://127.0.0.1:5000/set-password/abc.def\n\n"
            "Or read the agenda (http://127.0.0.1:5000/meetings/2027-02-03).\n"
            "Unsubscribe: http://127.0.0.1:5000/unsubscribe/xyz\n"
            "Set your password: http://127.0.0.1:5000/set-password/abc.def\n"
        ),
    )
    app.config["MAIL_BACKEND"] = "log"
    try:
        with kept(app.logger) as log:
            send(email)
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    entries = [json.loads(line) for line in log.lines]
    assert "email not sent" in entries[0]["message"]
    assert [entry["message"] for entry in entries[1:]] == [
        "http://127.0.0.1:5000/set-password/abc.def",
        "http://127.0.0.1:5000/meetings/2027-02-03",
        "http://127.0.0.1:5000/unsubscribe/xyz",
    ]
    assert {entry["to"] for entry in entries[1:]} == {"joanna.pike@example.gov.uk"}


def command_line_app(tmp_path: Path, **config: object) -> Flask:
    """An app as a command such as ``flask send-reminders`` has it: no request,
    no SERVER_NAME."""
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "DEV_SERVER_FILE": str(tmp_path / "dev-server.json"),
            **config,
        }
    )


def started_by_flask_run(tmp_path: Path, host: str, port: int) -> None:
    """Load the app as ``flask run --host HOST --port PORT`` does."""
    context = click.Context(run_command, info_name="run")
    context.params.update({"host": host, "port": port, "cert": None})
    with context:
        command_line_app(tmp_path)


def link_from_the_command_line(app: Flask) -> str:
    with app.app_context():
        return external_url("dashboard.home")


def test_command_line_links_use_public_base_url_when_set(tmp_path):
    started_by_flask_run(tmp_path, "127.0.0.1", 8123)
    app = command_line_app(tmp_path, PUBLIC_BASE_URL="https://commission.example.gov.uk")
    assert link_from_the_command_line(app) == "https://commission.example.gov.uk/"


def test_command_line_links_use_the_port_flask_run_serves_on(tmp_path):
    app = command_line_app(tmp_path)
    assert link_from_the_command_line(app) == "http://127.0.0.1:5000/"

    started_by_flask_run(tmp_path, "127.0.0.1", 8123)
    assert link_from_the_command_line(app) == "http://127.0.0.1:8123/"

    started_by_flask_run(tmp_path, "0.0.0.0", 8000)  # noqa: S104
    assert link_from_the_command_line(app) == "http://127.0.0.1:8000/"


def test_an_app_not_started_by_flask_run_notes_no_address(tmp_path):
    command_line_app(tmp_path)
    assert not (tmp_path / "dev-server.json").exists()


def test_production_never_uses_a_noted_address(tmp_path):
    started_by_flask_run(tmp_path, "127.0.0.1", 8123)
    app = command_line_app(tmp_path)
    app.config["ENV_NAME"] = "production"
    with app.app_context():
        assert devserver.base_url() == devserver.DEFAULT_BASE_URL


@pytest.mark.parametrize("noted", ["not json", '{"base_url": "javascript:alert(1)"}', "{}"])
def test_a_damaged_note_falls_back_to_the_default(tmp_path, noted):
    (tmp_path / "dev-server.json").write_text(noted)
    assert link_from_the_command_line(command_line_app(tmp_path)) == "http://127.0.0.1:5000/"
