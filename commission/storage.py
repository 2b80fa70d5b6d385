"""Where uploaded files are kept, behind one small interface.

Two stores, chosen by ``STORAGE_BACKEND`` (``local`` or ``database``):

- **local** (the embedded default, with SQLite): a folder (``STORAGE_PATH``,
  ``instance/files`` unless set). Only one app server can use it.
- **database** (the default on PostgreSQL): a table of the database itself,
  so every app server behind the load balancer reads the same files, a paper
  and its file are committed (or rolled back) together, and the database's
  backups hold the files too. Papers are at most 20 MB and a Commission
  uploads a few hundred a year, which PostgreSQL holds comfortably; an object
  store would add a service to run, and a way for the file and its record to
  disagree, for no gain at this size.

Either way files are stored under their SHA-256 checksum, so the same file
uploaded twice is stored once and a stored file is never overwritten with
other content. Reading a key that holds nothing raises ``FileNotFoundError``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import BINARY_RESULTS, UTCDateTime, utcnow
from commission.extensions import Base, db

BACKENDS = ("local", "database")


@dataclass(frozen=True)
class StoredFile:
    key: str
    checksum: str
    size: int


class Storage(Protocol):
    name: str

    def save(self, data: bytes) -> StoredFile: ...

    def read(self, key: str) -> bytes: ...

    def check(self) -> None:
        """Raise if files cannot be read and written now (the health check)."""


def _address(data: bytes) -> StoredFile:
    checksum = hashlib.sha256(data).hexdigest()
    return StoredFile(key=f"{checksum[:2]}/{checksum}", checksum=checksum, size=len(data))


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key outside the storage folder")
        return path

    def save(self, data: bytes) -> StoredFile:
        stored = _address(data)
        path = self._path(stored.key)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".partial")
            temporary.write_bytes(data)
            temporary.replace(path)
        return stored

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def check(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.R_OK | os.W_OK):
            raise PermissionError(f"cannot read and write {self.root}")


class FileBlob(Base):
    """A stored file's bytes, kept in the database (``DatabaseStorage``)."""

    __tablename__ = "stored_files"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    checksum: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DatabaseStorage:
    """Files in the ``stored_files`` table, in the request's own transaction:
    the caller's commit keeps the file with the record that names it."""

    name = "database"

    def save(self, data: bytes) -> StoredFile:
        stored = _address(data)
        dialect = db.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        db.session.execute(
            insert(FileBlob)
            .values(key=stored.key, checksum=stored.checksum, size=stored.size, body=data)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        return stored

    def read(self, key: str) -> bytes:
        body = db.session.execute(
            select(FileBlob.body)
            .where(FileBlob.key == key)
            .execution_options(**{BINARY_RESULTS: True})
        ).scalar_one_or_none()
        if body is None:
            raise FileNotFoundError(key)
        return body

    def check(self) -> None:
        db.session.execute(select(FileBlob.key).limit(1)).all()


def backend_for(config: dict[str, object]) -> str:
    """The configured store, or the default for the database: the database
    itself on PostgreSQL (several app servers), a folder otherwise."""
    chosen = str(config.get("STORAGE_BACKEND") or "").strip().lower()
    if chosen:
        if chosen not in BACKENDS:
            raise RuntimeError(
                f"STORAGE_BACKEND must be one of {', '.join(BACKENDS)}, not {chosen!r}"
            )
        return chosen
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    return "database" if url.startswith("postgresql") else "local"


def init_app(app: Flask) -> None:
    backend = backend_for(app.config)
    app.extensions["storage"] = (
        DatabaseStorage()
        if backend == "database"
        else LocalStorage(Path(app.config["STORAGE_PATH"]))
    )


def storage() -> Storage:
    backend: Storage = current_app.extensions["storage"]
    return backend


def copy_folder_to_database(root: Path) -> tuple[int, int]:
    """Every file kept in the folder ``root`` (the local store) into the
    database store, each checked against its checksum: for a deployment
    moving to several app servers. Returns (copied, already there)."""
    target = DatabaseStorage()
    copied = present = 0
    for path in sorted(root.glob("??/*")):
        if not path.is_file() or path.suffix == ".partial":
            continue
        data = path.read_bytes()
        stored = _address(data)
        if stored.key != f"{path.parent.name}/{path.name}":
            raise ValueError(f"{path} does not hold the file its name says (checksum differs)")
        exists = db.session.execute(
            select(FileBlob.key).where(FileBlob.key == stored.key)
        ).scalar_one_or_none()
        if exists:
            present += 1
        else:
            target.save(data)
            copied += 1
    return copied, present
