"""Markdown written by the secretariat, made safe to show."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote", "code"}
# A link nh3 took the address from (javascript: and the like): only its words
# are kept, as an <a> with rel but no href is not valid HTML.
LINK_WITHOUT_ADDRESS = re.compile(r"<a(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML, then only harmless tags kept (nh3): no scripts, no
    styles, links given rel="noopener noreferrer", and a link whose address
    was unsafe reduced to its words."""
    if not text:
        return Markup("")
    html = markdown.markdown(text, extensions=["sane_lists"])
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}})
    cleaned = LINK_WITHOUT_ADDRESS.sub(r"\1", cleaned)
    cleaned = (
        cleaned.replace("<p>", '<p class="govuk-body">')
        .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
        .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
        .replace("<a ", '<a class="govuk-link" ')
    )
    return Markup(cleaned)  # noqa: S704  (sanitised by nh3 above)
