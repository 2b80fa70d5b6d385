"""On random answers, a number question's and a ranking question's figures
equal a plain Python computation from the same answers: total, median,
range, mean and population-weighted mean; mean rank, weighted mean rank and
first preferences; overall and by control at the time of the response. Each
example runs in a savepoint that is rolled back."""

from __future__ import annotations

import statistics

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commission.consultations.models import QuestionKind
from commission.extensions import db
from commission.membership.models import CONTROL_LABELS, Control
from commission.summaries.queries import compute_summary
from tests import factories

CONTROLS = [Control.LABOUR, Control.CONSERVATIVE, Control.LIBERAL_DEMOCRATS]

answer = st.tuples(
    st.sampled_from(CONTROLS),
    st.integers(min_value=0, max_value=2_000_000),  # population
    st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),  # places
    st.permutations([0, 1, 2]),  # ranking, as option places
)


def expected_numbers(rows):
    values = [(n, p) for _, p, n, _ in rows if n is not None]
    if not values:
        return None
    numbers = [n for n, _ in values]
    people = sum(p for _, p in values)
    return {
        "respondents": len(values),
        "total": round(sum(numbers), 0),
        "median": round(statistics.median(numbers), 1),
        "min": min(numbers),
        "max": max(numbers),
        "mean": round(sum(numbers) / len(numbers), 2),
        "weighted_mean": round(sum(n * p for n, p in values) / people, 2) if people else None,
    }


def expected_ranks(rows, place):
    ranks = [(ranking.index(place) + 1, p) for _, p, _, ranking in rows]
    people = sum(p for _, p in ranks)
    return {
        "mean_rank": round(sum(r for r, _ in ranks) / len(ranks), 2),
        "weighted_mean_rank": round(sum(r * p for r, p in ranks) / people, 2) if people else None,
        "first": sum(1 for r, _ in ranks if r == 1),
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(answer, min_size=1, max_size=8))
def test_number_and_ranking_figures_equal_a_plain_computation(app_ctx, rows):
    savepoint = db.session.begin_nested()
    try:
        consultation = factories.every_kind_consultation()
        number = next(q for q in consultation.questions if q.kind is QuestionKind.NUMBER)
        ranking = next(q for q in consultation.questions if q.kind is QuestionKind.RANKING)
        option_ids = [o.id for o in ranking.options]
        for control, population, places, order in rows:
            authority = factories.council(control=control, population=population)
            response = factories.submitted_response(consultation=consultation, authority=authority)
            factories.kind_answer(response=response, question=number, number=places)
            factories.kind_answer(
                response=response, question=ranking, ranking=[option_ids[i] for i in order]
            )
        summary = compute_summary(consultation)
        by_id = {q["id"]: q["figures"] for q in summary["questions"] if "figures" in q}

        groups = {"All": rows}
        for control in CONTROLS:
            mine = [row for row in rows if row[0] is control]
            if mine:
                groups[CONTROL_LABELS[control]] = mine

        numbers = by_id[number.id]
        tables = {"All": numbers["overall"]} | {t["group"]: t for t in numbers["by_control"]}
        for name, mine in groups.items():
            expected = expected_numbers(mine)
            table = tables.get(name)
            if expected is None:
                assert table is None or table["respondents"] == 0
                continue
            assert {key: table[key] for key in expected} == expected

        ranked = by_id[ranking.id]
        tables = {"All": ranked["overall"]} | {t["group"]: t for t in ranked["by_control"]}
        for name, mine in groups.items():
            table = tables[name]
            assert table["respondents"] == len(mine)
            for place, figure in enumerate(table["ranks"]):
                expected = expected_ranks(mine, place)
                assert {key: figure[key] for key in expected} == expected
    finally:
        savepoint.rollback()
