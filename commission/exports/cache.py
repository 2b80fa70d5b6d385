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

Text files (CSV) are kept gzip-compressed and sent so to a browser that
accepts it (every browser does): a published summary's 1.7 MB CSV travels as
about a tenth of that. A client that does not accept gzip gets the file as
made.

Keeping a file is not a change to the Commission's records, so it is not
audited.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from typing import NamedTuple

from flask import Response, request
from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from commission.actions import keep_work
from commission.db_types import BINARY_RESULTS
from commission.exports.models import CachedDownload
from commission.extensions import db

# Part of every key: raise it when a download's layout or contents change in
# a release, so no file made by an older release is served.
CACHE_VERSION = 2


def cache_key(*parts: object) -> str:
    """SHA-256 of what a file was made from (and the cache version)."""
    material = json.dumps([CACHE_VERSION, *parts], default=str, ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


# Kept compressed: text compresses about tenfold; PDFs and spreadsheets are
# compressed already and would not get smaller.
COMPRESSED_TYPES = ("text/", "application/json")


class Kept(NamedTuple):
    """A kept file as stored: its bytes and how they are encoded."""

    body: bytes
    encoding: str | None

    def plain(self) -> bytes:
        """The file as it was made."""
        return gzip.decompress(self.body) if self.encoding == "gzip" else self.body


def cached_file(key: str) -> Kept | None:
    row = db.session.execute(
        select(CachedDownload.body, CachedDownload.encoding)
        .where(CachedDownload.key == key)
        .execution_options(**{BINARY_RESULTS: True})
    ).first()
    return Kept(row.body, row.encoding) if row is not None else None


def cached_body(key: str) -> bytes | None:
    """The file kept under ``key`` as it was made, or None."""
    kept = cached_file(key)
    return kept.plain() if kept is not None else None


def _stored(content_type: str, body: bytes) -> Kept:
    if content_type.startswith(COMPRESSED_TYPES):
        # mtime=0: the same file always compresses to the same bytes.
        return Kept(gzip.compress(body, compresslevel=6, mtime=0), "gzip")
    return Kept(body, None)


def keep(*, key: str, subject: str, content_type: str, filename: str, body: bytes) -> Kept:
    """Store ``body`` under ``key`` (unless another request just did) and
    remove the subject's older files, in a savepoint of the request's
    transaction; the caller commits. Returns the file as stored."""
    subject = subject[:200]
    stored = _stored(content_type, body)
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
                body=stored.body,
                encoding=stored.encoding,
                size=len(body),
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
    return stored


SLOTS = 64


def slotted(prefix: str, varying: str, slots: int = SLOTS) -> str:
    """A subject for files whose address can vary without end (a name typed
    into a filter, a crawler's timestamps and cursors): one of ``slots``
    subjects under ``prefix``, so each keeps one file and the cache holds at
    most ``slots`` of them however many addresses are asked for."""
    slot = int.from_bytes(hashlib.sha256(varying.encode()).digest()[:4], "big") % slots
    return f"{prefix}:{slot}"


def kept_part(
    *, key: str, subject: str, content_type: str, filename: str, make: Callable[[], bytes]
) -> bytes:
    """A part of an answer that is the same for everyone who may see it (a
    map, a summary's figures, a public list's JSON), as made: the one kept
    under ``key``, or ``make()``, kept and saved once the answer is made
    (``actions.keep_work``): saving at once would expire every record the
    page has read and still has to show, and each would be read again."""
    kept = cached_body(key)
    if kept is not None:
        return kept
    body = make()
    keep(key=key, subject=subject, content_type=content_type, filename=filename, body=body)
    keep_work()
    return body


def kept_html(*, key: str, subject: str, render: Callable[[], str]) -> Markup:
    """Part of a page that is the same for everyone who may see it (a map):
    kept under ``key``, rendered by ``render`` only when nothing is kept
    (``kept_part``). Only the server's own rendering is kept, so it is
    returned as markup."""
    body = kept_part(
        key=key,
        subject=subject,
        content_type="text/html",
        filename="part.html",
        make=lambda: render().encode(),
    )
    return Markup(body.decode())  # noqa: S704 (rendered by the server, escaped by Jinja)


def forget_all() -> int:
    """Remove every kept file; how many there were."""
    result = db.session.execute(delete(CachedDownload))
    return int(getattr(result, "rowcount", 0) or 0)


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
    unchanged = not_modified(key)
    if unchanged is not None:
        return unchanged
    kept = cached_file(key)
    if kept is None:
        kept = keep(
            key=key, subject=subject, content_type=content_type, filename=filename, body=make()
        )
        db.session.commit()
    return kept_response(kept, filename=filename, content_type=content_type, inline=inline, key=key)


def kept_etag(key: str) -> str:
    """The ETag of the file kept under ``key``."""
    return key[:40]


def not_modified(key: str) -> Response | None:
    """A 304 when the client already holds the file kept under ``key`` (its
    ETag), before the file is read: a key names exactly what the file was
    made from, so the copy the client has is the one it would be sent. The
    caller has checked access first, as for the file itself."""
    if not request.if_none_match.contains_weak(kept_etag(key)):
        return None
    response = Response(status=304)
    response.set_etag(kept_etag(key), weak=True)
    return response


def kept_response(
    kept: Kept, *, filename: str, content_type: str, inline: bool = False, key: str = ""
) -> Response:
    """A kept file as a response: sent compressed to a client that accepts
    gzip (every browser does), as made to one that does not; with ``key``
    as its ETag (weak: the same file is sent compressed or not), so a
    browser asking again is answered 304 (``not_modified``)."""
    disposition = "inline" if inline else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{filename}"'}
    if kept.encoding is None:
        response = Response(kept.body, mimetype=content_type, headers=headers)
    else:
        headers["Vary"] = "Accept-Encoding"
        if request.accept_encodings["gzip"] > 0:
            headers["Content-Encoding"] = kept.encoding
            response = Response(kept.body, mimetype=content_type, headers=headers)
        else:
            response = Response(kept.plain(), mimetype=content_type, headers=headers)
    if key:
        response.set_etag(kept_etag(key), weak=True)
    return response
