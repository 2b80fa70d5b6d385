"""The bulk open datasets (/data/): every published summary's positions as
CSV with a Frictionless Data Package descriptor, one dataset for each
consultation and one of everything together.

What the rows are: the published snapshot's frozen answers, each made into
the record the API's positions serve (``api.queries.position_record``), so
the files hold exactly what /api/v1/consultations/{reference}/positions
shows and nothing the published summary did not freeze (a draft, a response
signed off after publication, a summary frozen only for a meeting). The
latest published snapshot of each consultation is the one that counts, as
``summaries.services.published_snapshot`` decides.

How they are kept: in the download cache (``exports.cache``), under keys
made from the published snapshot (its id and when it was frozen), so a new
publication gives new keys and a kept file can never be served for a later
one, whichever app server answers. Each consultation keeps two entries: its
CSV and its facts (rows, bytes and SHA-256 of the CSV, which the descriptor
and the /data/ page show). A consultation's files are made when its summary
is published (``datasets.subscribers``), or by the first request that finds
them missing (a summary published before this release, or a cache emptied
by ``flask clear-download-cache``).

The dataset of everything is never held whole: its CSV is the header then
each consultation's kept CSV without its header, read one at a time (one
statement, a row at a time) and sent as it is read; its facts are worked out
by reading it so once, and kept under the list of every snapshot it is made
from. The descriptors are small and made on each request from the facts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from sqlalchemy import func, select

from commission.api.queries import position_record
from commission.api.schemas import PositionRecord
from commission.consultations.models import Consultation, ConsultationStatus, Position
from commission.exports.cache import Kept, cache_key, cached_file, keep
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.meetings.uploads import size_label
from commission.membership.models import Department
from commission.summaries.models import SummarySnapshot
from commission.summaries.rows import thawed_rows

# Part of every key: raise it when the files' layout or contents change.
DATASET_VERSION = 2
CSV_MIMETYPE = "text/csv"
JSON_MIMETYPE = "application/json"
FACTS_MIMETYPE = "application/json"
ALL = "all"
# How much of a kept file is unpacked at a time while the dataset of
# everything is read.
CHUNK = 1 << 20

# The CSV's columns: the API's position record, field for field.
HEADER: list[str] = list(PositionRecord.model_fields)
HEADER_LINE = ",".join(HEADER).encode() + b"\r\n"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Dataset:
    """A consultation's dataset: its published snapshot and what the
    descriptor says of the consultation."""

    consultation_id: int
    reference: str
    title: str
    department: str
    snapshot_id: int
    published_at: datetime

    @property
    def name(self) -> str:
        """The descriptor's ``name``: lower case, as the spec asks."""
        return f"commission-positions-{self.reference.lower()}"

    @property
    def source(self) -> list[Any]:
        return [self.snapshot_id, self.published_at]


@dataclass(frozen=True)
class Facts:
    """What a made CSV is: its rows (not counting the header), its size in
    bytes and its SHA-256."""

    rows: int
    bytes: int
    sha256: str


# Which datasets there are --------------------------------------------------


def published_datasets() -> list[Dataset]:
    """Every consultation with a published summary, by reference, with its
    latest published snapshot: one statement."""
    ranked = (
        select(
            SummarySnapshot.id,
            SummarySnapshot.consultation_id,
            SummarySnapshot.created_at,
            func.row_number()
            .over(
                partition_by=SummarySnapshot.consultation_id,
                order_by=(SummarySnapshot.created_at.desc(), SummarySnapshot.id.desc()),
            )
            .label("rank"),
        )
        .where(SummarySnapshot.published.is_(True))
        .subquery()
    )
    rows = db.session.execute(
        select(
            Consultation.id,
            Consultation.reference,
            Consultation.title,
            Department.name,
            ranked.c.id,
            ranked.c.created_at,
        )
        .join(ranked, ranked.c.consultation_id == Consultation.id)
        .join(Department, Department.id == Consultation.department_id)
        .where(ranked.c.rank == 1, Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.reference)
    ).all()
    return [Dataset(*row) for row in rows]


def dataset_of(consultation: Consultation, snapshot: SummarySnapshot) -> Dataset:
    return Dataset(
        consultation_id=consultation.id,
        reference=consultation.reference,
        title=consultation.title,
        department=consultation.department.name,
        snapshot_id=snapshot.id,
        published_at=snapshot.created_at,
    )


# Keys ----------------------------------------------------------------------


def csv_key(dataset: Dataset) -> str:
    return cache_key("dataset", DATASET_VERSION, "csv", *dataset.source)


def facts_key(dataset: Dataset) -> str:
    return cache_key("dataset", DATASET_VERSION, "facts", *dataset.source)


def all_facts_key(datasets: Sequence[Dataset]) -> str:
    return cache_key("dataset", DATASET_VERSION, "all", [d.source for d in datasets])


def _subject(reference: str, part: str) -> str:
    # The consultations' CSVs sort by reference, which is the order of the
    # dataset of everything (``all_chunks`` reads them in subject order).
    return f"dataset:{reference}:{part}"


# Making a consultation's files ----------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(DATETIME_FORMAT)
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


def csv_body(reference: str, answers: Iterable[list[Any]]) -> tuple[bytes, int]:
    """The CSV of a snapshot's frozen answers, and its number of rows: UTF-8
    with no byte order mark, CRLF line ends (RFC 4180), values as the API
    gives them (times in UTC to the second)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    rows = 0
    for row in thawed_rows(answers):
        record = position_record(reference, row)
        writer.writerow([_cell(getattr(record, name)) for name in HEADER])
        rows += 1
    return buffer.getvalue().encode(), rows


def make_files(dataset: Dataset, answers: Iterable[list[Any]]) -> Facts:
    """Make and keep a consultation's CSV and its facts (in a savepoint; the
    caller commits)."""
    body, rows = csv_body(dataset.reference, answers)
    facts = Facts(rows=rows, bytes=len(body), sha256=hashlib.sha256(body).hexdigest())
    keep(
        key=csv_key(dataset),
        subject=_subject(dataset.reference, "csv"),
        content_type=CSV_MIMETYPE,
        filename=f"{dataset.reference}-positions.csv",
        body=body,
    )
    _keep_facts(facts_key(dataset), _subject(dataset.reference, "facts"), facts)
    return facts


def _keep_facts(key: str, subject: str, facts: Facts) -> None:
    keep(
        key=key,
        subject=subject,
        content_type=FACTS_MIMETYPE,
        filename="facts.json",
        body=json.dumps(
            {"rows": facts.rows, "bytes": facts.bytes, "sha256": facts.sha256}
        ).encode(),
    )


def _facts(plain: bytes) -> Facts:
    values = json.loads(plain)
    return Facts(rows=int(values["rows"]), bytes=int(values["bytes"]), sha256=str(values["sha256"]))


def ensure_files(datasets: Sequence[Dataset]) -> tuple[dict[int, Facts], bool]:
    """Each dataset's facts by consultation id, making the files of any
    dataset that has none kept; and whether anything was made (the caller
    then commits). Two statements when every file is kept."""
    if not datasets:
        return {}, False
    by_facts = {facts_key(d): d for d in datasets}
    kept_facts = {
        row.key: _facts(_plain(row.body, row.encoding))
        for row in db.session.execute(
            select(CachedDownload.key, CachedDownload.body, CachedDownload.encoding).where(
                CachedDownload.key.in_(list(by_facts))
            )
        )
    }
    kept_csvs = set(
        db.session.execute(
            select(CachedDownload.key).where(CachedDownload.key.in_([csv_key(d) for d in datasets]))
        ).scalars()
    )
    result: dict[int, Facts] = {}
    made = False
    for key, dataset in by_facts.items():
        facts = kept_facts.get(key)
        if facts is None or csv_key(dataset) not in kept_csvs:
            answers = db.session.execute(
                select(SummarySnapshot.answers).where(SummarySnapshot.id == dataset.snapshot_id)
            ).scalar_one()
            facts = make_files(dataset, answers or [])
            made = True
        result[dataset.consultation_id] = facts
    return result, made


def _plain(body: bytes, encoding: str | None) -> bytes:
    return b"".join(_unpacked(body, encoding))


def _unpacked(body: bytes, encoding: str | None) -> Iterator[bytes]:
    """A kept file as made, a piece at a time."""
    if encoding != "gzip":
        yield body
        return
    unpacker = zlib.decompressobj(wbits=31)
    piece = unpacker.decompress(body, CHUNK)
    while piece:
        yield piece
        piece = unpacker.decompress(unpacker.unconsumed_tail, CHUNK)
    rest = unpacker.flush()
    if rest:
        yield rest


def kept_csv(dataset: Dataset) -> Kept:
    """The consultation's kept CSV (call ``ensure_files`` first)."""
    kept = cached_file(csv_key(dataset))
    if kept is None:
        raise LookupError(f"no kept CSV for {dataset.reference}")
    return kept


# The dataset of everything ----------------------------------------------------


def all_chunks(datasets: Sequence[Dataset]) -> Iterator[bytes]:
    """The CSV of every dataset, as it is read: the header, then each
    consultation's kept CSV without its header, one kept file at a time
    (one statement, whatever the number of rows or consultations). Call
    ``ensure_files`` first."""
    yield HEADER_LINE
    if not datasets:
        return
    result = db.session.execute(
        select(CachedDownload.body, CachedDownload.encoding)
        .where(CachedDownload.key.in_([csv_key(d) for d in datasets]))
        .order_by(CachedDownload.subject)
        .execution_options(yield_per=1)
    )
    try:
        for body, encoding in result:
            header = True
            for piece in _unpacked(body, encoding):
                if header:
                    piece = piece[piece.index(b"\r\n") + 2 :]
                    header = False
                if piece:
                    yield piece
    finally:
        result.close()


def all_facts(datasets: Sequence[Dataset], facts: dict[int, Facts]) -> tuple[Facts, bool]:
    """The facts of the dataset of everything, and whether they were worked
    out now (by reading it through once, as it would be sent; the caller
    then commits)."""
    key = all_facts_key(datasets)
    kept = cached_file(key)
    if kept is not None:
        return _facts(kept.plain()), False
    digest = hashlib.sha256()
    size = 0
    for piece in all_chunks(datasets):
        digest.update(piece)
        size += len(piece)
    found = Facts(
        rows=sum(facts[d.consultation_id].rows for d in datasets),
        bytes=size,
        sha256=digest.hexdigest(),
    )
    _keep_facts(key, _subject(ALL, "facts"), found)
    return found, True


def gzipped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Pieces compressed as one gzip stream, as they come."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    for piece in pieces:
        packed = packer.compress(piece)
        if packed:
            yield packed
    yield packer.flush()


# The descriptor -------------------------------------------------------------------

OGL = {
    "name": "OGL-UK-3.0",
    "title": "Open Government Licence v3.0",
    "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
REFERENCE_LICENCES = [
    {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 (authority names and codes from mySociety)",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    },
    {
        "name": "CC-BY-SA-4.0",
        "title": "Creative Commons Attribution-ShareAlike 4.0 "
        "(political control derived from Open Council Data UK)",
        "path": "https://creativecommons.org/licenses/by-sa/4.0/",
    },
]
REFERENCE_SOURCES = [
    {
        "title": "Office for National Statistics: mid-year population estimates; local "
        "authority, region and combined authority codes and names (Open Government "
        "Licence v3.0)",
        "path": "https://www.ons.gov.uk/",
    },
    {
        "title": "mySociety, UK Local Authority Names and Codes (CC BY 4.0; changed: regions "
        "corrected and two GSS codes updated)",
        "path": "https://github.com/mysociety/uk_local_authority_names_and_codes",
    },
    {
        "title": "Political control derived from Open Council Data UK (licence reported as "
        "CC BY-SA 4.0, not verified; changed: control derived from seat counts)",
        "path": "https://opencouncildata.co.uk",
    },
]

# Each column's type in the Table Schema, and its format or constraints
# where they say something a reader can check.
FIELD_TYPES: dict[str, dict[str, Any]] = {
    "consultation": {"type": "string", "constraints": {"required": True}},
    "gss_code": {"type": "string", "constraints": {"pattern": "[EKNSW][0-9]{8}"}},
    "authority": {"type": "string", "constraints": {"required": True}},
    "type": {"type": "string", "constraints": {"required": True}},
    "region": {"type": "string", "constraints": {"required": True}},
    "control_at_response": {"type": "string", "constraints": {"required": True}},
    "population": {"type": "integer", "constraints": {"minimum": 0}},
    "channel": {"type": "string", "constraints": {"required": True}},
    "submitted_at": {"type": "datetime", "format": "default"},
    "question": {"type": "integer", "constraints": {"minimum": 1}},
    "question_text": {"type": "string", "constraints": {"required": True}},
    "position": {
        "type": "string",
        "constraints": {"enum": [position.label for position in Position]},
    },
    "comment": {"type": "string"},
    "themes": {"type": "string"},
    "answer": {"type": "string"},
}
FIELD_NOTES = {
    "submitted_at": " (UTC, to the second)",
    "question": " (empty on the overall position's row)",
    "position": " (empty where none was given)",
    "comment": " (empty where there is none)",
    "themes": ", separated by a semicolon and a space",
    "answer": "",
    "gss_code": " (empty where it has none)",
    "population": " (empty where it is not known)",
}


def table_schema() -> dict[str, Any]:
    """The CSV's Table Schema: each column's name, type and description (the
    API's own description of the field)."""
    fields = []
    for name in HEADER:
        described = PositionRecord.model_fields[name].description or name
        note = FIELD_NOTES.get(name, "")
        fields.append(
            {
                "name": name,
                "title": name.replace("_", " ").capitalize(),
                "description": described.replace("null", "empty") + note,
                **FIELD_TYPES[name],
            }
        )
    return {"fields": fields, "missingValues": [""]}


def _resource(*, title: str, description: str, facts: Facts) -> dict[str, Any]:
    return {
        "profile": "tabular-data-resource",
        "name": "positions",
        "path": "positions.csv",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": CSV_MIMETYPE,
        "encoding": "utf-8",
        "bytes": facts.bytes,
        "hash": f"sha256:{facts.sha256}",
        "dialect": {
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        },
        "schema": table_schema(),
    }


def _package(
    *,
    name: str,
    title: str,
    description: str,
    homepage: str,
    created: datetime | None,
    sources: list[dict[str, str]],
    resource: dict[str, Any],
) -> dict[str, Any]:
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "homepage": homepage,
    }
    if created is not None:
        package["created"] = created.astimezone(UTC).strftime(DATETIME_FORMAT)
    return package | {
        "contributors": [{"title": "Local Government Commission", "role": "publisher"}],
        "licenses": [OGL, *REFERENCE_LICENCES],
        "sources": [*sources, *REFERENCE_SOURCES],
        "resources": [resource],
    }


def descriptor(dataset: Dataset, facts: Facts) -> dict[str, Any]:
    """A consultation's ``datapackage.json`` (Data Package v1, tabular)."""
    summary_url = url_for("summaries.show_summary", reference=dataset.reference, _external=True)
    return _package(
        name=dataset.name,
        title=f"Positions on {dataset.title} ({dataset.reference})",
        description=(
            f"Every member authority's published position on {dataset.reference}, "
            f"{dataset.title} ({dataset.department}), overall and question by question, "
            "as frozen when the summary was published."
        ),
        homepage=url_for(
            "consultations.show_consultation", reference=dataset.reference, _external=True
        ),
        created=dataset.published_at,
        sources=[
            {
                "title": f"Local Government Commission: published summary of {dataset.reference}",
                "path": summary_url,
            }
        ],
        resource=_resource(
            title=f"Positions on {dataset.reference}",
            description="One row per authority per question (and one for its overall "
            "position), as the API's positions list gives them.",
            facts=facts,
        ),
    )


def all_descriptor(datasets: Sequence[Dataset], facts: Facts) -> dict[str, Any]:
    """The ``datapackage.json`` of every published position."""
    return _package(
        name="commission-positions-all",
        title="Every published position of the Local Government Commission",
        description=(
            "Every member authority's published position on every consultation whose "
            f"summary has been published ({len(datasets)} so far), overall and question "
            "by question, as frozen when each summary was published."
        ),
        homepage=url_for("datasets.list_datasets", _external=True),
        created=max((d.published_at for d in datasets), default=None),
        sources=[
            {
                "title": "Local Government Commission: published consultation summaries",
                "path": url_for("consultations.list_consultations", _external=True),
            }
        ],
        resource=_resource(
            title="Every published position",
            description="One row per authority per question (and one for its overall "
            "position) of every published summary, by consultation reference.",
            facts=facts,
        ),
    )


# The /data/ page ---------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A consultation's dataset as the /data/ page lists it."""

    dataset: Dataset
    facts: Facts

    @property
    def size(self) -> str:
        return size_label(self.facts.bytes)


@dataclass(frozen=True)
class Catalogue:
    """Every consultation's dataset, and the dataset of everything."""

    entries: list[Entry]
    everything: Facts
    made: bool  # whether a file was made for it (the caller commits)

    @property
    def size(self) -> str:
        return size_label(self.everything.bytes)

    @property
    def published_at(self) -> datetime | None:
        return max((entry.dataset.published_at for entry in self.entries), default=None)


def catalogue() -> Catalogue:
    """What the /data/ page lists, making any file that is missing: four
    statements once every file is kept, whatever the number of datasets."""
    datasets = published_datasets()
    facts, made = ensure_files(datasets)
    everything, made_all = all_facts(datasets, facts)
    return Catalogue(
        entries=[Entry(d, facts[d.consultation_id]) for d in datasets],
        everything=everything,
        made=made or made_all,
    )
