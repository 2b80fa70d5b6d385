"""A full archive of one Commission: every record and every stored file in one
versioned zip, to move a Commission between databases (SQLite to PostgreSQL
when a pilot goes live) or keep it.

The archive (format described in docs/archive.md):

- ``manifest.json``: the format and its version, the schema's Alembic revision,
  when and by which version of the app it was made, and for every member its
  SHA-256, for every table its columns and row count, for every file its key;
- ``tables/<table>.jsonl``: one JSON object a row, every column, in primary key
  order, one file a table in ``db.metadata.sorted_tables`` order;
- ``files/<storage key>``: each stored paper and document, once.

The rules:

- every table is exported, except those in ``LEFT_OUT`` (not the Commission's
  record), so a new table is never forgotten;
- rows are streamed (``yield_per``), in a transaction that sees one consistent
  state of the database, so memory stays bounded however long the history;
- an import goes only into an empty database migrated to exactly the
  archive's schema revision, after every checksum has been checked; it inserts
  in dependency order inside one transaction, restores the files through
  ``storage()``, moves PostgreSQL's id sequences past the largest id, and
  records nothing as a change (it is a move, not a change: the audit log's own
  rows come across, and the change counter arrives as it was).

The archive holds password hashes and personal data: it is as secret as the
database itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import metadata as package_metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeEngine

from commission.extensions import db
from commission.storage import storage
from commission.summaries.tallies import recount
from commission.timeutil import now_utc

FORMAT = "commission-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
CHUNK = 1024 * 1024

# Tables that are not the Commission's record, with the reason they stay out.
LEFT_OUT: dict[str, str] = {
    "download_cache": "kept downloads, made again on demand from the records",
    "throttle_events": "recent failed sign-ins, kept minutes for throttling and then pruned",
    "stored_files": "the files themselves, which travel under files/ with the rows naming them",
    "job_runs": "when each timed job last started: its lock, not a record",
    "api_rate_limits": "counts of the last minute's API requests per address, for the rate limit",
    "search_documents": "the search index, rebuilt from the records after an import",
    "search_file_texts": "text read from uploaded files, read again when the index is rebuilt",
    "search_words": "words seen by the search index, rebuilt with it",
    "summary_tallies": "the summaries' figures, counted again from the answers after an import",
    "theme_tallies": "the summaries' themes, counted again from the tags after an import",
    "summary_comments": "the summaries' comments as quotations rank them, kept again on import",
}

# Columns that name a file in storage: the file goes into the archive with the row.
FILE_COLUMN = "storage_key"

# Not a record (see commission.changes): an archive neither needs it to be
# absent from the target nor counts it as data found there.
CHANGE_COUNTER = "change_counter"


class ArchiveError(Exception):
    """The archive cannot be made or loaded; the message says why and what to do."""


@dataclass
class Report:
    """What an export or import did."""

    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# ---------------------------------------------------------------- the tables


def archived_tables() -> list[Table]:
    """Every table of the schema except those ``LEFT_OUT``, parents first."""
    return [table for table in db.metadata.sorted_tables if table.name not in LEFT_OUT]


def _encoding(column_type: TypeEngine[Any]) -> str:
    """How a column's values are written: JSON has no dates, bytes or enums."""
    if isinstance(column_type, Enum):
        return "enum"
    if isinstance(column_type, Boolean):
        return "boolean"
    if isinstance(column_type, Integer):
        return "integer"
    if isinstance(column_type, Float):
        return "float"
    if isinstance(column_type, DateTime) or isinstance(
        getattr(column_type, "impl", None), DateTime
    ):
        return "datetime"
    if isinstance(column_type, Date):
        return "date"
    if isinstance(column_type, LargeBinary):
        return "bytes"
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, String):
        return "string"
    raise ArchiveError(f"No archive encoding for a column of type {column_type!r}")


def _columns(table: Table) -> list[dict[str, str]]:
    return [{"name": column.name, "encoding": _encoding(column.type)} for column in table.columns]


def _plain(table: Table) -> Table:
    """``table`` as stored: enumerations read and written as their stored
    strings, JSON's SQL NULL kept as NULL, every other type as the model has it."""

    def plain_type(column: Column[Any]) -> Any:
        encoding = _encoding(column.type)
        if encoding == "enum":
            return String()
        if encoding == "json":
            return JSON(none_as_null=True)
        return column.type

    return Table(
        table.name,
        MetaData(),
        *(
            Column(column.name, plain_type(column), primary_key=column.primary_key)
            for column in table.columns
        ),
    )


def _encode(value: Any, encoding: str) -> Any:
    if value is None:
        return None
    if encoding == "datetime":
        return value.isoformat()
    if encoding == "date":
        return value.isoformat()
    if encoding == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value


def _decode(value: Any, encoding: str) -> Any:
    if value is None:
        return None
    if encoding == "datetime":
        return datetime.fromisoformat(value)
    if encoding == "date":
        return date.fromisoformat(value)
    if encoding == "bytes":
        return base64.b64decode(value, validate=True)
    return value


def _self_references(table: Table) -> list[str]:
    """Columns that refer to another row of the same table (a postponed
    meeting's new date, a superseded paper's replacement): the row referred to
    may come later, so these are filled in once the whole table is in."""
    return sorted(
        {key.parent.name for key in table.foreign_keys if key.column.table.name == table.name}
    )


# ---------------------------------------------------------------- schema revision


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)


def code_revision() -> str:
    """The schema revision this code's models describe (the migrations' head)."""
    heads = _script_directory().get_heads()
    if len(heads) != 1:
        raise ArchiveError(f"The migrations have {len(heads)} heads; expected one")
    return str(heads[0])


def database_revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return str(heads[0]) if len(heads) == 1 else None


def _check_database_is_current(connection: Connection, doing: str) -> str:
    revision = database_revision(connection)
    head = code_revision()
    if revision != head:
        raise ArchiveError(
            f"Cannot {doing}: the database is at schema revision {revision or 'none'}, "
            f"not this version's {head}. Run `flask db upgrade` first."
        )
    return head


# ---------------------------------------------------------------- export


def _app_version() -> str:
    try:
        return package_metadata.version("commission")
    except package_metadata.PackageNotFoundError:
        return "unknown"


class _Hashing:
    """A writable member of the zip that counts and hashes what goes in."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)


def _consistent_connection() -> Connection:
    """A connection whose transaction sees one state of the database for the
    whole export, while the app goes on writing."""
    connection = db.engine.connect()
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
    return connection


def export_archive(path: Path) -> Report:
    """Write the whole Commission to a new zip at ``path`` (refused if it
    exists). Written beside it first and renamed at the end, so a failed
    export leaves no archive that looks whole."""
    if path.exists():
        raise ArchiveError(f"{path} already exists; choose a new file name")
    partial = path.with_name(path.name + ".partial")
    report = Report()
    try:
        with (
            _consistent_connection() as connection,
            connection.begin(),
            zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            revision = _check_database_is_current(connection, "export")
            tables = [
                _export_table(archive, connection, table, report) for table in archived_tables()
            ]
            files = _export_files(archive, connection, report)
            report.manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": revision,
                "exported_at": now_utc().isoformat(),
                "app_version": _app_version(),
                "database": connection.dialect.name,
                "left_out": LEFT_OUT,
                "tables": tables,
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(report.manifest, indent=2, ensure_ascii=False))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return report


def _export_table(
    archive: zipfile.ZipFile, connection: Connection, table: Table, report: Report
) -> dict[str, Any]:
    member = f"tables/{table.name}.jsonl"
    columns = _columns(table)
    plain = _plain(table)
    statement = (
        select(plain).order_by(*plain.primary_key.columns).execution_options(yield_per=BATCH)
    )
    rows = 0
    with archive.open(member, "w", force_zip64=True) as raw:
        out = _Hashing(raw)
        for row in connection.execute(statement):
            line = {
                column["name"]: _encode(value, column["encoding"])
                for column, value in zip(columns, row, strict=True)
            }
            out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
            rows += 1
    report.tables[table.name] = rows
    return {
        "name": table.name,
        "member": member,
        "columns": columns,
        "rows": rows,
        "sha256": out.digest.hexdigest(),
    }


def _file_keys(connection: Connection) -> Iterator[str]:
    seen: set[str] = set()
    for table in archived_tables():
        if FILE_COLUMN not in table.c:
            continue
        column = table.c[FILE_COLUMN]
        statement = (
            select(column)
            .where(column.is_not(None))
            .distinct()
            .order_by(column)
            .execution_options(yield_per=BATCH)
        )
        for key in connection.execute(statement).scalars():
            if key not in seen:
                seen.add(key)
                yield key


def _export_files(
    archive: zipfile.ZipFile, connection: Connection, report: Report
) -> list[dict[str, Any]]:
    files = []
    store = storage()
    for key in _file_keys(connection):
        try:
            data = store.read(key)
        except (OSError, ValueError) as error:
            raise ArchiveError(
                f"The stored file {key} is missing or unreadable ({error}); "
                "an archive without it would be incomplete"
            ) from error
        member = f"files/{_safe_key(key)}"
        with archive.open(member, "w", force_zip64=True) as raw:
            out = _Hashing(raw)
            out.write(data)
        files.append(
            {"key": key, "member": member, "size": out.size, "sha256": out.digest.hexdigest()}
        )
        report.files += 1
    return files


def _safe_key(key: str) -> str:
    path = PurePosixPath(key)
    if not key or "\\" in key or path.is_absolute() or ".." in path.parts:
        raise ArchiveError(f"Unsafe storage key in the archive: {key!r}")
    return key


# ---------------------------------------------------------------- import


def read_manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    """The manifest, refused unless it is one this code can read."""
    try:
        manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise ArchiveError("Not a Commission archive: it has no manifest.json") from error
    except ValueError as error:
        raise ArchiveError(f"The archive's manifest.json is not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("Not a Commission archive: its manifest names another format")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ArchiveError(
            f"The archive is in format version {version}, newer than this version of "
            f"Commission reads ({FORMAT_VERSION}); import it with the version that made it "
            f"({manifest.get('app_version', 'unknown')}) or a newer one"
        )
    _check_entries(manifest, "tables", {"name", "member", "columns", "rows", "sha256"})
    _check_entries(manifest, "files", {"key", "member", "size", "sha256"})
    return manifest


def _check_entries(manifest: dict[str, Any], part: str, fields: set[str]) -> None:
    entries = manifest.get(part)
    if not isinstance(entries, list) or not all(
        isinstance(entry, dict) and fields <= entry.keys() for entry in entries
    ):
        raise ArchiveError(f"The archive's manifest.json has no readable list of {part}")


def check_revision(manifest: dict[str, Any]) -> None:
    """An archive loads only into the schema it was taken from, and this code's
    models must describe that schema: a newer revision is refused (made by a
    newer version), and so is an older one (its rows lack columns this schema
    has; upgrade the old installation and export again)."""
    revision = manifest.get("schema_revision")
    head = code_revision()
    if revision == head:
        return
    try:
        known = revision is not None and _script_directory().get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise ArchiveError(
            f"The archive was taken from schema revision {revision}, which this version of "
            f"Commission does not know (it is at {head}): it was made by a newer version. "
            f"Install that version (it was {manifest.get('app_version', 'unknown')}) or a "
            "newer one, migrate, and import again"
        )
    raise ArchiveError(
        f"The archive was taken from schema revision {revision}, older than this version's "
        f"{head}. Upgrade the installation it came from to this version (`flask db upgrade`), "
        "export again, and import that archive"
    )


def check_checksums(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    """Every member the manifest lists is there with its SHA-256, and nothing else is."""
    listed = {MANIFEST}
    for entry in [*manifest.get("tables", []), *manifest.get("files", [])]:
        member = entry["member"]
        listed.add(member)
        digest = hashlib.sha256()
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
        except KeyError as error:
            raise ArchiveError(f"The archive has no {member}, which its manifest lists") from error
        except (zipfile.BadZipFile, OSError) as error:
            raise ArchiveError(f"{member} in the archive cannot be read ({error})") from error
        if digest.hexdigest() != entry["sha256"]:
            raise ArchiveError(
                f"{member} does not match its checksum in the manifest: the archive is "
                "damaged or has been changed; nothing was imported"
            )
    extra = sorted(set(archive.namelist()) - listed)
    if extra:
        raise ArchiveError(f"The archive holds files its manifest does not list: {extra[:5]}")


def records_found(connection: Connection) -> dict[str, int]:
    """Tables of the Commission's record that already hold rows, with how many."""
    found = {}
    for table in archived_tables():
        if table.name == CHANGE_COUNTER:
            continue
        count = connection.execute(select(func.count()).select_from(table)).scalar_one()
        if count:
            found[table.name] = count
    return found


def _check_tables(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    entries = {entry["name"]: entry for entry in manifest.get("tables", [])}
    for table in archived_tables():
        entry = entries.get(table.name)
        if entry is None:
            raise ArchiveError(f"The archive has no table {table.name}")
        if entry["columns"] != _columns(table):
            raise ArchiveError(f"The archive's columns for {table.name} differ from this schema")
    unknown = sorted(set(entries) - {table.name for table in archived_tables()})
    if unknown:
        raise ArchiveError(f"The archive has tables this schema does not: {unknown}")
    return entries


def import_archive(path: Path) -> Report:
    """Load the archive at ``path`` into this app's empty database and storage.

    Refused, with nothing changed: a file that is not an archive, a format
    version or schema revision other than this code's, a damaged member, or a
    database that already holds any of the Commission's records.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path} is not a zip archive ({error})") from error
    with archive:
        manifest = read_manifest(archive)
        check_revision(manifest)
        entries = _check_tables(manifest)
        with db.engine.connect() as connection:
            _check_database_is_current(connection, "import")
            _refuse_if_not_empty(connection)
        check_checksums(archive, manifest)
        report = Report(manifest=manifest)
        keys = _restore_files(archive, manifest, report)
        # Whatever a storage keeps in the session (a storage in the database)
        # is committed before the rows that name its files.
        db.session.commit()
        # Core statements on a connection of their own: the session's hooks
        # (audit, change counter) never see the import, which is a move.
        with db.engine.begin() as connection:
            _refuse_if_not_empty(connection)
            connection.execute(delete(_table(CHANGE_COUNTER)))
            for table in archived_tables():
                try:
                    report.tables[table.name] = _import_table(
                        archive, connection, table, entries[table.name], keys
                    )
                except (ValueError, KeyError, TypeError) as error:
                    raise ArchiveError(
                        f"A row of {table.name} in the archive cannot be read ({error!r}); "
                        "nothing was imported"
                    ) from error
                except DBAPIError as error:
                    raise ArchiveError(
                        f"The database refused a row of {table.name} ({error.orig}); "
                        "nothing was imported"
                    ) from error
            connection.execute(delete(_table("download_cache")))
            recount(connection)
            if connection.dialect.name == "postgresql":
                _move_sequences_on(connection)
    return report


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _refuse_if_not_empty(connection: Connection) -> None:
    found = records_found(connection)
    if found:
        listed = ", ".join(f"{name} {count}" for name, count in sorted(found.items()))
        raise ArchiveError(
            f"The database already holds Commission data (rows in {listed}); import only "
            "into a new database made with `flask db upgrade` and nothing else"
        )


def _restore_files(
    archive: zipfile.ZipFile, manifest: dict[str, Any], report: Report
) -> dict[str, str]:
    """Each file into this app's storage; the key it is stored under, by its
    key in the archive (the same, with the content-addressed storage)."""
    keys = {}
    store = storage()
    for entry in manifest.get("files", []):
        _safe_key(entry["key"])
        data = archive.read(entry["member"])
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise ArchiveError(f"{entry['member']} does not match its checksum")
        keys[entry["key"]] = store.save(data).key
        report.files += 1
    return keys


def _lines(archive: zipfile.ZipFile, member: str) -> Iterator[dict[str, Any]]:
    with archive.open(member) as stream:
        for line in stream:
            if line.strip():
                yield json.loads(line)


def _import_table(
    archive: zipfile.ZipFile,
    connection: Connection,
    table: Table,
    entry: dict[str, Any],
    keys: dict[str, str],
) -> int:
    columns = entry["columns"]
    plain = _plain(table)
    later = _self_references(table)
    statement = insert(plain)
    fill_in: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    rows = 0
    for line in _lines(archive, entry["member"]):
        row = {
            column["name"]: _decode(line[column["name"]], column["encoding"]) for column in columns
        }
        if FILE_COLUMN in row and row[FILE_COLUMN] is not None:
            row[FILE_COLUMN] = keys.get(row[FILE_COLUMN], row[FILE_COLUMN])
        if later and any(row[name] is not None for name in later):
            fill_in.append({"key_id": row["id"], **{name: row[name] for name in later}})
            row.update(dict.fromkeys(later))
        batch.append(row)
        rows += 1
        if len(batch) >= BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)
    if fill_in:
        connection.execute(
            update(plain)
            .where(plain.c.id == bindparam("key_id"))
            .values({name: bindparam(name) for name in later}),
            fill_in,
        )
    if rows != entry["rows"]:
        raise ArchiveError(
            f"{table.name}: the archive holds {rows} rows but its manifest says {entry['rows']}"
        )
    return rows


def _move_sequences_on(connection: Connection) -> None:
    """PostgreSQL hands out ids from a sequence that knows nothing of the ids
    imported: move each past the largest, or the next insert would collide."""
    for table in archived_tables():
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer):
            continue
        name = key[0].name
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "  # noqa: S608
                f'COALESCE(MAX("{name}"), 0) + 1, false) FROM "{table.name}"'
            ),
            {"table": table.name, "column": name},
        )


# ---------------------------------------------------------------- check


def check_archive(path: Path) -> dict[str, Any]:
    """Check an archive's manifest and every checksum, without a database."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(f"{path} is not a zip archive ({error})") from error
    with archive:
        manifest = read_manifest(archive)
        check_checksums(archive, manifest)
    return manifest


def compare_with_database(manifest: dict[str, Any]) -> list[str]:
    """What differs between an archive's counts and files and this app's
    database and storage (nothing, after a complete import)."""
    problems = []
    with db.engine.connect() as connection:
        for entry in manifest.get("tables", []):
            if entry["name"] not in db.metadata.tables:
                problems.append(f"{entry['name']}: not in this schema")
                continue
            table = _table(entry["name"])
            count = connection.execute(select(func.count()).select_from(table)).scalar_one()
            if count != entry["rows"]:
                problems.append(
                    f"{entry['name']}: {count} rows here, {entry['rows']} in the archive"
                )
    store = storage()
    for entry in manifest.get("files", []):
        try:
            data = store.read(entry["key"])
        except (OSError, ValueError):
            problems.append(f"file {entry['key']}: missing from storage")
            continue
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"file {entry['key']}: differs from the archive's")
    return problems
