"""While WeasyPrint lays out and draws a PDF, Python's cyclic garbage
collector waits (its collections went through every object of the app, again
and again); it runs again once the PDF is made or has failed."""

from __future__ import annotations

import gc

import pytest
import weasyprint
import weasyprint.document

from commission.exports import pdf


def test_the_collector_waits_while_a_pdf_is_laid_out_and_drawn(app, monkeypatch):
    seen: list[tuple[str, bool]] = []
    render = weasyprint.HTML.render
    write = weasyprint.document.Document.write_pdf

    def laid_out(self, *args, **kwargs):
        seen.append(("laid out", gc.isenabled()))
        return render(self, *args, **kwargs)

    def drawn(self, *args, **kwargs):
        seen.append(("drawn", gc.isenabled()))
        return write(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", laid_out)
    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", drawn)
    with app.test_request_context():
        body = pdf.write_document(pdf.render_document("<h1>Briefing</h1>"))

    assert body.startswith(b"%PDF-")
    assert seen == [("laid out", False), ("drawn", False)]
    assert gc.isenabled()


def test_the_collector_runs_again_when_a_pdf_fails(app, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("no layout")

    monkeypatch.setattr(weasyprint.HTML, "render", broken)
    with app.test_request_context(), pytest.raises(RuntimeError, match="no layout"):
        pdf.render_document("<h1>Briefing</h1>")

    assert gc.isenabled()


def test_a_collector_the_caller_paused_stays_paused():
    gc.disable()
    try:
        with pdf.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
