"""The secretariat's consultation form pages (a response from a letter, the
preview, extensions) written in GOV.UK's markup directly (macros/fields.html):
the same markup the govuk_frontend_wtf widgets give, what was entered kept
after an error, the error on its field, and a fixed number of statements
however many authorities, questions and extensions there are."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import render_template_string
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.forms import ExtensionForm, build_letter_form
from commission.consultations.models import (
    Consultation,
    Extension,
    Question,
    QuestionKind,
    QuestionOption,
    Response,
)
from commission.extensions import db
from commission.timeutil import today
from tests import factories
from tests.conftest import count_selects
from tests.factories import PDF_BYTES
from tests.pages import error_summary, expect, form_fields, ok, page, sign_in


def every_kind() -> Consultation:
    """A consultation with a question of every kind (options with characters
    that must be escaped)."""
    consultation = factories.consultation(title="Local audit reform", questions=0)
    kinds = [
        (QuestionKind.POSITION, {"hint": "Say why & how"}),
        (QuestionKind.YES_NO, {"required": False}),
        (QuestionKind.SINGLE_CHOICE, {"allow_other": True, "hint": "Pick one"}),
        (QuestionKind.MULTIPLE_CHOICE, {"max_choices": 2}),
        (QuestionKind.NUMBER, {"min_value": 0, "max_value": 100, "unit": "places"}),
        (QuestionKind.RANKING, {}),
        (QuestionKind.SHORT_TEXT, {"hint": "A few words"}),
        (QuestionKind.FREE_TEXT, {"required": False}),
    ]
    for n, (kind, extra) in enumerate(kinds, start=1):
        question = Question(position=n, kind=kind, text=f"Question {n} <{kind.value}>?", **extra)
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.RANKING):
            for p, label in enumerate(["Alpha & co", "Beta <b>", "Gamma 'g'"], start=1):
                question.options.append(QuestionOption(position=p, label=label))
        consultation.questions.append(question)
    db.session.flush()
    return consultation


def normalised(html: str) -> str:
    """Markup without the whitespace between tags (which no one sees)."""
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def both_ways(widget: str, macro: str, **context) -> tuple[str, str]:
    """A field rendered by its govuk_frontend_wtf widget and by the macro."""
    imports = (
        '{% from "macros/fields.html" import radios, checkboxes, character_count, '
        "text_input, textarea, select, date_input, file_input %}"
    )
    return (
        normalised(render_template_string(widget, **context)),
        normalised(render_template_string(imports + macro, **context)),
    )


def letter_data(consultation: Consultation, **changes) -> dict:
    """A letter form with an answer to every question of ``every_kind``."""
    q = {question.position: question for question in consultation.questions}
    data = {
        "overall_position": "oppose",
        "overall_comment": "We <cannot> support it",
        f"position_{q[1].id}": "support",
        f"comment_{q[1].id}": "Broadly & gladly",
        f"choice_{q[2].id}": "yes",
        f"choice_{q[3].id}": "other",
        f"other_{q[3].id}": "Something <else>",
        f"choices_{q[4].id}": [str(q[4].options[0].id), str(q[4].options[2].id)],
        f"number_{q[5].id}": "12",
        f"comment_{q[7].id}": "Short",
        f"comment_{q[8].id}": "Long",
    }
    for rank, option in enumerate(q[6].options, start=1):
        data[f"rank_{q[6].id}_{option.id}"] = str(rank)
    data.update(changes)
    return data


def enter(client, consultation, authority, **changes):
    day = today()
    data = letter_data(consultation, **changes)
    data.update(
        authority=str(authority.id) if authority else "",
        dated=[str(day.day), str(day.month), str(day.year)],
        file=(io.BytesIO(PDF_BYTES), "letter.pdf"),
    )
    return client.post(
        f"/consultations/{consultation.reference}/letters/new",
        data=data,
        content_type="multipart/form-data",
    )


@pytest.fixture
def clerk(client):
    return sign_in(client, factories.user(role=Role.SECRETARIAT, full_name="Ruth Okafor"))


# The markup is GOV.UK's --------------------------------------------------------------------


@pytest.mark.parametrize("submitted", [False, True], ids=["empty", "submitted with errors"])
def test_the_answer_fields_are_the_widgets_markup(app, app_ctx, submitted):
    consultation = every_kind()
    council = factories.council(name="King's Lynn & West Norfolk")
    day = today()
    data = letter_data(consultation, authority=str(council.id), dated=["1", "", str(day.year)])
    with app.test_request_context(
        method="POST" if submitted else "GET", data=data if submitted else None
    ):
        form = build_letter_form(consultation.questions)
        form.authority.choices = [("", "Select an authority"), (str(council.id), council.name)]
        if submitted:
            form.validate()
            for field in form:
                field.errors = list(field.errors) or [f"Something is wrong with {field.name} <&>"]
        pairs = [
            (
                "{{ form.authority }}",
                "{{ select(form.authority) }}",
            ),
            ("{{ form.dated }}", "{{ date_input(form.dated) }}"),
            (
                "{{ form.file(params={'hint': {'text': 'A scan & copy'}, "
                "'attributes': {'accept': '.pdf,.docx'}}) }}",
                "{{ file_input(form.file, hint='A scan & copy', accept='.pdf,.docx') }}",
            ),
            (
                "{{ form.overall_position(params={'fieldset': {'legend': {'text': 'Overall', "
                "'classes': 'govuk-fieldset__legend--m'}}}) }}",
                "{{ radios(form.overall_position, legend='Overall', "
                "legend_classes='govuk-fieldset__legend--m') }}",
            ),
            (
                "{{ form.overall_comment(params={'maxlength': 5000, 'rows': 5}) }}",
                "{{ character_count(form.overall_comment, 5000, rows=5) }}",
            ),
        ]
        q = {question.position: question for question in consultation.questions}
        legend = "{'fieldset': {'legend': {'text': field.label.text, 'classes': 'L'}}"
        pairs += [
            (
                f"{{{{ field(params={legend}}}) }}}}",
                "{{ radios(field, legend_classes='L') }}",
                form[f"position_{q[1].id}"],
            ),
            (
                "{{ field(params={'maxlength': 5000, 'rows': 4, 'label': {'classes': 'C'}}) }}",
                "{{ character_count(field, 5000, rows=4, label_classes='C') }}",
                form[f"comment_{q[1].id}"],
            ),
            (
                f"{{{{ field(params=dict({legend}}}, classes='govuk-radios--inline')) }}}}",
                "{{ radios(field, legend_classes='L', classes='govuk-radios--inline') }}",
                form[f"choice_{q[2].id}"],
            ),
            (
                "{{ field(params={'classes': 'W', 'attributes': {'maxlength': 500}}) }}",
                "{{ text_input(field, classes='W', maxlength=500) }}",
                form[f"other_{q[3].id}"],
            ),
            (
                f"{{{{ field(params={legend}}}) }}}}",
                "{{ checkboxes(field, legend_classes='L') }}",
                form[f"choices_{q[4].id}"],
            ),
            (
                "{{ field(params={'label': {'classes': 'C'}, 'hint': {'text': 'From 0 to 100'}, "
                "'classes': 'govuk-input--width-10', 'inputmode': 'numeric', "
                "'spellcheck': false, 'suffix': {'text': 'places'}}) }}",
                "{{ text_input(field, label_classes='C', classes='govuk-input--width-10', "
                "inputmode='numeric', spellcheck=false, suffix='places', hint='From 0 to 100') }}",
                form[f"number_{q[5].id}"],
            ),
            (
                "{{ field(params={'label': {'classes': 'C'}, 'attributes': {'maxlength': 500}}) }}",
                "{{ text_input(field, label_classes='C', maxlength=500) }}",
                form[f"comment_{q[7].id}"],
            ),
        ]
        for widget, macro, *field in pairs:
            given, written = both_ways(widget, macro, form=form, field=field[0] if field else None)
            assert written == given

        extension = ExtensionForm()
        for widget, macro in [
            ("{{ form.reason }}", "{{ textarea(form.reason) }}"),
            (
                "{{ form.time(params={'classes': 'govuk-input--width-5'}) }}",
                "{{ text_input(form.time, classes='govuk-input--width-5') }}",
            ),
        ]:
            given, written = both_ways(widget, macro, form=extension)
            assert written == given


# What was entered is kept, and the error is on its field -----------------------------------


def test_a_refused_letter_keeps_what_was_entered_and_names_the_field(client, clerk):
    consultation = every_kind()
    council = factories.council(name="Wakefield Council")
    number = next(q for q in consultation.questions if q.kind is QuestionKind.NUMBER)

    response = enter(client, consultation, council, **{f"number_{number.id}": "1000"})

    expect(response, 200)
    assert error_summary(response) == [("Enter a number between 0 and 100", f"#number_{number.id}")]
    shown = page(response)
    field = shown.select_one(f"#number_{number.id}")
    assert "govuk-input--error" in field["class"]
    assert field["aria-describedby"] == f"number_{number.id}-hint number_{number.id}-error"
    assert (
        "Enter a number between 0 and 100"
        in shown.select_one(f"#number_{number.id}-error").get_text()
    )
    entered = form_fields(response)
    sent = letter_data(consultation, **{f"number_{number.id}": "1000"})
    for name, value in sent.items():
        assert entered[name] == value, name
    assert entered["authority"] == str(council.id)
    assert db.session.execute(select(Response)).first() is None


def test_a_letter_without_an_authority_or_date_says_so(client, clerk):
    consultation = every_kind()

    response = enter(client, consultation, None)

    assert error_summary(response) == [
        ("Select the authority", "#authority"),
    ]
    shown = page(response)
    assert "govuk-select--error" in shown.select_one("#authority")["class"]
    assert shown.select_one("#authority")["aria-describedby"] == "authority-error"
    assert form_fields(response)["overall_comment"] == "We <cannot> support it"


def test_an_extension_refused_keeps_the_authority_chosen(client, clerk):
    consultation = factories.consultation(title="Local audit reform")
    council = factories.council(name="Wakefield Council")
    factories.council(name="Barnsley Council")

    response = client.post(
        f"/consultations/{consultation.reference}/extensions",
        data={"authority": str(council.id), "time": "5pm", "reason": "Flooding"},
    )

    assert error_summary(response) == [("Enter the new deadline", "#day")]
    shown = page(response)
    chosen = shown.select("#authority option[selected]")
    assert [option.get_text() for option in chosen] == ["Wakefield Council"]
    assert "govuk-input--error" in shown.select_one("#day-day")["class"]
    assert shown.select_one("#time")["value"] == "5pm"
    assert shown.select_one("#reason").get_text() == "Flooding"


def test_the_extensions_page_lists_each_authority_by_name(client, clerk):
    consultation = factories.consultation(title="Local audit reform")
    for name in ("Wakefield Council", "Barnsley Council"):
        db.session.add(
            Extension(
                consultation_id=consultation.id,
                authority_id=factories.council(name=name).id,
                closes_at=consultation.closes_at + timedelta(days=7),
                reason=f"{name} <flooded>",
            )
        )

    shown = ok(client.get(f"/consultations/{consultation.reference}/extensions"))

    listed = [item.get_text(" ", strip=True) for item in shown.select("main ul.govuk-list li")]
    assert [item.split(":")[0] for item in listed] == ["Wakefield Council", "Barnsley Council"]
    assert "(Wakefield Council <flooded>)" in listed[0]


# A fixed number of statements --------------------------------------------------------------


def test_the_pages_read_a_fixed_number_of_statements(client, clerk):
    consultation = every_kind()
    factories.council(name="Wakefield Council")
    pages = [
        f"/consultations/{consultation.reference}/letters/new",
        f"/consultations/{consultation.reference}/preview",
        f"/consultations/{consultation.reference}/extensions",
    ]

    def statements() -> list[int]:
        counts = []
        for path in pages:
            with count_selects() as read:
                ok(client.get(path))
            counts.append(len(read))
        return counts

    statements()
    few = statements()
    for n in range(40):
        council = factories.council(name=f"Council {n:02}")
        if n % 4 == 0:
            db.session.add(
                Extension(
                    consultation_id=consultation.id,
                    authority_id=council.id,
                    closes_at=consultation.closes_at + timedelta(days=3),
                    reason="Flooding",
                )
            )
    for n in range(9, 29):
        kind = QuestionKind.RANKING if n % 5 == 0 else QuestionKind.POSITION
        question = Question(position=n, kind=kind, text=f"Question {n}?")
        if kind is QuestionKind.RANKING:
            question.options = [QuestionOption(position=p, label=f"Option {p}") for p in (1, 2)]
        consultation.questions.append(question)
    db.session.flush()
    many = statements()
    assert len(page(client.get(pages[0])).select("#authority option")) == 42
    assert all(few)
    assert many == few
