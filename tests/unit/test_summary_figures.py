"""The figures of a consultation's summary, against a small set worked out by
hand: five member councils (populations 100k to 500k), three submitted
responses, one draft, one not started.

    council   type       region      population  control today    at response   overall
    Ashford   unitary    North West     100,000  Labour           Labour        Support
    Barton    district   North West     200,000  Labour           Labour        Oppose
    Carlow    county     South East     300,000  Labour           Conservative  Support
    Dunmore   London b.  London         400,000  No overall ctl   (none)        (not started)
    Eastleigh district   South East     500,000  Lib Dems         (draft only)  (Oppose, draft)

Carlow changed from Conservative to Labour after it responded: coverage uses
control today, positions use control at the time of the response.

Question 1 repeats each overall position. Question 2: Ashford Oppose, Barton
Support with amendments, Carlow Support. Question 3 is free text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from commission.consultations.models import Consultation, Position
from commission.extensions import db
from commission.membership.models import Authority, AuthorityKind, Control, Region
from commission.summaries.models import AnswerTag, Tag
from commission.summaries.queries import compute_summary, reference_day
from commission.timeutil import LONDON, now_utc, today
from tests import factories


@dataclass
class Figures:
    consultation: Consultation
    ashford: Authority
    barton: Authority
    carlow: Authority
    dunmore: Authority
    eastleigh: Authority
    area: Authority


@pytest.fixture
def figures(app_ctx) -> Figures:
    now = now_utc()
    consultation = factories.consultation(opens_at=now - timedelta(days=20), questions=3)
    q1, q2, q3 = consultation.questions

    def council(name, kind, region, population, control):
        return factories.council(
            name=name, kind=kind, region=region, population=population, control=control
        )

    ashford = council("Ashford", AuthorityKind.UNITARY, Region.NORTH_WEST, 100_000, Control.LABOUR)
    barton = council("Barton", AuthorityKind.DISTRICT, Region.NORTH_WEST, 200_000, Control.LABOUR)
    carlow = council(
        "Carlow", AuthorityKind.COUNTY, Region.SOUTH_EAST, 300_000, Control.CONSERVATIVE
    )
    dunmore = council(
        "Dunmore",
        AuthorityKind.LONDON_BOROUGH,
        Region.LONDON,
        400_000,
        Control.NO_OVERALL_CONTROL,
    )
    eastleigh = council(
        "Eastleigh",
        AuthorityKind.DISTRICT,
        Region.SOUTH_EAST,
        500_000,
        Control.LIBERAL_DEMOCRATS,
    )
    area = factories.strategic_authority(
        name="Northshire Combined Authority", constituents=[ashford, barton], member=False
    )

    for authority, overall, second in (
        (ashford, Position.SUPPORT, Position.OPPOSE),
        (barton, Position.OPPOSE, Position.SUPPORT_WITH_AMENDMENTS),
        (carlow, Position.SUPPORT, Position.SUPPORT),
    ):
        response = factories.submitted_response(
            consultation=consultation,
            authority=authority,
            position=overall,
            answers={q1.id: overall, q2.id: second},
        )
        response.submitted_at = now - timedelta(days=10)
    factories.draft_response(
        consultation=consultation,
        authority=eastleigh,
        position=Position.OPPOSE,
        answers={q1.id: (Position.OPPOSE, "Draft words"), q2.id: (Position.OPPOSE, None)},
    )
    # Carlow changed hands five days ago, after it had responded as Conservative.
    factories.political_control(
        authority=carlow, control=Control.LABOUR, effective_from=today() - timedelta(days=5)
    )
    db.session.flush()
    assert q3.kind.value == "free_text"
    return Figures(consultation, ashford, barton, carlow, dunmore, eastleigh, area)


def rows(table: dict) -> dict[str, tuple[int, float, int, float]]:
    """Position value to (count, percent, population, weighted percent), for
    positions with any responses."""
    return {
        r["position"]: (r["count"], r["percent"], r["population"], r["weighted"])
        for r in table["rows"]
        if r["count"]
    }


def groups(table: list[dict]) -> dict[str, dict[str, tuple[int, float, int, float]]]:
    return {g["group"]: rows(g) for g in table}


def coverage(table: list[dict]) -> dict[str, tuple[int, int, int, int]]:
    """Group to (members, submitted, draft, not started)."""
    return {
        row["group"]: (row["members"], row["submitted"], row["draft"], row["not_started"])
        for row in table
    }


# Coverage ------------------------------------------------------------------------------------


def test_headline_coverage_counts_members_by_response_status(figures):
    data = compute_summary(figures.consultation)

    assert data["members"] == 5
    assert data["totals"] == {"submitted": 3, "draft": 1, "not_started": 1}


def test_coverage_by_type_region_and_control_today(figures):
    data = compute_summary(figures.consultation)

    assert coverage(data["coverage"]["type"]) == {
        "County council": (1, 1, 0, 0),
        "District council": (2, 1, 1, 0),
        "London borough": (1, 0, 0, 1),
        "Unitary authority": (1, 1, 0, 0),
    }
    assert coverage(data["coverage"]["region"]) == {
        "London": (1, 0, 0, 1),
        "North West": (2, 2, 0, 0),
        "South East": (2, 1, 1, 0),
    }
    # Coverage is of members as they are now: Carlow is Labour today.
    assert coverage(data["coverage"]["control"]) == {
        "Labour": (3, 3, 0, 0),
        "Liberal Democrats": (1, 0, 1, 0),
        "No overall control": (1, 0, 0, 1),
    }


def test_coverage_by_mayoral_area_counts_its_constituent_councils(figures):
    data = compute_summary(figures.consultation)

    assert coverage(data["coverage"]["area"]) == {"Northshire Combined Authority": (2, 2, 0, 0)}


def test_not_responded_lists_members_without_a_submission_with_their_status(figures):
    data = compute_summary(figures.consultation)

    assert [(a["name"], a["status"], a["control"]) for a in data["not_responded"]] == [
        ("Dunmore", "Not started", "No overall control"),
        ("Eastleigh", "Draft only", "Liberal Democrats"),
    ]
    assert data["not_responded"][0]["type"] == "London borough"
    assert data["not_responded"][0]["region"] == "London"
    assert data["not_responded"][0]["slug"] == figures.dunmore.slug


def test_an_authority_that_is_not_a_member_is_not_counted_in_coverage(figures):
    factories.council(name="Outsider", member=False)

    data = compute_summary(figures.consultation)

    assert data["members"] == 5
    assert "Outsider" not in [a["name"] for a in data["not_responded"]]


def test_membership_is_taken_on_the_closing_day_once_closed(app_ctx):
    closes_at = now_utc() - timedelta(days=3)
    consultation = factories.consultation(
        opens_at=closes_at - timedelta(days=30), closes_at=closes_at
    )
    closing_day = closes_at.astimezone(LONDON).date()
    stayed = factories.council(name="Stayed")
    joined_later = factories.council(name="Joined later", member=False)
    factories.membership(authority=joined_later, joined_on=closing_day + timedelta(days=1))
    left_before = factories.council(name="Left before", member=False)
    factories.membership(
        authority=left_before, joined_on=date(2026, 1, 1), left_on=closing_day - timedelta(days=1)
    )

    data = compute_summary(consultation)

    assert reference_day(consultation) == closing_day
    assert data["reference_day"] == closing_day.isoformat()
    assert data["members"] == 1
    assert [a["name"] for a in data["not_responded"]] == [stayed.name]


# Positions -----------------------------------------------------------------------------------


def test_overall_positions_count_share_and_population_weighted_share(figures):
    data = compute_summary(figures.consultation)

    # Support: Ashford and Carlow, 2 of 3 (66.7%), 400k of 600k people (66.7%).
    # Oppose: Barton, 1 of 3 (33.3%), 200k of 600k (33.3%).
    assert rows(data["overall"]) == {
        "support": (2, 66.7, 400_000, 66.7),
        "oppose": (1, 33.3, 200_000, 33.3),
    }
    assert data["overall"]["total"] == 3
    assert data["overall"]["population"] == 600_000
    assert [r["position"] for r in data["overall"]["rows"]] == [p.value for p in Position]
    assert [r["count"] for r in data["overall"]["rows"]] == [2, 0, 0, 1, 0]


def test_positions_by_control_use_control_at_the_time_of_the_response(figures):
    data = compute_summary(figures.consultation)

    # Carlow counts as Conservative, as it was when it responded, though it is Labour now.
    # Labour: Ashford support (100k) and Barton oppose (200k): 50/50 by count,
    # 33.3/66.7 by population.
    assert groups(data["by_control"]) == {
        "Conservative": {"support": (1, 100.0, 300_000, 100.0)},
        "Labour": {
            "support": (1, 50.0, 100_000, 33.3),
            "oppose": (1, 50.0, 200_000, 66.7),
        },
    }
    assert [g["total"] for g in data["by_control"]] == [1, 2]


def test_positions_by_type_and_by_region(figures):
    data = compute_summary(figures.consultation)

    assert groups(data["by_type"]) == {
        "County council": {"support": (1, 100.0, 300_000, 100.0)},
        "District council": {"oppose": (1, 100.0, 200_000, 100.0)},
        "Unitary authority": {"support": (1, 100.0, 100_000, 100.0)},
    }
    assert groups(data["by_region"]) == {
        "North West": {
            "support": (1, 50.0, 100_000, 33.3),
            "oppose": (1, 50.0, 200_000, 66.7),
        },
        "South East": {"support": (1, 100.0, 300_000, 100.0)},
    }


def test_a_draft_only_response_counts_in_coverage_but_not_in_positions(figures):
    data = compute_summary(figures.consultation)

    assert "Liberal Democrats" not in groups(data["by_control"])
    assert data["overall"]["total"] == 3
    assert data["questions"][0]["total"] == 3
    assert data["totals"]["draft"] == 1


def test_the_submitted_position_counts_not_an_unsubmitted_amendment(figures):
    from commission.consultations.services import response_for

    response = response_for(figures.consultation, figures.ashford)
    response.overall_position = Position.OPPOSE
    response.answer_for(figures.consultation.questions[0].id).position = Position.OPPOSE
    db.session.flush()

    data = compute_summary(figures.consultation)

    assert rows(data["overall"])["support"][0] == 2
    assert rows(data["questions"][0])["support"][0] == 2


def test_an_authority_without_a_recorded_control_is_grouped_as_not_recorded(figures):
    unknown = factories.council(name="Fenwick", control=None, population=50_000)
    factories.submitted_response(
        consultation=figures.consultation, authority=unknown, position=Position.NEUTRAL
    )

    data = compute_summary(figures.consultation)

    assert groups(data["by_control"])["Not recorded"] == {"neutral": (1, 100.0, 50_000, 100.0)}
    assert coverage(data["coverage"]["control"])["Not recorded"] == (1, 1, 0, 0)


def test_no_responses_gives_zero_shares_not_an_error(app_ctx):
    consultation = factories.consultation()
    factories.council()

    data = compute_summary(consultation)

    assert data["overall"]["total"] == 0
    assert {(r["count"], r["percent"], r["weighted"]) for r in data["overall"]["rows"]} == {
        (0, 0.0, 0.0)
    }
    assert data["by_control"] == []
    assert data["totals"] == {"submitted": 0, "draft": 0, "not_started": 1}


# Per question --------------------------------------------------------------------------------


def test_per_question_counts_and_weighted_shares(figures):
    data = compute_summary(figures.consultation)
    first, second, third = data["questions"]

    assert (first["number"], first["kind"], first["text"]) == (1, "position", "Question 1?")
    assert rows(first) == {
        "support": (2, 66.7, 400_000, 66.7),
        "oppose": (1, 33.3, 200_000, 33.3),
    }
    # Ashford 100k oppose, Barton 200k support with amendments, Carlow 300k support.
    assert rows(second) == {
        "support": (1, 33.3, 300_000, 50.0),
        "support_with_amendments": (1, 33.3, 200_000, 33.3),
        "oppose": (1, 33.3, 100_000, 16.7),
    }
    assert second["total"] == 3
    assert second["population"] == 600_000
    assert third["kind"] == "free_text"
    assert third["rows"] == []
    assert third["by_control"] == []
    assert third["comments"] == 3


def test_per_question_split_by_control_at_the_time_of_the_response(figures):
    data = compute_summary(figures.consultation)
    first, second, _ = data["questions"]

    assert groups(first["by_control"]) == {
        "Conservative": {"support": (1, 100.0, 300_000, 100.0)},
        "Labour": {
            "support": (1, 50.0, 100_000, 33.3),
            "oppose": (1, 50.0, 200_000, 66.7),
        },
    }
    assert groups(second["by_control"]) == {
        "Conservative": {"support": (1, 100.0, 300_000, 100.0)},
        "Labour": {
            "support_with_amendments": (1, 50.0, 200_000, 66.7),
            "oppose": (1, 50.0, 100_000, 33.3),
        },
    }


def test_per_question_split_by_type_and_by_region(figures):
    data = compute_summary(figures.consultation)
    _, second, third = data["questions"]

    # Question 2: Ashford (unitary, North West, 100k) oppose; Barton (district,
    # North West, 200k) support with amendments; Carlow (county, South East, 300k) support.
    assert groups(second["by_type"]) == {
        "County council": {"support": (1, 100.0, 300_000, 100.0)},
        "District council": {"support_with_amendments": (1, 100.0, 200_000, 100.0)},
        "Unitary authority": {"oppose": (1, 100.0, 100_000, 100.0)},
    }
    assert groups(second["by_region"]) == {
        "North West": {
            "support_with_amendments": (1, 50.0, 200_000, 66.7),
            "oppose": (1, 50.0, 100_000, 33.3),
        },
        "South East": {"support": (1, 100.0, 300_000, 100.0)},
    }
    # Free text has no positions to split.
    assert third["by_type"] == [] and third["by_region"] == []


def test_questions_are_numbered_in_their_order(figures):
    data = compute_summary(figures.consultation)

    assert [(q["number"], q["id"]) for q in data["questions"]] == [
        (n, q.id) for n, q in enumerate(figures.consultation.questions, start=1)
    ]


# Themes and quotations -----------------------------------------------------------------------


def _answer(consultation, authority, number):
    from commission.consultations.services import response_for

    response = response_for(consultation, authority)
    return response.answer_for(consultation.questions[number - 1].id)


def test_themes_are_counted_per_position_of_the_tagged_comment(figures):
    consultation = figures.consultation
    funding = Tag(name="funding")
    timing = Tag(name="timing")
    db.session.add_all([funding, timing])
    db.session.flush()
    tagged = [
        (_answer(consultation, figures.ashford, 1), funding),  # support
        (_answer(consultation, figures.carlow, 1), funding),  # support
        (_answer(consultation, figures.barton, 1), funding),  # oppose
        (_answer(consultation, figures.barton, 3), timing),  # free text: no position
    ]
    for answer, tag in tagged:
        answer.submitted_comment = "A comment"
        db.session.add(AnswerTag(answer_id=answer.id, tag_id=tag.id))
    db.session.flush()

    data = compute_summary(consultation)

    assert data["themes"] == [
        {"tag": "funding", "counts": {"support": 2, "oppose": 1}, "total": 3},
        {"tag": "timing", "counts": {"none": 1}, "total": 1},
    ]


def test_quotations_are_the_two_longest_comments_per_question_with_the_council(figures):
    consultation = figures.consultation
    _answer(consultation, figures.ashford, 1).submitted_comment = "Short."
    _answer(consultation, figures.barton, 1).submitted_comment = "A much longer comment here."
    _answer(consultation, figures.carlow, 1).submitted_comment = "Middling comment."
    db.session.flush()

    data = compute_summary(consultation)

    first = [q for q in data["quotations"] if q["question"] == 1]
    assert [(q["authority"], q["position"], q["comment"]) for q in first] == [
        ("Barton", "Oppose", "A much longer comment here."),
        ("Carlow", "Support", "Middling comment."),
    ]
    assert data["questions"][0]["comments"] == 3


def test_the_summary_is_plain_data_that_survives_json(figures):
    import json

    data = compute_summary(figures.consultation)

    assert json.loads(json.dumps(data)) == data


def test_the_summary_without_question_splits_or_quotations_is_otherwise_the_same(figures):
    """The summary page asks for the headline only: each question's own page
    has its splits, and the briefing its quotations."""
    whole = compute_summary(figures.consultation)
    headline = compute_summary(figures.consultation, splits=False, quotations=False)

    assert whole["quotations"] and headline["quotations"] == []
    assert any(q["by_control"] for q in whole["questions"])
    for question in headline["questions"]:
        assert question["by_control"] == question["by_type"] == question["by_region"] == []
    strip = ("by_control", "by_type", "by_region")
    assert [{k: v for k, v in q.items() if k not in strip} for q in headline["questions"]] == [
        {k: v for k, v in q.items() if k not in strip} for q in whole["questions"]
    ]
    same = [k for k in whole if k not in ("questions", "quotations", "computed_at")]
    assert {k: headline[k] for k in same} == {k: whole[k] for k in same}
