"""The summary's own computation against one raw GROUP BY over the same answers.

Runs in-process on the consultation every member authority answered (25
position questions) in the ten-year dataset (built by ``dataset.py`` if it is
not there yet): the median of 15 runs of ``compute_summary``, after a
warm-up, and of the single per-question GROUP BY over answers that the
per-question figures are built from, in turns. Budget: the summary takes at
most twice the GROUP BY. Also timed: the summary page's part (no splits, no
quotations), the briefing's (no splits) and question 1's page (its
splits; against the GROUP BY over that question's answers alone).

    .venv/bin/python bench/summary_bench.py
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/summary_bench.py

``run.py`` (``make bench``) prints the same comparison with its table.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

RUNS = 15
BUDGET = 2.0


def raw_aggregate(consultation: Any, question_id: int | None = None) -> list[Any]:
    """The per-question GROUP BY over answers that the summary is built
    around (over one question's answers only, with ``question_id``)."""
    from sqlalchemy import func, select

    from commission.consultations.models import Answer, Response
    from commission.extensions import db
    from commission.membership.models import Authority

    statement = (
        select(
            Answer.question_id,
            Answer.submitted_position,
            func.count(Answer.id),
            func.coalesce(func.sum(Authority.population), 0),
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Authority, Authority.id == Response.authority_id)
        .where(
            # Reached through the consultation's responses, as the summary's
            # statements are: the plan that makes this the fairest floor.
            Answer.response_id.in_(
                select(Response.id).where(
                    Response.consultation_id == consultation.id,
                    Response.submitted_at.is_not(None),
                )
            ),
            Response.consultation_id == consultation.id,
            Answer.submitted_position.is_not(None),
        )
        .group_by(Answer.question_id, Answer.submitted_position)
    )
    if question_id is not None:
        statement = statement.where(Answer.question_id == question_id)
    return list(db.session.execute(statement).all())


def in_turns(functions: dict[str, Callable[[], Any]], runs: int = RUNS) -> dict[str, float]:
    """The median milliseconds of each function, called in turns ``runs``
    times after one warm-up call each: in turns, so that a change in the
    machine's load falls on all of them alike."""
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            started = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: statistics.median(taken) for name, taken in times.items()}


def capture_statements(function: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) one call sends."""
    from sqlalchemy import event

    from commission.extensions import db

    statements: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", before)
    try:
        function()
    finally:
        event.remove(connection, "before_cursor_execute", before)
    return statements


@dataclass
class Comparison:
    summary_ms: float
    headline_ms: float
    briefing_ms: float
    raw_ms: float
    question_ms: float
    raw_question_ms: float
    statements: int
    members: int
    answers: int
    adds_up: bool

    @property
    def ratio(self) -> float:
        return self.summary_ms / self.raw_ms if self.raw_ms else float("inf")

    def lines(self) -> list[str]:
        verdict = "PASS" if self.ratio <= BUDGET else "FAIL"

        def part(name: str, ms: float) -> str:
            ratio = ms / self.raw_ms if self.raw_ms else float("inf")
            verdict = "PASS" if ratio <= BUDGET else "FAIL"
            return f"{name:<21}median {ms:8.1f} ms, {ratio:.1f}x the GROUP BY ({verdict})"

        question_ratio = self.question_ms / self.raw_question_ms if self.raw_question_ms else 0.0
        question_verdict = "PASS" if question_ratio <= BUDGET else "FAIL"
        return [
            f"compute_summary      median {self.summary_ms:8.1f} ms, {self.statements} statements",
            f"raw GROUP BY         median {self.raw_ms:8.1f} ms, 1 statement",
            f"summary / GROUP BY   {self.ratio:.1f}x (budget <= {BUDGET:.0f}x: {verdict})",
            part("headline (the page)", self.headline_ms),
            part("briefing (no splits)", self.briefing_ms),
            f"{'question 1 (a page)':<21}median {self.question_ms:8.1f} ms, "
            f"{question_ratio:.1f}x the GROUP BY over its own answers "
            f"({self.raw_question_ms:.1f} ms: {question_verdict})",
        ]


def compare(url: str, reference: str, questions: int) -> Comparison:
    """Time both on the consultation ``reference`` of the database at ``url``."""
    from dataset import bench_app
    from sqlalchemy import select

    from commission.consultations.models import Consultation
    from commission.extensions import db
    from commission.summaries.queries import compute_question, compute_summary

    app = bench_app(url)
    with app.app_context():
        consultation = db.session.execute(
            select(Consultation).where(Consultation.reference == reference)
        ).scalar_one()
        data = compute_summary(consultation)
        raw_rows = raw_aggregate(consultation)
        first_question = consultation.questions[0].id
        statements = len(capture_statements(lambda: compute_summary(consultation)))
        medians = in_turns(
            {
                "raw": lambda: raw_aggregate(consultation),
                "summary": lambda: compute_summary(consultation),
                "headline": lambda: compute_summary(consultation, splits=False, quotations=False),
                "briefing": lambda: compute_summary(consultation, splits=False),
                "raw question": lambda: raw_aggregate(consultation, first_question),
                "question": lambda: compute_question(consultation, 1),
            }
        )
        members = data["members"]
        answers = sum(q["total"] for q in data["questions"])
        adds_up = (
            data["totals"]["submitted"] == members
            and answers == members * questions
            and sum(row[2] for row in raw_rows) == members * questions
        )
        db.session.rollback()
        db.engine.dispose()
    return Comparison(
        summary_ms=medians["summary"],
        headline_ms=medians["headline"],
        briefing_ms=medians["briefing"],
        raw_ms=medians["raw"],
        question_ms=medians["question"],
        raw_question_ms=medians["raw question"],
        statements=statements,
        members=members,
        answers=answers,
        adds_up=adds_up,
    )


def main() -> int:
    import dataset

    size = os.environ.get("BENCH_SIZE", "full")
    url = dataset.database_urls(size)[10]
    dataset.ensure_database(url)
    info = dataset.build(url, size=size, years=10)
    result = compare(url, info.target_reference, dataset.TARGET_QUESTIONS)
    print(f"Summary of {info.target_reference} ({result.members} members x 25) on {info.dialect}")
    for line in result.lines():
        print("  " + line)
    if not result.adds_up:
        print("  FIGURES DO NOT ADD UP: not every response was counted", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
