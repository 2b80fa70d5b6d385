"""Downloads of the summary: every answer as CSV (one row per authority per
question, and one for the overall position), a spreadsheet (headline sheet, a
sheet per question, raw responses, comments) and the ministerial briefing pack
as PDF (cover, headline figures, charts, per-question tables, quotations with
their council named)."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest
from sqlalchemy import delete, select

from commission.auth.roles import Role
from commission.consultations.models import ConsultationStatus, Position
from commission.consultations.services import response_for
from commission.extensions import db
from commission.membership.models import Authority, AuthorityKind, Control, Region
from commission.summaries.models import AnswerTag, Tag
from commission.summaries.views import RAW_HEADER
from commission.timeutil import format_date, now_utc, today
from tests import factories
from tests.pages import expect, page, pdf_text, read_csv, sign_in, sign_out


@pytest.fixture
def consultation(app_ctx):
    """Ashford (Labour, 100k) supports; Barton (Conservative district, 200k)
    opposes; Carlow (100k) has not started. Question 1 asks for a position,
    question 2 is free text."""
    now = now_utc()
    consultation = factories.consultation(
        title="Reforming the business rates retention scheme",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    consultation.status = ConsultationStatus.CLOSED
    ashford = factories.council(name="Ashford", population=100_000, control=Control.LABOUR)
    barton = factories.council(
        name="Barton",
        population=200_000,
        control=Control.CONSERVATIVE,
        kind=AuthorityKind.DISTRICT,
        region=Region.SOUTH_EAST,
    )
    factories.council(name="Carlow")
    factories.submitted_response(
        consultation=consultation, authority=ashford, position=Position.SUPPORT
    )
    factories.submitted_response(
        consultation=consultation, authority=barton, position=Position.OPPOSE
    )
    q1, q2 = consultation.questions
    answer = response_for(consultation, barton).answer_for(q2.id)
    answer.submitted_comment = "Rural districts need a longer transition to the new scheme."
    answer = response_for(consultation, ashford).answer_for(q1.id)
    answer.submitted_comment = '=HYPERLINK("http://example.com")'
    db.session.flush()
    return consultation


@pytest.fixture
def secretariat(client):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    return client


def url(consultation, file_format: str) -> str:
    return f"/consultations/{consultation.reference}/summary.{file_format}"


# CSV ---------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_authority_per_question_and_the_overall_row(consultation, secretariat):
    response = secretariat.get(url(consultation, "csv"))

    expect(response, 200)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{consultation.reference}-summary.csv"'
    )
    header, *rows = read_csv(response)
    assert header == RAW_HEADER
    assert header[:3] == ["Reference", "GSS code", "Authority"]
    # Two submitted responses, each with the overall row and two questions.
    assert [(r[2], r[9], r[11]) for r in rows] == [
        ("Ashford", "Overall", "Support"),
        ("Ashford", "1", "Support"),
        ("Ashford", "2", ""),
        ("Barton", "Overall", "Oppose"),
        ("Barton", "1", "Oppose"),
        ("Barton", "2", ""),
    ]
    barton = rows[5]
    assert barton[0] == consultation.reference
    assert barton[3:8] == ["District council", "South East", "Conservative", "200000", "Online"]
    assert barton[10] == "Question 2?"
    assert barton[12] == "Rural districts need a longer transition to the new scheme."
    assert "Carlow" not in {r[2] for r in rows}


def test_csv_neutralises_comments_that_look_like_formulas(consultation, secretariat):
    _, *rows = read_csv(secretariat.get(url(consultation, "csv")))

    assert rows[1][12] == '\'=HYPERLINK("http://example.com")'


def test_csv_scales_with_authorities_and_questions(app_ctx, secretariat):
    consultation = factories.consultation(questions=4)
    for _ in range(3):
        factories.submitted_response(consultation=consultation, authority=factories.council())

    _, *rows = read_csv(secretariat.get(url(consultation, "csv")))

    assert len(rows) == 3 * (4 + 1)


# XLSX --------------------------------------------------------------------------------------------


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_has_headline_question_raw_and_comment_sheets(consultation, secretariat):
    response = secretariat.get(url(consultation, "xlsx"))

    expect(response, 200)
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = workbook(response)
    assert book.sheetnames == ["Headline", "Q1", "Q2", "Themes", "Raw responses", "Comments"]


def test_xlsx_headline_sheet_has_coverage_and_overall_positions(consultation, secretariat):
    book = workbook(secretariat.get(url(consultation, "xlsx")))
    rows = values(book["Headline"])

    assert rows[1][:2] == ["Member authorities", 3]
    assert rows[2][:2] == ["Submitted", 2]
    assert rows[3][:2] == ["Draft only", 0]
    assert rows[4][:2] == ["Not started", 1]
    table = {row[0]: row[1:] for row in rows[7:]}
    # Support: 1 of 2 (50%), 100k of 300k (33.3%); Oppose: 200k (66.7%).
    assert table["Support"] == [1, 50.0, 100_000, 33.3]
    assert table["Oppose"] == [1, 50.0, 200_000, 66.7]
    assert table["Neutral"] == [0, 0.0, 0, 0.0]


def test_xlsx_question_sheet_has_the_question_and_its_positions(consultation, secretariat):
    book = workbook(secretariat.get(url(consultation, "xlsx")))
    rows = values(book["Q1"])

    assert rows[0] == ["Position", "Authorities", "Share", "Population", "Population share"]
    assert rows[1][0] == "Question 1?"
    assert rows[2] == ["Support", 1, 50.0, 100_000, 33.3]
    assert rows[5] == ["Oppose", 1, 50.0, 200_000, 66.7]
    assert values(book["Q2"])[1][0] == "Question 2?"


def test_xlsx_raw_and_comment_sheets(consultation, secretariat):
    book = workbook(secretariat.get(url(consultation, "xlsx")))
    raw = values(book["Raw responses"])
    comments = values(book["Comments"])

    assert raw[0] == RAW_HEADER
    assert len(raw) == 1 + 6
    assert comments[0] == RAW_HEADER
    assert [(r[2], r[9], r[12]) for r in comments[1:]] == [
        ("Ashford", "1", '\'=HYPERLINK("http://example.com")'),
        ("Ashford", "2", "Our view"),
        ("Barton", "2", "Rural districts need a longer transition to the new scheme."),
    ]


# PDF ---------------------------------------------------------------------------------------------


def test_pdf_briefing_pack_has_cover_headline_tables_and_quotations(consultation, secretariat):
    text = pdf_text(secretariat.get(url(consultation, "pdf")))

    assert "Local Government Commission: ministerial briefing" in text
    assert "Reforming the business rates retention scheme" in text
    assert consultation.reference in text
    assert "Live figures, produced" in text
    assert " Closed " in text
    assert "2 of 3 member authorities submitted a position." in text
    assert "Support 1 50.0% 33.3%" in text
    assert "Oppose 1 50.0% 66.7%" in text
    assert "By political control at the time of the response" in text
    assert "Question by question" in text
    # Quotations name their council, and its position on a position question.
    assert "“Rural districts need a longer transition to the new scheme.” \u2013 Barton" in text
    assert "” \u2013 Ashford, support" in text


def test_the_published_pdf_is_the_frozen_snapshot_for_everyone(consultation, client):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=consultation, published=True)
    factories.submitted_response(consultation=consultation, authority=factories.council())

    text = pdf_text(client.get(url(consultation, "pdf")))

    assert "Figures frozen" in text
    assert "2 of 3 member authorities submitted a position." in text


# Authorities that have not responded -------------------------------------------------------------


def test_the_authorities_that_have_not_responded_download_as_csv(consultation, secretariat):
    eastleigh = factories.council(name="Eastleigh", control=Control.GREEN)
    factories.draft_response(consultation=consultation, authority=eastleigh, position=None)
    summary = secretariat.get(f"/consultations/{consultation.reference}/summary")
    link = page(summary).find("a", string="Download the authorities that have not submitted (CSV)")
    assert link["href"] == (
        f"/consultations/{consultation.reference}/summary.csv?list=not-responded"
    )

    response = secretariat.get(link["href"])

    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{consultation.reference}-not-responded.csv"'
    )
    header, *rows = read_csv(response)
    assert header == ["Authority", "Type", "Region", "Political control", "Status"]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("Carlow", "Labour", "Not started"),
        ("Eastleigh", "Green", "Draft only"),
    ]


@pytest.mark.parametrize("role", [None, Role.LEADER])
def test_only_the_summarys_audience_downloads_who_has_not_responded(consultation, client, role):
    consultation.status = ConsultationStatus.SUMMARY_PUBLISHED
    factories.summary_snapshot(consultation=consultation, published=True)
    if role is not None:
        sign_in(client, factories.user(role=role))

    response = client.get(url(consultation, "csv") + "?list=not-responded")

    expect(response, 404)


def test_the_briefing_cover_says_closes_while_the_consultation_is_open(app_ctx, secretariat):
    consultation = factories.consultation(title="Place-based budgets")
    factories.submitted_response(consultation=consultation, authority=factories.council())

    text = pdf_text(secretariat.get(url(consultation, "pdf")))

    assert "Place-based budgets" in text
    assert " Closes " in text
    assert " Closed " not in text


# Themes in every download ------------------------------------------------------------------------


def tag(answer, *names: str) -> None:
    for name in names:
        found = db.session.execute(select(Tag).where(Tag.name == name)).scalar_one_or_none()
        if found is None:
            found = Tag(name=name)
            db.session.add(found)
            db.session.flush()
        db.session.add(AnswerTag(answer_id=answer.id, tag_id=found.id))
    db.session.flush()


def answer_of(consultation, council: str, number: int):
    authority = db.session.execute(select(Authority).where(Authority.name == council)).scalar_one()
    return response_for(consultation, authority).answer_for(consultation.questions[number - 1].id)


@pytest.fixture
def tagged(consultation):
    """Ashford's comment on question 1 (support) is about funding; Barton's on
    question 2 (free text) about rural areas and the transition."""
    tag(answer_of(consultation, "Ashford", 1), "funding")
    tag(answer_of(consultation, "Barton", 2), "transition", "rural areas")
    return consultation


THEMES_HEADER = [
    "Question",
    "Theme",
    "Support",
    "Support with amendments",
    "Neutral",
    "Oppose",
    "No position",
    "Free-text answers",
    "All",
]


def test_csv_gives_each_answers_themes(tagged, secretariat):
    header, *rows = read_csv(secretariat.get(url(tagged, "csv")))

    assert header[-2:] == ["Themes", "Answer"]
    assert [(r[2], r[9], r[13]) for r in rows] == [
        ("Ashford", "Overall", ""),
        ("Ashford", "1", "funding"),
        ("Ashford", "2", ""),
        ("Barton", "Overall", ""),
        ("Barton", "1", ""),
        ("Barton", "2", "rural areas; transition"),
    ]


def test_xlsx_gives_each_comments_themes_and_a_themes_sheet(tagged, secretariat):
    book = workbook(secretariat.get(url(tagged, "xlsx")))

    comments = values(book["Comments"])
    assert [(r[2], r[9], r[13]) for r in comments[1:]] == [
        ("Ashford", "1", "funding"),
        ("Ashford", "2", None),
        ("Barton", "2", "rural areas; transition"),
    ]
    assert values(book["Themes"]) == [
        THEMES_HEADER,
        ["All questions", "funding", 1, 0, 0, 0, 0, 0, 1],
        ["All questions", "rural areas", 0, 0, 0, 0, 0, 1, 1],
        ["All questions", "transition", 0, 0, 0, 0, 0, 1, 1],
        ["Q1", "funding", 1, 0, 0, 0, 0, 0, 1],
        ["Q2", "rural areas", 0, 0, 0, 0, 0, 1, 1],
        ["Q2", "transition", 0, 0, 0, 0, 0, 1, 1],
    ]


def test_a_theme_change_gives_a_new_live_spreadsheet(tagged, secretariat):
    before = values(workbook(secretariat.get(url(tagged, "xlsx")))["Themes"])
    tag(answer_of(tagged, "Ashford", 2), "funding")

    after = values(workbook(secretariat.get(url(tagged, "xlsx")))["Themes"])

    assert after != before
    assert ["All questions", "funding", 1, 0, 0, 0, 0, 1, 2] in after


def test_the_briefing_gives_each_questions_themes_by_position_with_a_quotation(tagged, secretariat):
    text = pdf_text(secretariat.get(url(tagged, "pdf")))

    themes = text[text.index("Themes on each question") : text.index("What councils said")]
    assert "1. Question 1?" in themes
    assert (
        'Funding: 1 comment (1 support). “=HYPERLINK("http://example.com")” \u2013 Ashford, support'
        in themes
    )
    assert "2. Question 2?" in themes
    quote = "“Rural districts need a longer transition to the new scheme.” \u2013 Barton"
    assert f"Rural areas: 1 comment (1 free text). {quote}" in themes
    assert f"Transition: 1 comment (1 free text). {quote}" in themes


def test_the_briefing_says_nothing_of_themes_when_none_are_tagged(consultation, secretariat):
    assert "Themes on each question" not in pdf_text(secretariat.get(url(consultation, "pdf")))


def test_the_briefing_charts_have_a_legend_and_their_values(consultation, secretariat):
    """Each chart has its legend and its bars' shares; every share is in the
    table beside the chart (a PDF's chart has no list of values under it)."""
    text = pdf_text(secretariat.get(url(consultation, "pdf")))

    assert "Overall positions, share of responding authorities" in text
    assert "Support Support with amendments Neutral Oppose No position" in text  # the legend
    assert "By count (2 responses) 50.0% 50.0%" in text
    assert "Weighted by population (2 responses) 33.3% 66.7%" in text
    # The headline's table: authorities, share, share by population.
    assert "Support 1 50.0% 33.3%" in text
    assert "Oppose 1 50.0% 66.7%" in text
    assert "Conservative (1 response) 100.0%" in text
    assert "their share of the group's responses" in text
    assert "Conservative 0 (0.0%) 0 (0.0%) 0 (0.0%) 1 (100.0%) 0 (0.0%) 1" in text
    assert "Unitary authority 1 (100.0%) 0 (0.0%)" in text
    assert "Support: 50.0%" not in text  # no list of values under a bar


def publish(client, consultation) -> None:
    expect(client.post(f"/consultations/{consultation.reference}/summary/publish"), 302)


def test_the_published_summarys_downloads_keep_the_themes_as_they_were(tagged, secretariat):
    publish(secretariat, tagged)
    barton = answer_of(tagged, "Barton", 2)
    db.session.execute(delete(AnswerTag).where(AnswerTag.answer_id == barton.id))
    tag(barton, "tagged later")

    for who in ("the secretariat", "the public"):
        _, *rows = read_csv(secretariat.get(url(tagged, "csv")))
        assert rows[5][13] == "rural areas; transition", who
        themes = values(workbook(secretariat.get(url(tagged, "xlsx")))["Themes"])
        assert "tagged later" not in {row[1] for row in themes}, who
        assert ["Q2", "transition", 0, 0, 0, 0, 0, 1, 1] in themes, who
        text = pdf_text(secretariat.get(url(tagged, "pdf")))
        assert "Transition: 1 comment (1 free text). “Rural districts" in text, who
        assert "tagged later" not in text.lower(), who
        sign_out(secretariat)


def test_the_published_briefing_says_published_summary_with_the_date(consultation, secretariat):
    publish(secretariat, consultation)

    for who in ("the secretariat", "the public"):
        text = pdf_text(secretariat.get(url(consultation, "pdf")))
        assert f"Published summary, {format_date(today())}" in text, who
        assert "Live figures" not in text, who
        sign_out(secretariat)


def test_a_meeting_snapshots_briefing_says_frozen_not_published(consultation, secretariat):
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())

    text = pdf_text(secretariat.get(url(consultation, "pdf") + f"?snapshot={snapshot.id}"))

    assert "Figures frozen" in text
    assert "Published summary" not in text


def test_a_snapshot_frozen_before_themes_were_kept_still_downloads(consultation, secretariat):
    """Snapshots made before answers carried their themes have rows a column
    short, and figures without themes per question."""
    snapshot = factories.summary_snapshot(consultation=consultation, meeting=factories.meeting())
    data = dict(snapshot.data)
    data.pop("question_themes", None)
    snapshot.data = data  # type: ignore[assignment]
    frozen_then = ["REF", "E1", "Ashford", "Unitary authority", "North West", "Labour", 100000]
    frozen_then += ["Online", "2026-01-01T10:00:00+00:00", "1", "Question 1?", "Support"]
    snapshot.answers = [[*frozen_then, "A comment"]]
    db.session.flush()
    address = url(consultation, "{}") + f"?snapshot={snapshot.id}"

    header, row = read_csv(secretariat.get(address.format("csv")))
    assert header[-2:] == ["Themes", "Answer"]
    assert row[12:] == ["A comment", "", ""]
    book = workbook(secretariat.get(address.format("xlsx")))
    assert values(book["Themes"]) == [THEMES_HEADER]
    assert "Published summary" not in pdf_text(secretariat.get(address.format("pdf")))
