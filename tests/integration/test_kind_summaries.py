"""The summary of choice, yes/no, number and ranking questions, against
figures worked out by hand: head-count and population, overall and by
control at the time of the response, type and region; on the summary page,
each question's page, the figures CSV, the answers CSV, the spreadsheet and
the briefing pack; in a fixed number of statements whatever the number of
questions and responses; and old snapshots without these figures still
shown."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import delete

from commission.auth.roles import Role
from commission.consultations.models import Question, QuestionKind, QuestionOption
from commission.exports.models import CachedDownload
from commission.extensions import db
from commission.membership.models import AuthorityKind, Control, Region
from commission.summaries.queries import compute_question, compute_summary
from tests import factories
from tests.conftest import count_statements
from tests.pages import expect, ok, pdf_text, read_csv, sign_in


def q_of(consultation, kind: str) -> Question:
    return next(q for q in consultation.questions if q.kind.value == kind)


def option(question: Question, label: str) -> int:
    return next(o.id for o in question.options if o.label == label)


@pytest.fixture
def consultation(app_ctx):
    """Four councils answer: Ashford (Labour unitary, North West, 100k),
    Barton (Conservative district, South East, 200k), Carlow (Labour
    unitary, North West, 300k), Dunmore (Green unitary, North West, 400k),
    who gives no number and chooses no services."""
    consultation = factories.every_kind_consultation()
    single = q_of(consultation, "single_choice")
    several = q_of(consultation, "multiple_choice")
    yes_no = q_of(consultation, "yes_no")
    number = q_of(consultation, "number")
    ranking = q_of(consultation, "ranking")
    s, f, x = (option(ranking, label) for label in ("Speed", "Funding", "Flexibility"))
    hv, ps, cc = (
        option(several, label) for label in ("Health visiting", "Parenting support", "Childcare")
    )
    councils = [
        ("Ashford", Control.LABOUR, AuthorityKind.UNITARY, Region.NORTH_WEST, 100_000),
        ("Barton", Control.CONSERVATIVE, AuthorityKind.DISTRICT, Region.SOUTH_EAST, 200_000),
        ("Carlow", Control.LABOUR, AuthorityKind.UNITARY, Region.NORTH_WEST, 300_000),
        ("Dunmore", Control.GREEN, AuthorityKind.UNITARY, Region.NORTH_WEST, 400_000),
    ]
    answers = {
        "Ashford": (str(option(single, "Councils")), [hv, ps], "yes", 100, [f, s, x]),
        "Barton": (str(option(single, "Schools")), [hv], "no", 300, [s, f, x]),
        "Carlow": (str(option(single, "Councils")), [cc], "yes", 50, [f, x, s]),
        "Dunmore": ("other", None, "dont_know", None, [x, s, f]),
    }
    for name, control, kind, region, population in councils:
        authority = factories.council(
            name=name, control=control, kind=kind, region=region, population=population
        )
        response = factories.submitted_response(consultation=consultation, authority=authority)
        choice, chosen, yes, places, ranked = answers[name]
        factories.kind_answer(
            response=response,
            question=single,
            choice=choice,
            text="A mutual" if choice == "other" else None,
        )
        factories.kind_answer(response=response, question=several, choices=chosen)
        factories.kind_answer(response=response, question=yes_no, choice=yes)
        factories.kind_answer(response=response, question=number, number=places)
        factories.kind_answer(response=response, question=ranking, ranking=ranked)
    # A draft never counts.
    draft = factories.draft_response(
        consultation=consultation, authority=factories.council(name="Eastleigh")
    )
    factories.kind_answer(response=draft, question=number, number=9999)
    draft.answer_for(number.id).submitted_number = None
    db.session.flush()
    return consultation


@pytest.fixture
def secretariat(client):
    sign_in(client, factories.user(role=Role.SECRETARIAT))
    return client


def figures(consultation, kind: str, summary=None):
    summary = summary or compute_summary(consultation)
    return next(q for q in summary["questions"] if q["kind"] == kind)["figures"]


def options(table) -> dict[str, tuple]:
    return {
        o["label"]: (o["count"], o["percent"], o["population"], o["weighted"])
        for o in table["options"]
    }


def group(tables, name: str):
    return next(t for t in tables if t["group"] == name)


def test_one_choice_counts_each_option_and_other(consultation):
    single = figures(consultation, "single_choice")
    assert single["overall"]["respondents"] == 4
    assert single["overall"]["population"] == 1_000_000
    assert options(single["overall"]) == {
        "Councils": (2, 50.0, 400_000, 40.0),
        "Schools": (1, 25.0, 200_000, 20.0),
        "Charities": (0, 0.0, 0, 0.0),
        "Other": (1, 25.0, 400_000, 40.0),
    }
    labour = group(single["by_control"], "Labour")
    assert options(labour)["Councils"] == (2, 100.0, 400_000, 100.0)
    assert [t["group"] for t in single["by_type"]] == ["District council", "Unitary authority"]
    assert [t["group"] for t in single["by_region"]] == ["North West", "South East"]


def test_several_choices_are_shares_of_respondents(consultation):
    several = figures(consultation, "multiple_choice")
    assert several["overall"]["respondents"] == 3
    assert options(several["overall"]) == {
        "Health visiting": (2, 66.7, 300_000, 50.0),
        "Parenting support": (1, 33.3, 100_000, 16.7),
        "Childcare": (1, 33.3, 300_000, 50.0),
        "Debt advice": (0, 0.0, 0, 0.0),
    }


def test_yes_no_is_counted_like_positions(consultation):
    yes_no = figures(consultation, "yes_no")
    assert options(yes_no["overall"]) == {
        "Yes": (2, 50.0, 400_000, 40.0),
        "No": (1, 25.0, 200_000, 20.0),
        "Don't know": (1, 25.0, 400_000, 40.0),
    }
    green = group(yes_no["by_control"], "Green")
    assert options(green)["Don't know"] == (1, 100.0, 400_000, 100.0)


def test_a_number_has_its_total_median_range_and_weighted_mean(consultation):
    number = figures(consultation, "number")
    assert number["unit"] == "places"
    overall = number["overall"]
    # 100, 300 and 50 places; Dunmore gave none.
    assert (overall["respondents"], overall["population"]) == (3, 600_000)
    assert (overall["total"], overall["median"], overall["min"], overall["max"]) == (
        450,
        100,
        50,
        300,
    )
    assert overall["mean"] == 150
    # (100 x 100k + 300 x 200k + 50 x 300k) / 600k
    assert overall["weighted_mean"] == 141.67
    labour = group(number["by_control"], "Labour")
    assert (labour["total"], labour["median"], labour["min"], labour["max"]) == (150, 75, 50, 100)
    assert labour["weighted_mean"] == 62.5  # (100 x 100k + 50 x 300k) / 400k
    assert [t["group"] for t in number["by_control"]] == ["Conservative", "Labour"]


def test_a_ranking_has_mean_ranks_and_first_preferences(consultation):
    ranking = figures(consultation, "ranking")
    ranks = {
        r["label"]: (r["mean_rank"], r["weighted_mean_rank"], r["first"], r["first_percent"])
        for r in ranking["overall"]["ranks"]
    }
    assert ranks == {
        "Speed": (2.0, 2.1, 1, 25.0),
        "Funding": (1.75, 2.0, 2, 50.0),
        "Flexibility": (2.25, 1.9, 1, 25.0),
    }
    first = {r["label"]: r["first_weighted"] for r in ranking["overall"]["ranks"]}
    assert first == {"Speed": 20.0, "Funding": 40.0, "Flexibility": 40.0}
    labour = {r["label"]: r["mean_rank"] for r in group(ranking["by_control"], "Labour")["ranks"]}
    assert labour == {"Speed": 2.5, "Funding": 1.0, "Flexibility": 2.5}


def test_a_question_alone_gives_the_same_figures(consultation):
    number = q_of(consultation, "number")
    alone = compute_question(consultation, consultation.questions.index(number) + 1)
    assert alone["question"]["figures"] == figures(consultation, "number")


def test_the_summary_page_and_a_question_page_show_the_figures(consultation, secretariat):
    url = f"/consultations/{consultation.reference}/summary"
    soup = ok(secretariat.get(url))
    assert "Choices, numbers and rankings" in soup.get_text()
    number_table = soup.find("caption", string=lambda s: s and "Question 5: the numbers" in s)
    cells = [td.get_text(strip=True) for td in number_table.find_parent("table").select("tbody td")]
    assert cells == ["3", "450", "100.0", "50", "300", "150.00", "141.67"]
    question_row = next(
        row for row in soup.select("#questions tbody tr") if "Rank these" in row.get_text()
    )
    assert "A ranking: see its figures" in question_row.get_text(" ", strip=True)

    page = ok(secretariat.get(f"{url}/questions/6"))
    split = page.find("caption", string=lambda s: s and "ranking by political control" in s)
    rows = [
        [c.get_text(" ", strip=True) for c in tr.select("th, td")]
        for tr in split.find_parent("table").select("tbody tr")
    ]
    assert rows[1] == ["Green", "2.00 (0)", "3.00 (0)", "1.00 (1)", "1"]
    one_choice = ok(secretariat.get(f"{url}/questions/2"))
    by_region = one_choice.find("caption", string=lambda s: s and "answers by region" in s)
    first = by_region.find_parent("table").select_one("tbody tr")
    assert first.get_text(" ", strip=True).startswith("North West 2 (66.7%; 50.0%)")


def test_the_figures_csv_gives_every_kind_overall_and_split(consultation, secretariat):
    rows = read_csv(
        secretariat.get(
            f"/consultations/{consultation.reference}/summary.csv?list=figures",
            follow_redirects=True,
        )
    )
    assert rows[0] == [
        "Question number",
        "Question",
        "Kind",
        "Split",
        "Group",
        "Answer",
        "Measure",
        "Value",
    ]
    keyed = {tuple(row[3:7]): row[7] for row in rows[1:] if row[0] == "5"}
    assert keyed[("Overall", "All", "", "Median")] == "100.0"
    assert keyed[("Overall", "All", "", "Total")] == "450.0"
    assert (
        keyed[
            (
                "Political control at the time of the response",
                "Labour",
                "",
                "Mean weighted by population",
            )
        ]
        == "62.5"
    )
    ranking = {tuple(row[3:7]): row[7] for row in rows[1:] if row[0] == "6"}
    assert ranking[("Overall", "All", "Funding", "First preferences")] == "2"
    assert ranking[("Region", "South East", "Speed", "Mean rank")] == "1.0"
    single = {tuple(row[3:7]): row[7] for row in rows[1:] if row[0] == "2"}
    assert single[("Overall", "All", "Other", "Population share (%)")] == "40.0"
    position = {tuple(row[3:7]): row[7] for row in rows[1:] if row[0] == "1"}
    assert position[("Overall", "All", "Support", "Authorities")] == "4"
    assert not [row for row in rows[1:] if row[0] in ("7", "8")]  # text has no figures


def test_the_answers_csv_spreadsheet_and_briefing_carry_each_kind(consultation, secretariat):
    base = f"/consultations/{consultation.reference}/summary"
    rows = read_csv(secretariat.get(f"{base}.csv"))
    assert rows[0][-1] == "Answer"
    barton = {row[9]: row for row in rows[1:] if row[2] == "Barton"}
    assert barton["3"][-1] == "Health visiting"
    assert barton["5"][-1] == "300 places"
    assert barton["6"][-1] == "1. Speed; 2. Funding; 3. Flexibility"
    dunmore = {row[9]: row[-1] for row in rows[1:] if row[2] == "Dunmore"}
    assert dunmore["2"] == "Other: A mutual"
    assert dunmore["4"] == "Don't know"

    book = openpyxl.load_workbook(io.BytesIO(secretariat.get(f"{base}.xlsx").get_data()))
    sheet = [list(row) for row in book["Q5"].iter_rows(values_only=True)]
    assert ["Overall", "All", None, "Median", 100] in [
        [cell if cell != "" else None for cell in row] for row in sheet
    ]
    ranking = [list(row) for row in book["Q6"].iter_rows(values_only=True)]
    assert ["Overall", "All", "Funding", "Mean rank", 1.75] in ranking

    words = pdf_text(secretariat.get(f"{base}.pdf"))
    assert "Choices, numbers and rankings" in words
    assert "5. How many places would your council need?" in words
    assert "All 3 450 100.0 50\u2013300 141.67" in words
    assert "Councils" in words and "2 (50.0%; 40.0% pop.)" in words
    assert "1.75 (2 first)" in words


def test_an_old_snapshot_without_these_figures_still_shows(consultation, secretariat):
    snapshot = factories.summary_snapshot(consultation=consultation)
    data = dict(snapshot.data)
    data["questions"] = [
        {key: value for key, value in q.items() if key != "figures"} for q in data["questions"]
    ]
    snapshot.data = data
    db.session.flush()
    url = f"/consultations/{consultation.reference}/summary/snapshots/{snapshot.id}"
    soup = ok(secretariat.get(url))
    assert "Choices, numbers and rankings" not in soup.get_text()
    ok(secretariat.get(f"{url}/questions/5"))
    rows = read_csv(
        secretariat.get(
            f"/consultations/{consultation.reference}/summary.csv?list=figures&snapshot={snapshot.id}"
        )
    )
    assert not [row for row in rows[1:] if row[0] == "5"]


def add_respondents(consultation, count: int) -> None:
    number = q_of(consultation, "number")
    ranking = q_of(consultation, "ranking")
    for n in range(count):
        authority = factories.council(
            control=[Control.LABOUR, Control.CONSERVATIVE][n % 2], population=1000 * (n + 1)
        )
        response = factories.submitted_response(consultation=consultation, authority=authority)
        factories.kind_answer(response=response, question=number, number=n)
        factories.kind_answer(
            response=response, question=ranking, ranking=[o.id for o in ranking.options]
        )


def test_the_summary_page_statements_do_not_grow_with_responses(secretariat):
    few = factories.every_kind_consultation()
    many = factories.every_kind_consultation()
    add_respondents(few, 2)
    add_respondents(many, 30)
    counts = []
    secretariat.get(f"/consultations/{few.reference}/summary")
    for consultation in (few, many):
        url = f"/consultations/{consultation.reference}/summary"
        db.session.execute(delete(CachedDownload))
        with count_statements() as statements:
            expect(secretariat.get(url), 200)
        counts.append(len(statements))
        with count_statements() as statements:
            expect(secretariat.get(f"{url}/questions/6"), 200)
        counts.append(len(statements))
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]


def test_the_figures_take_two_statements_whatever_the_number_of_questions(app_ctx):
    few = factories.every_kind_consultation()
    many = factories.every_kind_consultation()
    for n in range(6):
        question = Question(
            position=20 + n, kind=QuestionKind.RANKING, text=f"Rank {n}", required=True
        )
        for place in range(1, 4):
            question.options.append(QuestionOption(position=place, label=f"Option {place}"))
        many.questions.append(question)
    add_respondents(few, 3)
    add_respondents(many, 3)
    db.session.flush()
    counts = []
    for consultation in (few, many):
        db.session.expire_all()
        with count_statements(selects_only=True) as statements:
            compute_summary(consultation)
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_councils_record_of_positions_gives_each_kinds_answer(consultation, secretariat):
    from commission.membership.models import Authority

    barton = db.session.execute(db.select(Authority).where(Authority.name == "Barton")).scalar_one()
    record = ok(secretariat.get(f"/authorities/{barton.slug}/positions")).get_text(" ", strip=True)
    assert "300 places" in record
    assert "1. Speed; 2. Funding; 3. Flexibility" in record


def test_compared_with_all_members_each_kind_shows_its_figures(consultation, secretariat):
    from commission.membership.models import Authority

    slug = db.session.execute(
        db.select(Authority.slug).where(Authority.name == "Barton")
    ).scalar_one()
    compared = ok(
        secretariat.get(
            f"/consultations/{consultation.reference}/compare",
            query_string={"authority": slug, "with": "all"},
        )
    ).get_text(" ", strip=True)

    assert "Councils: 2 (50.0%)" in compared  # one choice, of four respondents
    assert "Total: 450" in compared and "Median: 100" in compared  # 100, 300 and 50
    assert "Range: 50 to 300" in compared
    assert "Speed: mean rank" in compared and "first for" in compared
