"""The briefing's themes and quotations, grouped by their question's number
in one pass (the ``by_question`` template filter)."""

from __future__ import annotations

from flask import Flask


def test_items_are_grouped_by_question_in_their_order(app: Flask) -> None:
    by_question = app.jinja_env.filters["by_question"]
    items = [
        {"question": 1, "tag": "funding"},
        {"question": 2, "tag": "housing"},
        {"question": 1, "tag": "transport"},
        {"question": None, "tag": "unnumbered"},
    ]

    grouped = by_question(items)

    assert grouped == {
        1: [items[0], items[2]],
        2: [items[1]],
        None: [items[3]],
    }
    assert by_question([]) == {}


def test_the_briefing_reads_each_questions_group(app: Flask) -> None:
    template = app.jinja_env.from_string(
        "{% set of = items | by_question %}"
        "{% for n in (1, 2, 3) %}{{ n }}:{{ of.get(n, []) | map(attribute='tag') | join(',') }};"
        "{% endfor %}"
    )
    items = [{"question": 2, "tag": "b"}, {"question": 1, "tag": "a"}, {"question": 2, "tag": "c"}]

    assert template.render(items=items) == "1:a;2:b,c;3:;"
