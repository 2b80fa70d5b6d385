"""Two app servers behind one load balancer, as a deployment runs them: two
gunicorn processes with separate instance folders (their own file folder and
mail outbox) on one PostgreSQL database. What one does, the other sees: a
paper uploaded through one downloads through the other, a draft saved through
one shows on the other; the outbox worker and the daily reminders run on both
at once send each message once."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from commission import create_app, jobs
from commission.auth.roles import Role
from commission.extensions import db
from commission.notifications.models import OutboxMessage, OutboxStatus, Topic
from commission.timeutil import now_utc
from tests import factories
from tests.conftest import TEST_DATABASE_URL
from tests.e2e.harness import BIN, ROOT, LiveServer, free_port, postgres_schema_url

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="several app servers share a PostgreSQL database"
)

SCHEMA = "two_servers"


class Visitor:
    """Someone using the service through one server, with a browser's cookies."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.session = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.session.get(self.server.url + path, timeout=30, allow_redirects=True)

    def submit(
        self, path: str, fields: dict[str, str], files: dict | None = None
    ) -> requests.Response:
        """Fill in the form on ``path`` (keeping its hidden fields, the CSRF
        token among them) and send it."""
        form = BeautifulSoup(self.get(path).text, "html.parser").select("main form")[-1]
        data = {
            field["name"]: field.get("value", "")
            for field in form.select("input[type=hidden]")
            if field.get("name")
        }
        data.update(fields)
        return self.session.post(
            self.server.url + path, data=data, files=files, timeout=30, allow_redirects=True
        )

    def sign_in(self, email: str) -> None:
        response = self.submit("/sign-in", {"email": email, "password": factories.PASSWORD})
        assert "Sign out" in response.text, response.text[:500]


@pytest.fixture(scope="module")
def database_url() -> str:
    return postgres_schema_url(TEST_DATABASE_URL, SCHEMA)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, database_url) -> Iterator[list[LiveServer]]:
    started = []
    secret = secrets.token_hex(32)
    for name in ("one", "two"):
        folder = tmp_path_factory.mktemp(f"server-{name}")
        port = free_port()
        env = {key: value for key, value in os.environ.items() if key != "SERVER_NAME"}
        env.update(
            {
                "FLASK_APP": "wsgi.py",
                "COMMISSION_ENV": "development",
                "SECRET_KEY": secret,
                "DATABASE_URL": database_url,
                "STORAGE_PATH": str(folder / "files"),
                "MAIL_BACKEND": "outbox",
                "MAIL_OUTBOX_DIR": str(folder / "outbox"),
                "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
                "LOG_LEVEL": "WARNING",
            }
        )
        server = LiveServer(
            url=f"http://127.0.0.1:{port}", env=env, outbox=folder / "outbox", log=folder / "log"
        )
        if not started:
            server.flask("db", "upgrade")
            server.flask("seed")
        server.start(port)
        started.append(server)
    try:
        yield started
    finally:
        for server in started:
            server.stop()
        postgres_schema_url(TEST_DATABASE_URL, SCHEMA)  # empty the schema again


@pytest.fixture
def records(database_url, servers):
    """An app in this process on the servers' database, to set up records
    and read what the servers did; what it adds is committed."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "MAIL_BACKEND": "memory"}
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_both_servers_use_the_database_for_files_and_report_it(servers):
    for server in servers:
        health = requests.get(server.url + "/healthz", timeout=10).json()
        assert health == {"status": "ok", "database": "ok", "storage": "database", "files": "ok"}


def test_a_paper_uploaded_through_one_server_downloads_through_the_other(servers, records):
    one, two = servers
    secretariat = factories.user(role=Role.SECRETARIAT)
    meeting = factories.meeting(published=True)
    item = factories.agenda_item(meeting=meeting, title="Local government finance")
    db.session.commit()
    pdf = factories.PDF_BYTES

    uploader = Visitor(one)
    uploader.sign_in(secretariat.email)
    uploaded = uploader.submit(
        f"/meetings/{meeting.slug}/agenda/items/{item.id}/papers/new",
        {"title": "Settlement briefing", "visibility": "public"},
        files={"file": ("settlement.pdf", pdf, "application/pdf")},
    )
    assert uploaded.ok, uploaded.text[:500]

    page = Visitor(two).get(f"/meetings/{meeting.slug}")
    link = BeautifulSoup(page.text, "html.parser").find("a", string=re.compile("Settlement"))
    assert link is not None, page.text[:1000]
    download = Visitor(two).get(link["href"])

    assert download.ok, download.status_code
    assert download.content == pdf
    assert not any(Path(one.env["STORAGE_PATH"]).rglob("*")), "a file was kept on a server"


def test_a_draft_saved_through_one_server_shows_on_the_other(servers, records):
    one, two = servers
    council = factories.council(name="Ashford Borough Council")
    leader = factories.person_at(authority=council, role=Role.LEADER)
    consultation = factories.consultation(questions=1)
    db.session.commit()
    path = f"/consultations/{consultation.reference}/responses/{council.slug}"
    [question] = consultation.questions

    on_one = Visitor(one)
    on_one.sign_in(leader.email)
    saved = on_one.submit(
        path,
        {
            f"position_{question.id}": "support",
            f"comment_{question.id}": "Ashford welcomes the multi-year settlement.",
            "save": "Save as draft",
        },
    )
    assert "Draft saved" in saved.text, saved.text[:1000]

    on_two = Visitor(two)
    on_two.sign_in(leader.email)
    assert "Ashford welcomes the multi-year settlement." in on_two.get(path).text


def run_on_both(servers: list[LiveServer], *command: str) -> list[str]:
    """``flask command`` on both servers at the same moment."""
    processes = [
        subprocess.Popen(
            [str(BIN / "flask"), *command],
            cwd=ROOT,
            env=server.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for server in servers
    ]
    outputs = []
    for process in processes:
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
        outputs.append(output)
    return outputs


def sent_files(servers: list[LiveServer]) -> list[Path]:
    return [path for server in servers for path in sorted(server.outbox.glob("*.eml"))]


def test_the_outbox_worker_on_both_servers_sends_each_message_once(servers, records):
    before = len(sent_files(servers))
    people = [factories.user() for _ in range(40)]
    for person in people:
        factories.outbox_message(user=person, topic=Topic.MEETINGS, status=OutboxStatus.QUEUED)
    db.session.commit()

    run_on_both(servers, "send-outbox")

    sent = sent_files(servers)[before:]
    recipients = [
        line.split(":", 1)[1].strip()
        for path in sent
        for line in path.read_text().splitlines()
        if line.startswith("To:")
    ]
    assert sorted(recipients) == sorted(person.email for person in people)


def test_the_reminders_run_on_both_servers_queue_each_reminder_once(servers, records):
    meeting = factories.meeting(
        starts_at=now_utc() + timedelta(days=2), published=True, venue="Marsham Street"
    )
    leaders = [
        factories.person_at(authority=factories.council(), role=Role.LEADER) for _ in range(12)
    ]
    db.session.commit()

    outputs = run_on_both(servers, "send-reminders")

    queued = db.session.execute(
        select(OutboxMessage.recipient, func.count())
        .where(OutboxMessage.dedupe_key.startswith(f"reply-reminder:{meeting.id}:"))
        .group_by(OutboxMessage.recipient)
    ).all()
    assert {recipient for recipient, _ in queued} >= {leader.email for leader in leaders}
    assert all(count == 1 for _, count in queued)
    # One run queued them; the other waited for it, then found them queued.
    assert any("Reminders queued: 0 to reply" in output for output in outputs), outputs


def test_a_second_claim_of_a_job_waits_until_the_first_run_ends(records):
    """The lock itself, without relying on two processes' start-up timing."""
    waited: list[float] = []

    def second_server() -> None:
        with records.app_context():
            started = time.monotonic()
            jobs.claim("send-reminders")
            waited.append(time.monotonic() - started)
            db.session.commit()

    jobs.claim("send-reminders")
    other = threading.Thread(target=second_server)
    other.start()
    time.sleep(1.0)
    assert not waited, "the second claim did not wait for the first"
    db.session.commit()
    other.join(timeout=30)

    assert waited and waited[0] >= 0.9
    assert jobs.last_started("send-reminders") is not None
