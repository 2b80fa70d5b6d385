"""Markdown written by the secretariat, made safe to show."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
# A link nh3 took the address from (javascript: and the like): only its words
# are kept, as an <a> with rel but no href is not valid HTML.
LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)
# How many texts' HTML each app server keeps, each of at most KEPT_LENGTH
# characters (a description may have 5,000): an agenda's item descriptions
# are shown on every reading of its meeting's page.
KEPT_TEXTS = 512
KEPT_LENGTH = 10_000

_local = threading.local()


def _converter() -> markdown.Markdown:
    """This thread's converter. Making one builds every pattern and
    processor of the language, which took longer than converting an item's
    description; one is not safe to share between threads, so each thread
    keeps its own and resets it before each text."""
    converter: markdown.Markdown | None = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(extensions=["sane_lists"])
    return converter


def _safe_html(text: str) -> str:
    """``text`` as sanitised HTML in GOV.UK styles: the same for the same
    text, so kept for the texts read most recently (``_kept_html``)."""
    html = _converter().reset().convert(text)
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}})
    cleaned = LINK_WITHOUT_ADDRESS.sub(r"\1", cleaned)
    return (
        cleaned.replace("<p>", '<p class="govuk-body">')
        .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
        .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
        .replace("<a ", '<a class="govuk-link" ')
    )


_kept_html = lru_cache(maxsize=KEPT_TEXTS)(_safe_html)


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then only harmless tags kept (nh3): no scripts, no
    styles, links given rel="noopener noreferrer", and a link whose address
    was unsafe reduced to its words."""
    if not text:
        return Markup("")
    html = _kept_html(text) if len(text) <= KEPT_LENGTH else _safe_html(text)
    return Markup(html)  # noqa: S704  (sanitised by nh3 in _safe_html)
