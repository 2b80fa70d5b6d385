"""Markdown written by the secretariat keeps its formatting, in GOV.UK styles,
and loses anything that could run script or restyle the page."""

from bs4 import BeautifulSoup
from markupsafe import Markup

from commission.text import render_markdown


def html(text: str) -> BeautifulSoup:
    return BeautifulSoup(str(render_markdown(text)), "html.parser")


def test_nothing_renders_as_nothing():
    assert render_markdown(None) == Markup("")
    assert render_markdown("") == Markup("")


def test_result_is_markup_so_templates_do_not_escape_it_again():
    assert isinstance(render_markdown("Hello"), Markup)


def test_paragraph_and_bold_and_italic():
    document = html("The **settlement** is *provisional*.")
    paragraph = document.find("p")
    assert paragraph["class"] == ["govuk-body"]
    assert paragraph.find("strong").get_text() == "settlement"
    assert paragraph.find("em").get_text() == "provisional"


def test_bulleted_and_numbered_lists_get_govuk_classes():
    document = html("- Housing\n- Transport\n\n1. Open\n2. Close\n")
    bullets, numbers = document.find_all(["ul", "ol"])
    assert bullets.name == "ul"
    assert bullets["class"] == ["govuk-list", "govuk-list--bullet"]
    assert [li.get_text() for li in bullets.find_all("li")] == ["Housing", "Transport"]
    assert numbers.name == "ol"
    assert numbers["class"] == ["govuk-list", "govuk-list--number"]
    assert [li.get_text() for li in numbers.find_all("li")] == ["Open", "Close"]


def test_links_are_govuk_links_that_do_not_leak_the_opener():
    document = html("Read [the guidance](https://www.gov.uk/guidance/funding).")
    link = document.find("a")
    assert link.get_text() == "the guidance"
    assert link["href"] == "https://www.gov.uk/guidance/funding"
    assert link["class"] == ["govuk-link"]
    assert set(link["rel"]) == {"noopener", "noreferrer"}


def test_script_tags_and_their_content_are_removed():
    rendered = str(render_markdown("Before\n\n<script>alert('x')</script>\n\nAfter"))
    assert "<script" not in rendered
    assert "alert" not in rendered
    assert "Before" in rendered
    assert "After" in rendered


def test_event_handler_attributes_are_removed():
    rendered = str(
        render_markdown('<p onclick="steal()">Click</p> <a href="/x" onmouseover="y()">x</a>')
    )
    assert "onclick" not in rendered
    assert "onmouseover" not in rendered
    assert "steal" not in rendered
    assert "Click" in rendered


def test_javascript_links_are_reduced_to_their_words():
    """An <a> with rel but no href is not valid HTML, so the words stay and
    the link goes."""
    document = html("Please [click me](javascript:alert(document.cookie)) now")
    assert document.find("a") is None
    assert document.get_text() == "Please click me now"
    assert "javascript" not in str(document).lower()


def test_safe_links_beside_unsafe_ones_are_kept():
    rendered = str(render_markdown("[bad](javascript:x) and [good](https://www.gov.uk/ 'GOV.UK')"))
    assert rendered == (
        '<p class="govuk-body">bad and <a class="govuk-link" href="https://www.gov.uk/" '
        'title="GOV.UK" rel="noopener noreferrer">good</a></p>'
    )


def test_raw_javascript_href_is_removed_too():
    rendered = str(render_markdown('<a href="JaVaScRiPt:alert(1)">x</a>'))
    assert "javascript" not in rendered.lower()


def test_style_attributes_and_style_tags_are_removed():
    rendered = str(
        render_markdown(
            '<p style="position:fixed;top:0">Overlay</p>\n\n<style>body{display:none}</style>'
        )
    )
    assert "style" not in rendered
    assert "display:none" not in rendered
    assert "Overlay" in rendered


def test_disallowed_tags_keep_their_text_only():
    document = html(
        '<iframe src="https://evil.example"></iframe><img src=x onerror=alert(1)>\n\n# Big'
    )
    assert document.find("iframe") is None
    assert document.find("img") is None
    assert document.find("h1") is None
    assert "Big" in document.get_text()


def test_html_in_text_is_shown_as_text_not_run():
    rendered = str(render_markdown("Use `<script>` carefully & <b>x</b>"))
    assert "<code>&lt;script&gt;</code>" in rendered
    assert "&amp;" in rendered


def test_one_text_leaves_nothing_behind_for_the_next():
    """The converter is reused, reset before each text: a link reference
    defined in one description does not make a link in another."""
    first = html("See [the bill][bill].\n\n[bill]: https://bills.parliament.uk/")
    assert first.find("a")["href"] == "https://bills.parliament.uk/"
    second = html("See [the bill][bill].")
    assert second.find("a") is None
    assert second.get_text() == "See [the bill][bill]."


def test_the_same_text_gives_the_same_html_each_time():
    text = "- Housing\n- *Transport*\n\n[Guidance](https://www.gov.uk/)"
    assert render_markdown(text) == render_markdown(text)
    assert render_markdown(text) == render_markdown(text + "")


def test_each_thread_converts_with_its_own_converter():
    import threading

    results: list[str] = []

    def convert(n: int) -> None:
        results.append(str(render_markdown(f"Item **{n}** of [many][m]\n\n[m]: /x{n}")))

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n in range(8):
        assert (
            f'<p class="govuk-body">Item <strong>{n}</strong> of '
            f'<a class="govuk-link" href="/x{n}" rel="noopener noreferrer">many</a></p>'
        ) in results


def test_a_text_longer_than_those_kept_is_made_safe_all_the_same():
    from commission.text import KEPT_LENGTH

    long = "A **long** description. " * (KEPT_LENGTH // 20) + "<script>x()</script>"
    assert len(long) > KEPT_LENGTH
    rendered = str(render_markdown(long))
    assert rendered.startswith('<p class="govuk-body">A <strong>long</strong> description.')
    assert "<script" not in rendered
