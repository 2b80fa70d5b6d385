"""The secretariat sets up questions of every kind (options, "Other", a limit
on choices, a number's unit, bounds and decimal places, required or
optional) and groups them into sections it adds, changes, orders and
removes; only while questions may change, and only the secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import (
    ConsultationStatus,
    QuestionKind,
    QuestionSection,
)
from commission.extensions import db
from tests import factories
from tests.conftest import audit_events
from tests.pages import banner, error_summary, expect, form_fields, heading, ok, page

FORBIDDEN = [Role.OFFICER, Role.LEADER, Role.MINISTER, Role.CHAIR]


@pytest.fixture
def secretariat(client):
    from tests.pages import sign_in

    sign_in(client, factories.user(role=Role.SECRETARIAT))
    return client


def draft(**kwargs):
    return factories.consultation(status=ConsultationStatus.DRAFT, questions=0, **kwargs)


def new_question(client, consultation, **data):
    return client.post(f"/consultations/{consultation.reference}/questions/new", data=data)


def test_a_one_choice_question_with_other(secretariat):
    consultation = draft()
    saved = new_question(
        secretariat,
        consultation,
        kind="single_choice",
        text="Who should run family hubs?",
        options="Councils\r\n Schools \r\n\r\nCharities",
        allow_other="y",
        required="y",
        decimals="0",
    )
    expect(saved, 302)
    db.session.expire_all()
    [question] = consultation.questions
    assert question.kind is QuestionKind.SINGLE_CHOICE
    assert [o.label for o in question.options] == ["Councils", "Schools", "Charities"]
    assert question.allow_other and question.required
    shown = page(secretariat.get(f"/consultations/{consultation.reference}"))
    listed = shown.select_one("main ol > li").get_text(" ", strip=True)
    assert "Who should run family hubs? (one choice from options)" in listed
    assert "Councils Schools Charities Other (please say)" in listed
    assert audit_events("question_added")


def test_a_number_question_and_changing_it_keeps_its_options_ids(secretariat):
    consultation = draft()
    new_question(
        secretariat,
        consultation,
        kind="number",
        text="How many places?",
        unit="places",
        min_value="0",
        max_value="5,000",
        decimals="1",
    )
    db.session.expire_all()
    [question] = consultation.questions
    assert (question.unit, question.min_value, question.max_value, question.decimals) == (
        "places",
        0,
        5000,
        1,
    )
    assert not question.required
    fields = form_fields(
        secretariat.get(f"/consultations/{consultation.reference}/questions/{question.id}/edit")
    )
    assert (fields["unit"], fields["min_value"], fields["max_value"], fields["decimals"]) == (
        "places",
        "0",
        "5000",
        "1",
    )

    ranking = draft()
    new_question(
        secretariat, ranking, kind="ranking", text="Rank these", options="A\nB\nC", decimals="0"
    )
    db.session.expire_all()
    [ranked] = ranking.questions
    ids = [o.id for o in ranked.options]
    secretariat.post(
        f"/consultations/{ranking.reference}/questions/{ranked.id}/edit",
        data={"kind": "ranking", "text": "Rank these", "options": "A\nBee", "decimals": "0"},
    )
    db.session.expire_all()
    assert [(o.id, o.label) for o in ranked.options] == [(ids[0], "A"), (ids[1], "Bee")]
    assert audit_events("question_changed")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"kind": "single_choice", "options": "Only one"},
            [("Enter at least two options, one on each line", "#options")],
        ),
        (
            {"kind": "ranking", "options": "Same\nsame"},
            [("Each option must be different", "#options")],
        ),
        (
            {"kind": "multiple_choice", "options": "A\nB", "max_choices": "3"},
            [("The most options a council can choose must be from 1 to 2", "#max_choices")],
        ),
        (
            {"kind": "multiple_choice", "options": "A\nB", "max_choices": "two"},
            [("Enter the most options as a whole number", "#max_choices")],
        ),
        (
            {"kind": "number", "min_value": "10", "max_value": "1"},
            [("The smallest number must be less than the largest", "#min_value")],
        ),
        (
            {"kind": "number", "min_value": "lots"},
            [("Enter the smallest number allowed as a number, like 0", "#min_value")],
        ),
        (
            {"kind": "number", "max_value": "1e99"},
            [("Enter the largest number allowed as a number, like 500", "#max_value")],
        ),
        (
            {"kind": "number", "decimals": "9"},
            [("Select whole numbers or a number of decimal places", "#decimals")],
        ),
        ({"kind": "nonsense"}, [("Select kind of question from the options given", "#kind")]),
        (
            {"kind": "single_choice", "options": "A\nB", "section": "999999"},
            [("Select a section from the list", "#section")],
        ),
    ],
)
def test_question_settings_that_cannot_be_saved(secretariat, data, expected):
    consultation = draft()
    factories_section(consultation)
    shown = new_question(secretariat, consultation, text="A question?", **data)
    assert error_summary(ok(shown)) == expected
    db.session.expire_all()
    assert consultation.questions == []


def factories_section(consultation):
    section = QuestionSection(position=1, title="Delivery")
    consultation.sections.append(section)
    db.session.flush()
    return section


def test_sections_are_added_changed_ordered_and_removed(secretariat):
    consultation = draft()
    base = f"/consultations/{consultation.reference}"
    assert heading(secretariat.get(f"{base}/sections/new")) == "Add a section"
    refused = secretariat.post(f"{base}/sections/new", data={"title": " "})
    assert error_summary(ok(refused)) == [("Enter the section's title", "#title")]

    expect(
        secretariat.post(
            f"{base}/sections/new", data={"title": "Delivery", "introduction": "How it works."}
        ),
        302,
    )
    secretariat.post(f"{base}/sections/new", data={"title": "Funding"})
    db.session.expire_all()
    delivery, funding = consultation.sections
    new_question(
        secretariat, consultation, kind="position", text="Q in funding?", section=str(funding.id)
    )
    new_question(
        secretariat,
        consultation,
        kind="free_text",
        text="Q in delivery?",
        section=str(delivery.id),
    )
    db.session.expire_all()
    assert [(q.text, q.section.title) for q in consultation.questions] == [
        ("Q in funding?", "Funding"),
        ("Q in delivery?", "Delivery"),
    ]

    # Moving a section moves its questions with it.
    secretariat.post(f"{base}/sections/{funding.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [s.title for s in consultation.sections] == ["Funding", "Delivery"]
    assert [q.text for q in consultation.questions] == ["Q in funding?", "Q in delivery?"]
    secretariat.post(f"{base}/sections/{funding.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [q.text for q in consultation.questions] == ["Q in delivery?", "Q in funding?"]

    secretariat.post(
        f"{base}/sections/{delivery.id}/edit",
        data={"title": "How it works", "introduction": ""},
    )
    db.session.expire_all()
    assert (delivery.title, delivery.introduction) == ("How it works", None)

    preview = page(secretariat.get(f"{base}/preview"))
    assert [h.get_text(strip=True) for h in preview.select("h2.app-section-heading")] == [
        "How it works",
        "Funding",
    ]

    secretariat.post(f"{base}/sections/{funding.id}/remove")
    db.session.expire_all()
    assert [s.title for s in consultation.sections] == ["How it works"]
    assert [q.section_id for q in consultation.questions] == [delivery.id, None]
    assert banner(secretariat.get(base)) == "Success Section removed"
    assert [e.action for e in audit_events("section_added")] == ["section_added"] * 2
    assert audit_events("section_moved") and audit_events("section_removed")


def test_sections_cannot_change_once_councils_have_responded(secretariat):
    consultation = factories.every_kind_consultation()
    factories.draft_response(consultation=consultation, authority=factories.council())
    section = consultation.sections[0]
    refused = secretariat.post(
        f"/consultations/{consultation.reference}/sections/{section.id}/edit",
        data={"title": "Changed"},
    )
    assert "Questions cannot change once authorities have started responding" in str(
        error_summary(ok(refused))
    )
    db.session.expire_all()
    assert section.title == "Delivery"


SECTION_PAGES = [
    ("get", "/consultations/{ref}/sections/new"),
    ("post", "/consultations/{ref}/sections/new"),
    ("get", "/consultations/{ref}/sections/{s}/edit"),
    ("post", "/consultations/{ref}/sections/{s}/edit"),
    ("get", "/consultations/{ref}/sections/{s}/remove"),
    ("post", "/consultations/{ref}/sections/{s}/remove"),
    ("post", "/consultations/{ref}/sections/{s}/move"),
]


@pytest.mark.parametrize("role", [*FORBIDDEN, None], ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(("method", "path"), SECTION_PAGES)
def test_only_the_secretariat_may_change_sections(client, login_as, role, method, path):
    consultation = draft()
    section = factories_section(consultation)
    if role is not None:
        login_as(role)
    url = path.format(ref=consultation.reference, s=section.id)
    response = getattr(client, method)(url, data={"title": "Changed", "direction": "down"})
    if role is None:
        expect(response, 302)
        assert response.headers["Location"].startswith("/sign-in?next=")
    else:
        expect(response, 403)
    db.session.expire_all()
    assert [s.title for s in db.session.execute(select(QuestionSection)).scalars()] == ["Delivery"]


def test_an_unknown_section_is_not_found(secretariat):
    consultation = draft()
    expect(secretariat.get(f"/consultations/{consultation.reference}/sections/99999/edit"), 404)
