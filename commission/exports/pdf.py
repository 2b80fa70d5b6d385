"""PDF documents, rendered from HTML templates by WeasyPrint.

Every PDF template includes the one small print stylesheet
(``templates/pdf/print.css``) rather than the GOV.UK Frontend stylesheet:
WeasyPrint matches every rule against every element, so a short stylesheet
and compact tables are what keep a briefing quick to make.

A PDF named with a cache subject is kept in the download cache under the
SHA-256 of its HTML: the HTML is everything the document shows, so the same
HTML is the same document and any change to what it was made from (figures,
agenda, papers, replies, the template or this stylesheet) gives a new key.
The production time is left out of the key (templates mark it with
``<span class="produced">``), so a document that has not changed is made
once; the copy served shows when it was made.

A document that only the records make (an agenda pack, approved minutes) can
also be asked for with ``kept_pdf_response``: it is then kept under the
Commission's change counter as well, so while no record changes it is served
without reading or rendering what it shows (two small reads: the counter and
the file). After a change the HTML is rendered again and, if it is the same,
the same file is served without making it again.
"""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

import weasyprint
import weasyprint.document
from flask import Response, current_app, render_template, request
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.security import safe_join

from commission import changes
from commission.exports.cache import (
    cache_key,
    cached_body,
    cached_download,
    keep,
    kept_etag,
    not_modified,
)
from commission.extensions import db

PDF_MIMETYPE = "application/pdf"
PRODUCED = re.compile(r'<span class="produced">[^<]*</span>')


def template_digest(*names: str) -> str:
    """SHA-256 of templates' source, for a document kept under a key made
    from its records rather than its HTML: a release that changes the
    layout changes the key, so no file of an older layout is served."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    loader = current_app.jinja_env.loader
    assert loader is not None
    for name in names:
        source, _, _ = loader.get_source(current_app.jinja_env, name)
        digest.update(source.encode())
    return digest.hexdigest()


def pdf_bytes(template: str, **context: object) -> bytes:
    """The PDF of ``template``, made now (no cache)."""
    return _write_pdf(render_template(template, **context))


class StaticFilesOnly(URLFetcher):
    """What a document may load while it is made: the app's own static files,
    read from disk, and nothing else (no other site, no file on the server,
    no data the request's Host header points at). Everything else is
    refused, and WeasyPrint leaves it out of the document."""

    def __init__(self, base_url: str, folder: str) -> None:
        super().__init__(allowed_protocols=())
        self.prefix = urljoin(base_url, "/static/")
        self.folder = folder

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if not url.startswith(self.prefix):
            raise ValueError(f"a document may load only the service's own static files: {url}")
        relative = unquote(urlsplit(url).path.removeprefix("/static/"))
        path = safe_join(self.folder, relative)
        if path is None or not os.path.isfile(path):
            raise ValueError(f"no such static file: {url}")
        mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        with open(path, "rb") as file:
            return URLFetcherResponse(url, body=file.read(), headers={"Content-Type": mimetype})


@contextmanager
def collector_paused() -> Iterator[None]:
    """While WeasyPrint lays out or draws a document, Python's cyclic garbage
    collector waits. WeasyPrint makes millions of short-lived objects, and
    the collections they set off went through every object of the app as
    well (its models, templates, the request's figures), again and again:
    about an eighth of the time a worker took to make the live briefing.
    Objects freed by their last reference go as before; a cycle made while
    the document is made waits for the next collection after it (a worker
    making live briefings peaked 34 MB above where it began, 44 MB without
    the pause)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def render_document(html: str) -> weasyprint.document.Document:
    """The laid-out pages of ``html`` (loading only the app's static files),
    for a document that needs to know where things fell before it is written."""
    base_url = request.host_url
    fetcher = StaticFilesOnly(base_url, str(current_app.static_folder))
    with collector_paused():
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()


def write_document(document: weasyprint.document.Document) -> bytes:
    """The PDF of laid-out pages."""
    with collector_paused():
        body: bytes = document.write_pdf()
    return body


def _write_pdf(html: str) -> bytes:
    with collector_paused():  # until the laid-out pages are let go
        return write_document(render_document(html))


class Made(NamedTuple):
    """How a kept document is made from its rendered HTML: what else it is
    made from (part of its cache key, with the HTML) and how to make it."""

    key_parts: tuple[object, ...]
    body: Callable[[], bytes]


Maker = Callable[[str, str, Mapping[str, object]], Made]


def from_html(template: str, html: str, context: Mapping[str, object]) -> Made:
    """A document that is its HTML, printed."""
    return Made(key_parts=(), body=lambda: _write_pdf(html))


def pdf_response(
    template: str, filename: str, *, cache_subject: str | None = None, **context: object
) -> Response:
    """The PDF of ``template``; with ``cache_subject``, made once and then
    served from the download cache while its HTML stays the same. Call it
    only once the request has been authorised."""
    html = render_template(template, **context)
    if cache_subject is None:
        return Response(
            _write_pdf(html),
            mimetype=PDF_MIMETYPE,
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
    return cached_download(
        key=cache_key("pdf", weasyprint.__version__, PRODUCED.sub("", html)),
        subject=cache_subject,
        filename=filename,
        content_type=PDF_MIMETYPE,
        make=lambda: _write_pdf(html),
        inline=True,
    )


def kept_pdf_response(
    template: str,
    filename: str,
    *,
    subject: str | None,
    context: Callable[[], Mapping[str, object]],
    maker: Maker = from_html,
) -> Response:
    """The PDF of ``template`` with what ``context()`` gives, kept under the
    change counter (and its HTML, as ``pdf_response`` keeps it): while the
    counter stays where it is, ``context`` is not even called. Call it only
    once the request has been authorised; ``subject`` names the document and
    the audience it was made for, or is None for a document that may still
    change (a draft), which is made every time. ``maker`` says how the
    document is made from its HTML (by default, by printing it)."""
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    if subject is None:
        values = context()
        made = maker(template, render_template(template, **values), values)
        return Response(made.body(), mimetype=PDF_MIMETYPE, headers=headers)
    now_key = cache_key(
        "pdf-now", subject, changes.current(), template_digest(template, "pdf/print.css")
    )
    unchanged = not_modified(now_key)
    if unchanged is not None:
        return unchanged
    body = cached_body(now_key)
    if body is None:
        values = context()
        html = render_template(template, **values)
        made = maker(template, html, values)
        content_key = cache_key(
            "pdf", weasyprint.__version__, PRODUCED.sub("", html), *made.key_parts
        )
        body = cached_body(content_key)
        if body is None:
            body = made.body()
            keep(
                key=content_key,
                subject=subject,
                content_type=PDF_MIMETYPE,
                filename=filename,
                body=body,
            )
        keep(
            key=now_key,
            subject=f"{subject}:now",
            content_type=PDF_MIMETYPE,
            filename=filename,
            body=body,
        )
        db.session.commit()
    response = Response(body, mimetype=PDF_MIMETYPE, headers=headers)
    response.set_etag(kept_etag(now_key), weak=True)
    return response
