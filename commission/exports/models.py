"""Files made once and kept, so a download that cannot change is not made
again on every request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from commission.db_types import UTCDateTime, utcnow
from commission.extensions import db


class CachedDownload(db.Model):  # type: ignore[name-defined]
    """A generated file (PDF, CSV, spreadsheet) stored under a key made from
    everything it was made from, so a changed source gets a new key and an
    old file is never served for it. ``subject`` names what the file is of
    (a snapshot's spreadsheet, a meeting's agenda pack as members see it), so
    older files for the same subject can be removed when a new one is kept.

    Kept in the database so every app server shares it. It is a cache, not
    the Commission's record: nothing here is audited."""

    __tablename__ = "download_cache"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # "gzip" when ``body`` is kept compressed (text files: a summary's CSV is
    # a tenth of its size so); None when it is kept as made (PDFs and
    # spreadsheets are compressed already). ``size`` is the file's own size.
    encoding: Mapped[str | None] = mapped_column(String(10))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
