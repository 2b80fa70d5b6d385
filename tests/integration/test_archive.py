"""The full archive: a Commission taken out of one database and into another,
every row and every file the same, and the imports that must be refused.

Each database here is its own (new SQLite files; on PostgreSQL a separate
schema of the test database), because an archive is exported from committed
data and imported with a commit.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from commission import create_app
from commission.archive import (
    FORMAT_VERSION,
    LEFT_OUT,
    ArchiveError,
    _plain,
    archived_tables,
    code_revision,
    export_archive,
    import_archive,
)
from commission.audit.services import record
from commission.auth.models import AccountToken, ThrottleEvent, TokenPurpose, User
from commission.auth.roles import Role
from commission.config import normalise_database_url
from commission.consultations.models import Extension, ResponseRevision
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.meetings.models import AgendaChange, MeetingStatus
from commission.membership.models import Control
from commission.minutes.models import ActionStatus, ActionUpdate, Correction
from commission.notifications.models import OptOut
from commission.oparl.models import RemovedKind, RemovedRecord
from commission.storage import storage
from commission.summaries.models import AnswerTag, GovernmentReply, Tag
from commission.timeutil import now_utc
from commission.tokens.services import create_token
from tests import factories
from tests.conftest import TEST_DATABASE_URL, FreshGClient, reset_postgres_schema

LEADER_EMAIL = "leader@oakshire.example.gov.uk"
LEADER_PASSWORD = "a-leaders-own-password-from-before-the-move"

needs_postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL,
    reason="the PostgreSQL leg needs TEST_DATABASE_URL (CI runs it in its PostgreSQL pass)",
)


@contextmanager
def database(kind: str, folder: Path, name: str) -> Iterator[Flask]:
    """An app on a new, migrated database of ``kind`` with its own storage
    folder, inside its app context."""
    if kind == "postgresql":
        base = normalise_database_url(TEST_DATABASE_URL)
        reset_postgres_schema(base, name)
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{name}"
    else:
        url = "sqlite:///" + str(folder / f"{name}.sqlite3")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": False,
            "STORAGE_PATH": str(folder / f"{name}-files"),
        }
    )
    try:
        with app.app_context():
            flask_migrate.upgrade()
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        if kind == "postgresql":
            reset_postgres_schema(base, name)


def build_commission() -> None:
    """A small Commission with a row in every table the archive carries:
    reference data, people, a held meeting with papers and minutes, a
    consultation with a document, responses, revisions, themes, a snapshot and
    the government's reply, audit events and outbox messages."""
    secretariat = factories.user(role=Role.SECRETARIAT)
    chair = factories.user(role=Role.CHAIR)
    oakshire = factories.council(name="Oakshire Council")
    factories.political_control(
        authority=oakshire, control=Control.NO_OVERALL_CONTROL, effective_from=date(2027, 5, 7)
    )
    combined = factories.strategic_authority(constituents=[oakshire])
    leader = factories.user(email=LEADER_EMAIL, password=LEADER_PASSWORD)
    factories.appointment(user=leader, role=Role.LEADER, authority=oakshire)
    factories.person_at(authority=oakshire, role=Role.DEPUTY, sign_off=True)
    office = factories.ministerial_office()
    minister = factories.minister(office=office)
    create_token(name="Departmental analysis", days=90, actor=minister)

    held = factories.held_meeting()
    item = factories.agenda_item(meeting=held, presenter="The chair")
    first = factories.paper(item=item, title="Briefing")
    revised = factories.paper(item=item, title="Briefing, revised", data=factories.docx_bytes())
    first.superseded_by_id = revised.id
    postponed = factories.meeting(status=MeetingStatus.POSTPONED)
    postponed.status_reason = "Purdah"
    postponed.postponed_to_id = factories.meeting().id
    db.session.add(AgendaChange(meeting_id=held.id, summary="Item added", actor_id=secretariat.id))
    factories.attendance_reply(meeting=held, authority=oakshire, replied_by=leader)
    factories.register_entry(meeting=held, authority=oakshire)
    factories.ministerial_invitation(meeting=held, office=office, item=item)

    consultation = factories.consultation(title="Sure Start revival")
    factories.consultation_document(consultation=consultation, data=factories.odt_bytes())
    response = factories.submitted_response(consultation=consultation, authority=oakshire)
    db.session.add(
        ResponseRevision(
            response_id=response.id,
            version=1,
            action="submitted",
            saved_by_id=leader.id,
            snapshot={"overall_position": "support", "answers": [{"comment": "Ünïcode ✓"}]},
        )
    )
    db.session.add(
        Extension(
            consultation_id=consultation.id,
            authority_id=combined.id,
            closes_at=consultation.closes_at + timedelta(days=3),
            reason="Mayoral election",
            granted_by_id=secretariat.id,
        )
    )
    factories.response_attachment(response=response, data=factories.PDF_BYTES, in_submitted=True)
    factories.stated_position(consultation=consultation, authority=combined, meeting=held)
    every_kind = factories.every_kind_consultation()
    kinds_response = factories.submitted_response(consultation=every_kind, authority=oakshire)
    number = next(q for q in every_kind.questions if q.kind.value == "number")
    factories.kind_answer(response=kinds_response, question=number, number=12.5)
    tag = Tag(name="funding")
    db.session.add(tag)
    db.session.flush()
    answer = factories.first_answer(consultation=consultation)
    db.session.add(AnswerTag(answer_id=answer.id, tag_id=tag.id, tagged_by_id=secretariat.id))
    factories.summary_snapshot(consultation=consultation, meeting=held)
    factories.policy(
        name="Early years",
        consultations=[consultation],
        bill_name="Children's Wellbeing and Schools Bill",
        bill_url="https://bills.parliament.uk/bills/3909",
    )
    db.session.add(
        GovernmentReply(
            consultation_id=consultation.id,
            overall="You said, we did.",
            per_question={"1": "We listened."},
            updated_by_id=chair.id,
        )
    )

    minutes = factories.published_minutes(
        meeting=held, approved_by=chair, discussions={item: "Members discussed the briefing."}
    )
    db.session.add(Correction(minutes_id=minutes.id, text="A name spelt", made_by_id=chair.id))
    factories.decision(meeting=held, item=item)
    action = factories.owned_action(meeting=held, owner=oakshire, item=item)
    db.session.add(
        ActionUpdate(
            action_id=action.id, status=ActionStatus.DONE, note="Sent", made_by_id=secretariat.id
        )
    )

    # OParl's note of an agenda item removed while the public could see it.
    db.session.add(
        RemovedRecord(
            kind=RemovedKind.AGENDA_ITEM,
            record_id=item.id + 1000,
            created_at=now_utc() - timedelta(days=3),
            removed_at=now_utc(),
            position=2,
        )
    )
    db.session.add(OptOut(user_id=leader.id, topic="meetings"))
    factories.outbox_message(user=leader)
    db.session.add(
        AccountToken(
            user_id=leader.id,
            purpose=TokenPurpose.PASSWORD_RESET,
            nonce="n" * 32,
            expires_at=now_utc() + timedelta(hours=2),
            created_by_id=None,
        )
    )
    record(
        action="consultation.edited",
        summary="Sure Start revival edited",
        actor=secretariat,
        subject=consultation,
        ip_address="192.0.2.1",
        details={"title": ["Sure Start", "Sure Start revival"]},
    )
    # Not the Commission's record: left out of the archive.
    db.session.add(ThrottleEvent(key="account:someone", occurred_at=now_utc()))
    db.session.add(
        CachedDownload(
            key="k" * 64,
            subject="summary",
            content_type="text/csv",
            filename="summary.csv",
            body=b"a,b\n",
            size=4,
        )
    )
    db.session.commit()


def contents() -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, bytes]]:
    """Every archived table's rows as stored (in primary key order) and every
    stored file's bytes, by key."""
    rows = {}
    keys = set()
    for table in archived_tables():
        plain = _plain(table)
        rows[table.name] = [
            tuple(row)
            for row in db.session.execute(select(plain).order_by(*plain.primary_key.columns))
        ]
        if "storage_key" in table.c:
            keys |= set(db.session.execute(select(table.c.storage_key)).scalars())
    return rows, {key: storage().read(key) for key in sorted(keys)}


def count(name: str) -> int:
    table = db.metadata.tables[name]
    return db.session.execute(select(func.count()).select_from(table)).scalar_one()


def can_sign_in(app: Flask, email: str, password: str) -> bool:
    client = FreshGClient(app, app.response_class, use_cookies=True)
    answer = client.post("/sign-in", data={"email": email, "password": password})
    return answer.status_code == 302


def round_trip(kinds: list[str], folder: Path) -> None:
    """Build a Commission on the first kind of database, then export and import
    it along ``kinds``; every database holds the same rows and files, and the
    leader signs in with their old password on each."""
    archive = folder / "0.zip"
    with database(kinds[0], folder, "archive_source"):
        build_commission()
        expected = contents()
        assert count("throttle_events") == count("download_cache") == 1
        export_archive(archive)

    empty = [name for name, rows in expected[0].items() if not rows]
    assert not empty, f"the round trip carries no rows of {empty}: add some to build_commission"
    assert len(expected[1]) == 3

    for n, kind in enumerate(kinds[1:], start=1):
        with database(kind, folder, f"archive_copy_{n}") as app:
            report = import_archive(archive)
            assert report.rows == sum(len(rows) for rows in expected[0].values())
            assert report.files == 3
            got = contents()
            for table, rows in expected[0].items():
                assert got[0][table] == rows, table
            assert got[1] == expected[1]
            assert count("throttle_events") == count("download_cache") == 0
            archive = folder / f"{n}.zip"
            export_archive(archive)
            # After the export: signing in is recorded (and would be exported).
            assert can_sign_in(app, LEADER_EMAIL, LEADER_PASSWORD)
            assert not can_sign_in(app, LEADER_EMAIL, "not-the-password-at-all")


def test_sqlite_to_sqlite_keeps_every_row_and_file(tmp_path):
    round_trip(["sqlite", "sqlite"], tmp_path)


@needs_postgres
def test_sqlite_to_postgresql_to_sqlite_keeps_every_row_and_file(tmp_path):
    round_trip(["sqlite", "postgresql", "sqlite"], tmp_path)


@needs_postgres
def test_new_rows_after_an_import_to_postgresql_get_new_ids(tmp_path):
    """PostgreSQL's id sequences are moved past the imported ids."""
    archive = tmp_path / "a.zip"
    with database("sqlite", tmp_path, "archive_source"):
        build_commission()
        largest = db.session.execute(select(func.max(User.id))).scalar_one()
        export_archive(archive)
    with database("postgresql", tmp_path, "archive_copy"):
        import_archive(archive)
        person = factories.user()
        db.session.commit()
        assert person.id == largest + 1


def test_every_table_is_archived_or_left_out_with_a_reason(tmp_path):
    with database("sqlite", tmp_path, "archive_tables"):
        every = {table.name for table in db.metadata.sorted_tables}
        archived = {table.name for table in archived_tables()}
        assert set(LEFT_OUT) == {
            "download_cache",
            "throttle_events",
            "stored_files",
            "job_runs",
            "api_rate_limits",
            "search_documents",
            "search_file_texts",
            "search_words",
            "summary_tallies",
            "theme_tallies",
            "summary_comments",
        }
        assert all(LEFT_OUT.values())
        assert archived == every - set(LEFT_OUT)
        export_archive(tmp_path / "empty.zip")
    with zipfile.ZipFile(tmp_path / "empty.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()
    assert [table["name"] for table in manifest["tables"]] == [
        table.name for table in db.metadata.sorted_tables if table.name in archived
    ]
    assert sorted(names) == sorted(["manifest.json", *(t["member"] for t in manifest["tables"])])
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["left_out"] == LEFT_OUT


# ---------------------------------------------------------------- refusals

TARGET = "postgresql" if TEST_DATABASE_URL else "sqlite"


@pytest.fixture(scope="module")
def archive_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    with database("sqlite", folder, "archive_source"):
        build_commission()
        export_archive(folder / "commission.zip")
    return folder / "commission.zip"


@pytest.fixture
def empty_target(tmp_path: Path) -> Iterator[Flask]:
    with database(TARGET, tmp_path, "archive_target") as app:
        yield app


def altered(source: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of the archive with each member passed through ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, change(name, old.read(name)))
    return target


def with_manifest(source: Path, target: Path, **fields: Any) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), **fields}).encode()

    return altered(source, target, change)


def refusal(path: Path) -> str:
    with pytest.raises(ArchiveError) as raised:
        import_archive(path)
    assert count("users") == 0, "a refused import changed the database"
    return str(raised.value)


def test_a_database_holding_data_is_refused_saying_what_it_holds(archive_file, empty_target):
    factories.user(role=Role.SECRETARIAT)
    db.session.commit()
    with pytest.raises(ArchiveError) as raised:
        import_archive(archive_file)
    assert "already holds Commission data" in str(raised.value)
    assert "users 1" in str(raised.value)
    assert count("users") == 1


def test_a_newer_format_version_is_refused(archive_file, empty_target, tmp_path):
    path = with_manifest(archive_file, tmp_path / "newer.zip", format_version=FORMAT_VERSION + 1)
    assert f"format version {FORMAT_VERSION + 1}, newer" in refusal(path)


def test_a_newer_schema_revision_is_refused(archive_file, empty_target, tmp_path):
    path = with_manifest(archive_file, tmp_path / "newer.zip", schema_revision="ffffffffffff")
    message = refusal(path)
    assert "does not know" in message
    assert "made by a newer version" in message


def test_an_older_schema_revision_is_refused_with_what_to_do(archive_file, empty_target, tmp_path):
    from commission.archive import _script_directory

    older = _script_directory().get_revision(code_revision()).down_revision
    path = with_manifest(archive_file, tmp_path / "older.zip", schema_revision=older)
    message = refusal(path)
    assert f"schema revision {older}, older" in message
    assert "export again" in message


@pytest.mark.parametrize("member", ["tables/users.jsonl", "files/"])
def test_a_damaged_member_is_refused(archive_file, empty_target, tmp_path, member):
    def change(name: str, data: bytes) -> bytes:
        if name.startswith(member):
            return data.replace(b"e", b"E", 1) if b"e" in data else data + b"\0"
        return data

    path = altered(archive_file, tmp_path / "damaged.zip", change)
    assert "does not match its checksum" in refusal(path)
    assert not list((Path(empty_target.config["STORAGE_PATH"])).rglob("*"))


def test_a_file_that_is_not_an_archive_is_refused(empty_target, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_bytes(b"not a zip")
    assert "not a zip archive" in refusal(path)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "no manifest.json" in refusal(path)


def test_the_commands_export_check_and_import(archive_file, empty_target, tmp_path):
    runner = empty_target.test_cli_runner()
    imported = runner.invoke(args=["archive", "import", str(archive_file)])
    assert imported.exit_code == 0, imported.output
    assert "Imported" in imported.output
    assert count("users") > 0

    checked = runner.invoke(args=["archive", "check", str(archive_file)])
    assert checked.exit_code == 0, checked.output
    assert "checksums match" in checked.output
    assert "hold everything in the archive" in checked.output

    again = runner.invoke(args=["archive", "import", str(archive_file)])
    assert again.exit_code == 1
    assert "already holds Commission data" in again.output

    exported = runner.invoke(args=["archive", "export", str(tmp_path / "again.zip")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "again.zip").exists()
    refused = runner.invoke(args=["archive", "export", str(tmp_path / "again.zip")])
    assert refused.exit_code == 1
    assert "already exists" in refused.output


def test_importing_records_no_new_change(archive_file, empty_target):
    """A move, not a change: no audit event is added and the change counter
    arrives as it was exported."""
    import_archive(archive_file)
    with zipfile.ZipFile(archive_file) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        counter = json.loads(archive.read("tables/change_counter.jsonl"))
    audit = next(table for table in manifest["tables"] if table["name"] == "audit_events")
    assert count("audit_events") == audit["rows"]
    from commission import changes

    assert changes.current() == counter["value"]


def test_a_row_that_cannot_be_read_is_refused_and_nothing_is_imported(
    archive_file, empty_target, tmp_path
):
    """Checksums catch damage; a row that is wrong from the start (here a
    date that is no date, with its checksum made to match) is refused too."""
    import hashlib

    with zipfile.ZipFile(archive_file) as archive:
        users = archive.read("tables/users.jsonl").decode()
    first = json.loads(users.splitlines()[0])
    broken = users.replace(first["created_at"], "the day before yesterday", 1).encode()
    digest = hashlib.sha256(broken).hexdigest()

    def change(name: str, data: bytes) -> bytes:
        if name == "tables/users.jsonl":
            return broken
        if name == "manifest.json":
            manifest = json.loads(data)
            for table in manifest["tables"]:
                if table["name"] == "users":
                    table["sha256"] = digest
            return json.dumps(manifest).encode()
        return data

    path = altered(archive_file, tmp_path / "broken.zip", change)
    assert "A row of users in the archive cannot be read" in refusal(path)
    assert count("authorities") == 0
