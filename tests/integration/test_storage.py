"""Where files are kept: a folder (the embedded default) or the database
(the default on PostgreSQL, shared by every app server); both keep a file
under its checksum, once, and read back exactly what was stored."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from commission import create_app
from commission.extensions import db
from commission.storage import (
    DatabaseStorage,
    FileBlob,
    LocalStorage,
    backend_for,
    copy_folder_to_database,
)

DATA = b"%PDF-1.7 a paper's bytes"
KEY = f"{hashlib.sha256(DATA).hexdigest()[:2]}/{hashlib.sha256(DATA).hexdigest()}"


@pytest.mark.parametrize(
    ("config", "backend"),
    [
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///instance/x.db"}, "local"),
        ({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/commission"}, "database"),
        (
            {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/c", "STORAGE_BACKEND": "local"},
            "local",
        ),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite://", "STORAGE_BACKEND": " Database "}, "database"),
    ],
)
def test_the_store_is_the_database_on_postgresql_unless_chosen(config, backend):
    assert backend_for(config) == backend


def test_an_unknown_store_refuses_to_start():
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND must be one of local, database"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "STORAGE_BACKEND": "s3"})


@pytest.fixture(params=["local", "database"])
def store(request, tmp_path, app_ctx):
    return LocalStorage(tmp_path) if request.param == "local" else DatabaseStorage()


def test_a_file_is_kept_once_under_its_checksum_and_read_back(store):
    first = store.save(DATA)
    second = store.save(DATA)

    assert first == second
    assert first.key == KEY
    assert first.size == len(DATA)
    assert store.read(KEY) == DATA
    store.check()


def test_reading_a_key_that_holds_nothing_is_file_not_found(store):
    with pytest.raises(FileNotFoundError):
        store.read("ab/" + "0" * 64)


def test_a_file_in_the_database_goes_with_the_transaction_that_stored_it(app_ctx):
    store = DatabaseStorage()
    with db.session.begin_nested() as savepoint:
        store.save(DATA)
        savepoint.rollback()

    with pytest.raises(FileNotFoundError):
        store.read(KEY)


def test_a_folder_of_files_is_copied_into_the_database_checked(tmp_path, app_ctx):
    folder = LocalStorage(tmp_path)
    folder.save(DATA)
    folder.save(b"a second paper")
    DatabaseStorage().save(b"a second paper")

    copied, present = copy_folder_to_database(tmp_path)

    assert (copied, present) == (1, 1)
    assert DatabaseStorage().read(KEY) == DATA
    assert db.session.execute(select(func.count()).select_from(FileBlob)).scalar_one() == 2


def test_a_file_whose_content_does_not_match_its_name_is_refused(tmp_path, app_ctx):
    LocalStorage(tmp_path).save(DATA)
    (tmp_path / KEY).write_bytes(b"something else")

    with pytest.raises(ValueError, match="checksum differs"):
        copy_folder_to_database(tmp_path)
