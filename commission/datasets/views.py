"""The bulk open datasets, /data/: a page listing them, and each dataset's
CSV and ``datapackage.json`` (``datasets.files``), sent with ``ETag`` and
``Last-Modified`` (304 to a conditional request) and open to every origin."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context
from werkzeug.http import is_resource_modified

from commission import access
from commission.actions import keep_work
from commission.api.openapi import LICENCE
from commission.api.queries import published_summary
from commission.datasets import files
from commission.exports.cache import kept_response

bp = Blueprint("datasets", __name__, url_prefix="/data")

REFERENCE = "<consultation:reference>"
OPEN_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Content-Length",
    # Any copy is checked again before use (a 304 is cheap): a new
    # publication is seen at once.
    "Cache-Control": "public, no-cache",
}


@bp.get("/")
@access.public
def list_datasets() -> str:
    """Every published consultation's dataset and the dataset of everything."""
    listed = files.catalogue()
    if listed.made:
        keep_work()
    return render_template("datasets/list.html", catalogue=listed, licence=LICENCE)


def _dataset(reference: str) -> files.Dataset:
    """The consultation's dataset: 404 unless its summary is published."""
    consultation, snapshot = published_summary(reference)
    return files.dataset_of(consultation, snapshot)


def _facts(dataset: files.Dataset) -> files.Facts:
    facts, made = files.ensure_files([dataset])
    if made:
        keep_work()
    return facts[dataset.consultation_id]


def _catalogue_facts() -> tuple[list[files.Dataset], files.Facts]:
    datasets = files.published_datasets()
    facts, made = files.ensure_files(datasets)
    everything, made_all = files.all_facts(datasets, facts)
    if made or made_all:
        keep_work()
    return datasets, everything


def _not_modified(tag: str, modified: datetime | None) -> Response | None:
    """A 304 when the client's copy is current, before anything is read."""
    if is_resource_modified(request.environ, etag=tag, last_modified=modified):
        return None
    response = Response(status=304)
    return _validated(response, tag, modified)


def _validated(response: Response, tag: str, modified: datetime | None) -> Response:
    # Weak: the same file is sent compressed or not.
    response.set_etag(tag, weak=True)
    if modified is not None:
        response.last_modified = modified.replace(microsecond=0)
    response.headers.update(OPEN_HEADERS)
    return response


def _descriptor(package: dict[str, Any], modified: datetime | None) -> Response:
    body = json.dumps(package, indent=2, ensure_ascii=False)
    tag = hashlib.sha256(body.encode()).hexdigest()[:32]
    unchanged = _not_modified(tag, modified)
    if unchanged is not None:
        return unchanged
    return _validated(Response(body, mimetype=files.JSON_MIMETYPE), tag, modified)


@bp.get(f"/{REFERENCE}/positions.csv")
@access.public
def consultation_csv(reference: str) -> Response:
    """The consultation's positions as CSV, from the download cache."""
    dataset = _dataset(reference)
    facts = _facts(dataset)
    unchanged = _not_modified(facts.sha256, dataset.published_at)
    if unchanged is not None:
        return unchanged
    response = kept_response(
        files.kept_csv(dataset),
        filename=f"{dataset.reference}-positions.csv",
        content_type=files.CSV_MIMETYPE,
    )
    return _validated(response, facts.sha256, dataset.published_at)


@bp.get(f"/{REFERENCE}/datapackage.json")
@access.public
def consultation_descriptor(reference: str) -> Response:
    """The consultation's Data Package descriptor."""
    dataset = _dataset(reference)
    return _descriptor(files.descriptor(dataset, _facts(dataset)), dataset.published_at)


@bp.get("/all/positions.csv")
@access.public
def all_csv() -> Response:
    """Every published position as CSV, sent as it is read from the kept
    files of each consultation (compressed on the way to a client that
    accepts gzip)."""
    datasets, everything = _catalogue_facts()
    modified = max((d.published_at for d in datasets), default=None)
    unchanged = _not_modified(everything.sha256, modified)
    if unchanged is not None:
        return unchanged
    headers = {
        "Content-Disposition": 'attachment; filename="commission-positions-all.csv"',
        "Vary": "Accept-Encoding",
    }
    pieces = files.all_chunks(datasets)
    if request.accept_encodings["gzip"] > 0:
        headers["Content-Encoding"] = "gzip"
        body = files.gzipped(pieces)
    else:
        headers["Content-Length"] = str(everything.bytes)
        body = pieces
    response = Response(stream_with_context(body), mimetype=files.CSV_MIMETYPE, headers=headers)
    return _validated(response, everything.sha256, modified)


@bp.get("/all/datapackage.json")
@access.public
def all_descriptor() -> Response:
    """The Data Package descriptor of every published position."""
    datasets, everything = _catalogue_facts()
    modified = max((d.published_at for d in datasets), default=None)
    return _descriptor(files.all_descriptor(datasets, everything), modified)
