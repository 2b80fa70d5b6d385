"""Every common kind of question, answered by a council: one or several
choices, yes/no/don't know, a number, a ranking, short and long text, each
with its own checks (said on the field, never an error page), its own line
on check-your-answers, copied to the signed-off copy at sign-off, kept in
revisions and the history, and shown in sections."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commission.auth.roles import Role
from commission.consultations.models import Response, ResponseStatus
from commission.extensions import db
from tests import factories
from tests.pages import (
    error_summary,
    expect,
    form_fields,
    main_text,
    ok,
    page,
    pdf_text,
    sign_in,
)


@pytest.fixture
def consultation():
    return factories.every_kind_consultation()


@pytest.fixture
def council():
    return factories.council(name="Kirklees Council")


@pytest.fixture
def leader(council):
    return factories.person_at(authority=council, role=Role.LEADER, full_name="Tom Ashworth")


def url(consultation, council, tail: str = "") -> str:
    return f"/consultations/{consultation.reference}/responses/{council.slug}{tail}"


def stored(consultation, council) -> Response | None:
    db.session.expire_all()
    return db.session.execute(
        select(Response).where(
            Response.consultation_id == consultation.id, Response.authority_id == council.id
        )
    ).scalar_one_or_none()


def full_answers(consultation, **changes):
    """Form data answering every question; ``changes`` replace or (None)
    remove fields, by their name with the question's id left out: e.g.
    number="12" sets number_<id of the number question>."""
    q = {question.kind.value: question for question in consultation.questions}
    schools = q["single_choice"].options[1]
    services = q["multiple_choice"].options
    ranking = q["ranking"].options
    data = {
        "version": "",
        "overall_position": "support",
        "overall_comment": "",
        f"position_{q['position'].id}": "support_with_amendments",
        f"comment_{q['position'].id}": "Only with funding",
        f"choice_{q['single_choice'].id}": str(schools.id),
        f"other_{q['single_choice'].id}": "",
        f"choices_{q['multiple_choice'].id}": [str(services[0].id), str(services[2].id)],
        f"choice_{q['yes_no'].id}": "dont_know",
        f"number_{q['number'].id}": "1,250",
        f"rank_{q['ranking'].id}_{ranking[0].id}": "2",
        f"rank_{q['ranking'].id}_{ranking[1].id}": "1",
        f"rank_{q['ranking'].id}_{ranking[2].id}": "3",
        f"comment_{q['short_text'].id}": "Jo Bloggs",
        f"comment_{q['free_text'].id}": "Nothing more.",
        "check": "y",
    }
    names = {
        "choice": q["single_choice"],
        "other": q["single_choice"],
        "choices": q["multiple_choice"],
        "yes_no": q["yes_no"],
        "number": q["number"],
        "short": q["short_text"],
        "long": q["free_text"],
    }
    for key, value in changes.items():
        if key in ("check", "version"):
            if value is None:
                data.pop(key)
            else:
                data[key] = value
            continue
        if key.startswith("rank"):
            option = ranking[int(key[-1]) - 1]
            name = f"rank_{q['ranking'].id}_{option.id}"
        else:
            prefix = {"yes_no": "choice", "short": "comment", "long": "comment"}.get(key, key)
            name = f"{prefix}_{names[key].id}"
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_a_council_answers_every_kind_checks_and_signs_off(client, consultation, council, leader):
    sign_in(client, leader)
    form = ok(client.get(url(consultation, council)))
    headings = [h.get_text(strip=True) for h in form.select("main h2.app-section-heading")]
    assert headings == ["Delivery", "Your council"]
    assert "How it would work." in main_text(form)
    # Accessible ranking: a labelled select per option inside a named fieldset.
    ranking = consultation.questions[5]
    legends = [legend.get_text(" ", strip=True) for legend in form.select("legend")]
    assert "6. Rank these priorities" in legends
    for option in ranking.options:
        label = form.select_one(f"label[for=rank_{ranking.id}_{option.id}]")
        assert label is not None and label.get_text(strip=True) == option.label
    assert (
        form.select_one(f"#number_{consultation.questions[4].id}")
        .find_next(class_="govuk-input__suffix")
        .get_text(strip=True)
        == "places"
    )

    saved = client.post(url(consultation, council), data=full_answers(consultation))
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/check")

    check = page(client.get(url(consultation, council, "/check")))
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(" ", strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in check.select(".govuk-summary-list__row")
    }
    assert rows["1. Do you support the proposal?"] == "Support with amendments Only with funding"
    assert rows["2. Who should run family hubs?"] == "Schools"
    assert rows["3. Which services matter most?"] == "Health visiting Childcare"
    assert rows["4. Would you bid for funding?"] == "Don't know"
    assert rows["5. How many places would your council need?"] == "1,250 places"
    assert rows["6. Rank these priorities"] == "1. Funding 2. Speed 3. Flexibility"
    assert rows["7. Name your lead officer"] == "Jo Bloggs"
    assert rows["8. Anything else?"] == "Nothing more."
    assert [h.get_text(strip=True) for h in check.select("main h2.govuk-heading-m")][:2] == [
        "Delivery",
        "Your council",
    ]
    change = check.select_one(f"a[href$='#number_{consultation.questions[4].id}']")
    assert change is not None

    response = stored(consultation, council)
    assert response.answer_for(consultation.questions[4].id).number == 1250
    assert response.answer_for(consultation.questions[4].id).submitted_number is None
    submitted = client.post(
        url(consultation, council, "/check"),
        data={"version": str(response.version), "action": "submit"},
    )
    assert submitted.status_code == 302
    response = stored(consultation, council)
    assert response.status is ResponseStatus.SUBMITTED
    by_kind = {q.kind.value: response.answer_for(q.id) for q in consultation.questions}
    options = {q.kind.value: [o.id for o in q.options] for q in consultation.questions}
    assert by_kind["single_choice"].submitted_choice == str(options["single_choice"][1])
    assert by_kind["multiple_choice"].submitted_choices == [
        options["multiple_choice"][0],
        options["multiple_choice"][2],
    ]
    assert by_kind["yes_no"].submitted_choice == "dont_know"
    assert by_kind["number"].submitted_number == 1250
    assert by_kind["ranking"].submitted_ranking == [
        options["ranking"][1],
        options["ranking"][0],
        options["ranking"][2],
    ]
    assert by_kind["short_text"].submitted_comment == "Jo Bloggs"
    snapshot = response.revisions[0].snapshot["answers"]
    assert snapshot[str(consultation.questions[4].id)]["number"] == 1250

    words = pdf_text(client.get(url(consultation, council, ".pdf")))
    assert "Delivery" in words and "1,250 places" in words
    assert "6. Rank these priorities" in words, words[-400:]
    assert "1. Funding 2. Speed 3. Flexibility" in words, words[-400:]


def test_the_form_shows_the_saved_answers_again(client, consultation, council, leader):
    sign_in(client, leader)
    client.post(url(consultation, council), data=full_answers(consultation, check=None))
    fields = form_fields(client.get(url(consultation, council)))
    q = consultation.questions
    assert fields[f"number_{q[4].id}"] == "1250"
    assert fields[f"choice_{q[3].id}"] == "dont_know"
    assert fields[f"choices_{q[2].id}"] == [str(q[2].options[0].id), str(q[2].options[2].id)]
    assert fields[f"rank_{q[5].id}_{q[5].options[1].id}"] == "1"


def test_other_needs_its_words_and_shows_them(client, consultation, council, leader):
    sign_in(client, leader)
    refused = client.post(
        url(consultation, council), data=full_answers(consultation, choice="other")
    )
    question = consultation.questions[1]
    assert error_summary(refused) == [("Say what your other answer is", f"#other_{question.id}")]
    assert stored(consultation, council) is None

    client.post(
        url(consultation, council),
        data=full_answers(consultation, choice="other", other="A mutual"),
    )
    check = main_text(client.get(url(consultation, council, "/check")))
    assert "Other: A mutual" in check


@pytest.mark.parametrize(
    ("changes", "message", "field"),
    [
        ({"number": "5001"}, "Enter a number between 0 and 5,000", "number"),
        ({"number": "-1"}, "Enter a number between 0 and 5,000", "number"),
        ({"number": "twelve"}, "Enter a whole number, like 250", "number"),
        ({"number": "12.5"}, "Enter a whole number", "number"),
        ({"number": "9" * 400}, "Enter a whole number, like 250", "number"),
        ({"number": "1e5"}, "Enter a whole number, like 250", "number"),
        ({"number": "NaN"}, "Enter a whole number, like 250", "number"),
        ({"number": "12,5"}, "Enter a whole number, like 250", "number"),
        ({"number": "1,25,0"}, "Enter a whole number, like 250", "number"),
        ({"choices": None}, None, None),
        ({"yes_no": "maybe"}, "Select yes, no or don't know", "yes_no"),
        ({"choice": "999999"}, "Select one of the options", "choice"),
        ({"rank2": "2"}, "Give each option a different rank: no two can share one", "rank"),
        ({"rank3": ""}, "Give every option a rank from 1 to 3", "rank"),
        ({"rank3": "4"}, "Give every option a rank from 1 to 3", "rank"),
        ({"rank3": "x"}, "Give every option a rank from 1 to 3", "rank"),
        ({"short": "x" * 501}, "Your answer must be 500 characters or fewer", "short"),
        ({"short": "two\r\nlines"}, "Your answer must be one line", "short"),
    ],
)
def test_bad_answers_are_refused_on_their_field(
    client, consultation, council, leader, changes, message, field
):
    sign_in(client, leader)
    if message is None:  # leaving a question unanswered is fine in a draft
        expect(
            client.post(url(consultation, council), data=full_answers(consultation, **changes)), 302
        )
        return
    refused = client.post(url(consultation, council), data=full_answers(consultation, **changes))
    expect(refused, 200)
    q = {question.kind.value: question for question in consultation.questions}
    anchors = {
        "number": f"#number_{q['number'].id}",
        "yes_no": f"#choice_{q['yes_no'].id}",
        "choice": f"#choice_{q['single_choice'].id}",
        "rank": f"#rank_{q['ranking'].id}_{q['ranking'].options[0].id}",
        "short": f"#comment_{q['short_text'].id}",
    }
    assert error_summary(refused) == [(message, anchors[field])]
    assert stored(consultation, council) is None
    # What was typed is still there.
    assert "Kirklees" in main_text(refused)


def test_too_many_choices_are_refused(client, consultation, council, leader):
    sign_in(client, leader)
    question = consultation.questions[2]
    refused = client.post(
        url(consultation, council),
        data=full_answers(consultation, choices=[str(o.id) for o in question.options[:3]]),
    )
    assert error_summary(refused) == [("Select at most 2 options", f"#choices_{question.id}")]
    assert stored(consultation, council) is None


def test_signing_off_needs_every_required_question_but_not_the_optional_ones(
    client, consultation, council, leader
):
    sign_in(client, leader)
    client.post(
        url(consultation, council),
        data=full_answers(
            consultation, choices=None, number="", rank1="", rank2="", rank3="", short=""
        ),
    )
    check = client.get(url(consultation, council, "/check"))
    text = main_text(check)
    assert (
        "Before it can be signed off: select at least one option for question 3; enter a "
        "number for question 5; rank the options for question 6." in text
    )
    response = stored(consultation, council)
    refused = client.post(
        url(consultation, council, "/check"),
        data={"version": str(response.version), "action": "submit"},
    )
    expect(refused, 200)
    assert stored(consultation, council).submitted_at is None


def test_the_history_describes_each_kind(client, consultation, council, leader):
    sign_in(client, leader)
    client.post(url(consultation, council), data=full_answers(consultation, check=None))
    version = stored(consultation, council).version
    client.post(
        url(consultation, council),
        data=full_answers(consultation, number="40", yes_no="yes", version=str(version)),
    )
    history = main_text(client.get(url(consultation, council, "/history")))
    assert "1,250 places" in history and "40 places" in history
    assert "Don't know" in history and "Yes" in history
