"""Every page reflows at 320 CSS pixels wide (WCAG 1.4.10): as each role, the
pages it can reach are opened at 320 px with their disclosure sections open,
and none scrolls sideways as a whole (a wide table scrolls inside its own
focusable, labelled region instead). axe checks each kind of page at that
width too.

The pages are found by following links from the home page, as the crawl of
the secretariat's pages does: one page of each kind (endpoint) a role can
reach is measured, and axe and the HTML checker see each kind once in the
run (the first role to reach it), to keep the run short."""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from commission.seeding.demo import DEMO_DOMAIN, DEMO_PASSWORD
from tests.e2e.harness import LiveServer, PageChecker, pages_linked_from

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

NewContext = Callable[..., "BrowserContext"]
NARROW = {"width": 320, "height": 900}
PER_KIND = 1
VISIT_CAP = 80
# Opens every disclosure: details elements and GOV.UK accordion sections.
OPEN_EVERYTHING = """() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.govuk-accordion__section').forEach(
    s => s.classList.add('govuk-accordion__section--expanded'));
}"""
# How far the page reaches beyond the viewport, and the widest elements that
# stick out (for the failure message).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  const culprits = [];
  if (over > 0) {
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && box.width > 0) {
        let inScroller = false;
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
          const style = getComputedStyle(up);
          if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inScroller = true; break; }
        }
        const classes = typeof el.className === 'string' && el.className.trim()
          ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
        if (!inScroller) {
          culprits.push(el.tagName.toLowerCase() + classes + ' (' + Math.round(box.right) + 'px)');
        }
      }
      if (culprits.length >= 4) break;
    }
  }
  return {over, culprits};
}"""


@pytest.fixture(scope="module")
def checked_narrow() -> set[str]:
    """The kinds of page axe has checked at 320 px in this module."""
    return set()


def signed_in(new_context: NewContext, local: str | None) -> Page:
    page = new_context(viewport=NARROW).new_page()
    if local is not None:
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(f"{local}@{DEMO_DOMAIN}")
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"^(?!.*/sign-in)"))
    return page


@pytest.mark.parametrize(
    "local", [None, "secretariat", "chair", "minister", "leader", "officer", "mayor"]
)
def test_every_page_reflows_at_320_pixels(
    new_context: NewContext,
    check_page: PageChecker,
    live_server: LiveServer,
    endpoint_of: Callable[[str], str | None],
    checked_narrow: set[str],
    local: str | None,
) -> None:
    page = signed_in(new_context, local)
    queue = deque(["/"])
    queued = {"/"}
    visits: Counter[str] = Counter()
    reached: set[str] = set()
    too_wide: list[str] = []
    while queue and visits.total() < VISIT_CAP:
        path = queue.popleft()
        endpoint = endpoint_of(path)
        if endpoint is None or visits[endpoint] >= PER_KIND:
            continue
        visits[endpoint] += 1
        response = page.goto(path)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in (response.headers.get("content-type", ""))
        ):
            continue
        page.evaluate(OPEN_EVERYTHING)
        found = page.evaluate(OVERFLOW)
        if found["over"] > 0:
            too_wide.append(f"{path}: {found['over']}px too wide: {', '.join(found['culprits'])}")
        reached.add(endpoint)
        if endpoint not in checked_narrow:
            checked_narrow.add(endpoint)
            check_page(page)
        for link in pages_linked_from(page, live_server.url):
            if link not in queued:
                queued.add(link)
                queue.append(link)
    assert len(reached) > 3, f"only {sorted(reached)} reached"
    assert not too_wide, f"pages that scroll sideways at 320px as {local or 'a visitor'}:\n" + (
        "\n".join(too_wide)
    )
