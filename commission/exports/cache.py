"""The download cache: a file that can no longer change is made once and then
served from the database, whichever app server the request reaches.

The rule: a file is kept under a key made from everything it was made from
(``cache_key``), never under the name of what it is of, so a change to the
source gives a new key and an old file cannot be served for it. Callers check
access before they ask the cache, so it never hands a file to someone who
could not have requested it. Two requests making the same file at once both
succeed: the second insert is ignored (``ON CONFLICT DO NOTHING`` on both
PostgreSQL and SQLite). When a new file is kept, older files for the same
subject are removed, so the cache holds about one file per subject.

Keeping a file is not a change to the Commission's records, so it is not
audited.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from flask import Response
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from commission.exports.models import CachedDownload
from commission.extensions import db

# Part of every key: raise it when a download's layout or contents change in
# a release, so no file made by an older release is served.
CACHE_VERSION = 1


def cache_key(*parts: object) -> str:
    """SHA-256 of what a file was made from (and the cache version)."""
    material = json.dumps([CACHE_VERSION, *parts], default=str, ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


def cached_body(key: str) -> bytes | None:
    return db.session.execute(
        select(CachedDownload.body).where(CachedDownload.key == key)
    ).scalar_one_or_none()


def keep(*, key: str, subject: str, content_type: str, filename: str, body: bytes) -> None:
    """Store ``body`` under ``key`` (unless another request just did) and
    remove the subject's older files, in a savepoint of the request's
    transaction; the caller commits."""
    subject = subject[:200]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    with db.session.begin_nested():
        db.session.execute(
            delete(CachedDownload).where(
                CachedDownload.subject == subject, CachedDownload.key != key
            )
        )
        db.session.execute(
            insert(CachedDownload)
            .values(
                key=key,
                subject=subject,
                content_type=content_type,
                filename=filename[:200],
                body=body,
                size=len(body),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )


def cached_download(
    *,
    key: str,
    subject: str,
    filename: str,
    content_type: str,
    make: Callable[[], bytes],
    inline: bool = False,
) -> Response:
    """The file kept under ``key``, or ``make()`` kept and returned. Commits
    what it keeps: a download changes nothing else, and the file must outlive
    the request to be of use to the next one."""
    body = cached_body(key)
    if body is None:
        body = make()
        keep(key=key, subject=subject, content_type=content_type, filename=filename, body=body)
        db.session.commit()
    disposition = "inline" if inline else "attachment"
    return Response(
        body,
        mimetype=content_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )
