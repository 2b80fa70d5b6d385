"""PDF documents, rendered from HTML templates by WeasyPrint."""

from __future__ import annotations

from flask import Response, render_template, request
from weasyprint import HTML


def pdf_response(template: str, filename: str, **context: object) -> Response:
    html = render_template(template, **context)
    document = HTML(string=html, base_url=request.host_url).write_pdf()
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
