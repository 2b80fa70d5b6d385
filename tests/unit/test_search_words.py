"""Reading a search into words, and the highlighted passage, without a database."""

from __future__ import annotations

import pytest

from commission.search.documents import clean
from commission.search.queries import START, STOP, distance, highlight, parse


@pytest.mark.parametrize(
    ("typed", "terms", "phrases", "excluded"),
    [
        ("fund", ("fund",), (), ()),
        ("Funding FUNDING funding", ("funding",), (), ()),
        ('"sure start" revival', ("revival",), (("sure", "start"),), ()),
        ('"unpaired quote', (), (("unpaired", "quote"),), ()),
        ("care -adult", ("care",), (), (("adult",),)),
        ('care -"adult social"', ("care",), (), (("adult", "social"),)),
        ("fund-raising", ("fund", "raising"), (), ()),
        ("the and of", (), (), ()),
        ("NEAR(a, b) OR c*", ("near", "b", "c"), (), ()),
        ("'; DROP TABLE x; --", ("drop", "table", "x"), (), ()),
        ("-", (), (), ()),
    ],
)
def test_what_is_typed_is_read_into_words(typed, terms, phrases, excluded):
    parsed = parse(typed)
    assert (parsed.terms, parsed.phrases, parsed.excluded) == (terms, phrases, excluded)


def test_only_common_words_is_told_apart_from_no_words():
    assert parse("the of").only_stop_words
    assert not parse("***").only_stop_words
    assert parse("***").empty


def test_a_long_search_is_cut_to_its_first_200_characters():
    parsed = parse("word " * 2000)
    assert parsed.shortened
    assert parsed.terms == ("word",)


def test_the_engines_are_given_only_quoted_words():
    parsed = parse('budget "social care" -capital')
    assert parsed.fts5() == '{title body} : (("budget" "social care") NOT "capital")'
    assert parsed.websearch() == 'budget "social care" -capital'


def test_the_highlight_escapes_everything_but_its_marks():
    shown = highlight(f"<b>a</b> & {START}<i>funding</i>{STOP} {START}unclosed")
    assert (
        str(shown) == "&lt;b&gt;a&lt;/b&gt; &amp; <mark>&lt;i&gt;funding&lt;/i&gt;</mark> unclosed"
    )


def test_stored_text_never_holds_the_marks_or_control_characters():
    assert clean(f"a{START}b{STOP}c\x00d\x07e") == "a b c d e"


def test_distance_counts_a_swap_once():
    assert distance("fundign", "funding") == 1
    assert distance("fund", "fund") == 0
    assert distance("cat", "dog") == 3


@pytest.mark.parametrize(
    "texts",
    [
        ["Barking & Dagenham", "<b>", 'King\'s "Lynn"', "Plain"],
        ["A line\nbreak & more", "<i>", ""],
        [],
    ],
)
def test_the_filters_options_are_escaped_one_by_one(texts):
    from markupsafe import escape

    from commission.search.forms import _escaped

    assert _escaped(texts) == [str(escape(text)) for text in texts]


def test_a_filters_options_are_made_once_for_each_list_read():
    """The same list read again gives the options already made; a list that
    changed (a council renamed, one more) gives new ones, never the old."""
    from commission.search.forms import options_of

    rows = ((2, "Barking & Dagenham"), (1, "Kent"))
    first = options_of("Any authority", rows)
    assert options_of("Any authority", tuple((k, n) for k, n in rows)) is first
    assert [(c.value, c.label) for c in first.choices] == [
        ("", "Any authority"),
        ("2", "Barking & Dagenham"),
        ("1", "Kent"),
    ]
    assert first.keys == {"1", "2"}
    renamed = options_of("Any authority", ((2, "Barking and Dagenham"), (1, "Kent")))
    assert renamed is not first
    assert "Barking and Dagenham" in renamed.html(None)
    assert "Barking &amp; Dagenham" in first.html(None)


def test_a_filters_options_mark_the_one_chosen():
    from commission.search.forms import options_of

    options = options_of("Any department", ((5, "<Treasury>"), (6, "Home Office")))
    unchosen = options.html(None)
    assert options.html("") is unchosen  # kept: most searches choose none
    assert unchosen.count("selected") == 0
    assert "&lt;Treasury&gt;" in unchosen and "<Treasury>" not in unchosen
    chosen = options.html("6")
    assert chosen.count(" selected") == 1
    assert '<option value="6" selected>Home Office</option>' in chosen
    assert options.html(None) is unchosen  # what was chosen elsewhere is not kept
    assert options.html("no such").count(" selected") == 0
