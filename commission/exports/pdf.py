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
"""

from __future__ import annotations

import hashlib
import re

import weasyprint
from flask import Response, current_app, render_template, request

from commission.exports.cache import cache_key, cached_download

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


def _write_pdf(html: str) -> bytes:
    document: bytes = weasyprint.HTML(string=html, base_url=request.host_url).write_pdf()
    return document


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
