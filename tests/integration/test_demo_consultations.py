"""The demo consultations: an open one (the Sure Start revival, DfE), one
closed by time (the English Deal, MHCLG) with about 150 responses that vary by
party, type and region, and a draft (adult social care, DHSC), all marked as
demo content; loading the demo twice changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from commission.consultations.models import (
    Consultation,
    ConsultationStatus,
    Position,
    QuestionKind,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.consultations.services import effective_status
from commission.extensions import db
from commission.meetings.models import AgendaItem
from commission.seeding.demo import load_demo
from commission.seeding.reference import load_reference_data
from tests.pages import expect, heading, page, table_rows


def demo_consultations() -> dict[str, Consultation]:
    consultations = db.session.execute(
        select(Consultation).options(selectinload(Consultation.department))
    ).scalars()
    return {c.department.short_name: c for c in consultations}


def responses_to(consultation: Consultation) -> list[Response]:
    return list(
        db.session.execute(
            select(Response)
            .where(Response.consultation_id == consultation.id)
            .options(selectinload(Response.answers), selectinload(Response.authority))
        ).scalars()
    )


@pytest.fixture
def demo(app_ctx):
    load_reference_data()
    load_demo()
    db.session.flush()
    return demo_consultations()


def test_three_demo_consultations_in_three_states(demo):
    assert sorted(demo) == ["DHSC", "DfE", "MHCLG"]
    assert all(c.is_demo for c in demo.values())
    assert all(c.reference.startswith("LGC-") for c in demo.values())
    assert len({c.reference for c in demo.values()}) == 3

    sure_start, english_deal, care = demo["DfE"], demo["MHCLG"], demo["DHSC"]
    assert "Sure Start" in sure_start.title
    assert effective_status(sure_start) is ConsultationStatus.OPEN
    assert sure_start.lead_office.title == "Secretary of State for Education"
    assert "English Deal" in english_deal.title
    assert english_deal.status is ConsultationStatus.OPEN
    assert effective_status(english_deal) is ConsultationStatus.CLOSED  # closed by time
    assert "adult social care" in care.title.lower()
    assert care.status is ConsultationStatus.DRAFT
    kinds = [q.kind for q in sure_start.questions]
    assert kinds == [QuestionKind.POSITION, QuestionKind.POSITION, QuestionKind.FREE_TEXT]
    # The English Deal asks a question of every kind, in two sections.
    assert [q.kind for q in english_deal.questions] == [
        QuestionKind.POSITION,
        QuestionKind.POSITION,
        QuestionKind.FREE_TEXT,
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.YES_NO,
        QuestionKind.NUMBER,
        QuestionKind.RANKING,
        QuestionKind.SHORT_TEXT,
    ]
    assert [s.title for s in english_deal.sections] == [
        "Powers and funding",
        "Your council's needs",
    ]
    assert all(q.section is not None for q in english_deal.questions)

    item = db.session.execute(
        select(AgendaItem).where(AgendaItem.title.like("Reviving Sure Start%"))
    ).scalar_one()
    assert item.consultation_id == sure_start.id


def test_the_closed_consultation_has_about_150_varied_responses(demo):
    english_deal = demo["MHCLG"]
    responses = responses_to(english_deal)
    assert 140 <= len(responses) <= 150
    assert len({r.authority_id for r in responses}) == len(responses)
    assert all(r.status is ResponseStatus.SUBMITTED for r in responses)
    assert all(r.submission_count == 1 for r in responses)
    assert all(r.submitted_at < english_deal.closes_at for r in responses)
    assert all(r.updated_at == r.submitted_at for r in responses)
    assert all(r.submitted_position is r.overall_position for r in responses)
    # Every required question is answered; the optional short text by some.
    assert all(8 <= len(r.answers) <= 9 for r in responses)
    assert any(len(r.answers) == 8 for r in responses)
    number = english_deal.questions[6]
    places = [r.answer_for(number.id).submitted_number for r in responses]
    assert all(p is not None and 0 <= p <= 2000 for p in places)
    assert len(set(places)) > 20
    free_text = english_deal.questions[2]
    assert all(r.answer_for(free_text.id).submitted_comment for r in responses)

    positions = Counter(r.submitted_position for r in responses)
    assert len(positions) >= 4, positions
    assert max(positions.values()) < len(responses) * 0.6

    by_control: dict[str | None, Counter] = {}
    for r in responses:
        by_control.setdefault(r.control_at_submission, Counter())[r.submitted_position] += 1
    assert len([c for c in by_control if c]) >= 4
    # Positions differ by party: the parties' favourite positions are not all the same.
    favourites = {
        control: counts.most_common(1)[0][0]
        for control, counts in by_control.items()
        if sum(counts.values()) >= 10
    }
    assert len(set(favourites.values())) >= 2, favourites
    # Mayoral authorities lean towards support.
    mayoral = [r for r in responses if r.authority.mayoral]
    if mayoral:
        assert all(
            r.submitted_position in {Position.SUPPORT, Position.SUPPORT_WITH_AMENDMENTS}
            for r in mayoral
        )
    assert len({r.authority.region for r in responses}) >= 5
    # Positions differ by region: the north, with long-standing deals, is keener
    # than the shire areas of the south and east.
    north = {"North East", "North West", "Yorkshire and The Humber"}
    south = {"East of England", "South East", "South West"}

    def keen(regions: set[str]) -> float:
        here = [
            r for r in responses if r.authority.region.value in regions and not r.authority.mayoral
        ]
        favour = {Position.SUPPORT, Position.SUPPORT_WITH_AMENDMENTS}
        return sum(r.submitted_position in favour for r in here) / len(here)

    assert keen(north) > keen(south) + 0.15
    assert len({r.authority.kind for r in responses}) >= 4

    revisions = db.session.execute(
        select(func.count(ResponseRevision.id))
        .join(Response)
        .where(Response.consultation_id == english_deal.id)
    ).scalar_one()
    assert revisions == len(responses)


def test_the_open_and_draft_consultations_have_no_responses(demo):
    assert responses_to(demo["DfE"]) == []
    assert responses_to(demo["DHSC"]) == []


def test_loading_the_demo_again_changes_nothing(demo):
    before = {c.reference for c in demo.values()}
    count = db.session.execute(select(func.count(Response.id))).scalar_one()
    load_demo()
    db.session.flush()
    again = db.session.execute(select(Consultation.reference)).scalars().all()
    assert sorted(again) == sorted(before)
    assert db.session.execute(select(func.count(Response.id))).scalar_one() == count


def test_the_demo_consultations_on_the_public_pages(client, demo):
    listing = client.get("/consultations")
    captions = [c.get_text(strip=True) for c in page(listing).select("main caption")]
    assert captions == ["Open consultations", "Closed consultations"]
    open_rows = table_rows(listing, "main table")
    assert [r[0].split(" LGC")[0] for r in open_rows] == [demo["DfE"].title]
    text = page(listing).select_one("main").get_text(" ", strip=True)
    assert demo["MHCLG"].title in text
    assert demo["DHSC"].title not in text

    shown = client.get(f"/consultations/{demo['DfE'].reference}")
    assert heading(shown) == demo["DfE"].title
    main = page(shown).select_one("main").get_text(" ", strip=True)
    assert "Demo content" in main
    assert "not a real government consultation" in main
    expect(client.get(f"/consultations/{demo['DHSC'].reference}"), 404)
