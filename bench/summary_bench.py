"""How long a consultation summary takes on a full-size Commission.

Seeds 317 member authorities (with memberships and political control, some
changing hands during the window, and mayoral areas), one consultation with 25
position questions, and a submitted response from every authority answering
all 25. Then times ``compute_summary`` (median of 5 runs, after a warm-up)
and, on its own, the raw aggregate it is built around: the per-question
GROUP BY over answers. Prints both in milliseconds with the number of SQL
statements one summary issues.

    .venv/bin/python bench/summary_bench.py
    BENCH_DATABASE_URL=postgresql+psycopg://... .venv/bin/python bench/summary_bench.py

By default it uses its own temporary SQLite database. With
``BENCH_DATABASE_URL`` it migrates that database to the latest schema, seeds
inside one transaction and rolls it back at the end, so the database is left
as it was; point it at an empty scratch database, since member authorities
already there would be counted too.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import event, func, insert, select  # noqa: E402

from commission import create_app  # noqa: E402
from commission.config import normalise_database_url  # noqa: E402
from commission.consultations.models import (  # noqa: E402
    Answer,
    Channel,
    Consultation,
    ConsultationStatus,
    LegislativeStage,
    Position,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
)
from commission.extensions import db  # noqa: E402
from commission.membership.models import (  # noqa: E402
    COUNCIL_KINDS,
    Authority,
    AuthorityKind,
    Control,
    Department,
    Membership,
    PoliticalControl,
    Region,
    authority_constituents,
)
from commission.summaries.queries import compute_summary  # noqa: E402

AUTHORITIES = 317
MAYORAL_AREAS = 12
QUESTIONS = 25
RUNS = 5

POSITIONS = list(Position)
CONTROLS = [c for c in Control if c is not Control.OTHER]
KINDS = sorted(COUNCIL_KINDS, key=lambda k: k.value)
REGIONS = list(Region)


def seed(now: datetime) -> Consultation:
    """Everything in bulk INSERTs except the consultation and its questions."""
    councils = AUTHORITIES - MAYORAL_AREAS
    rows = []
    for n in range(AUTHORITIES):
        strategic = n >= councils
        rows.append(
            {
                "gss_code": f"E{'47' if strategic else '06'}{n:06d}",
                "slug": f"bench-authority-{n}",
                "name": f"Bench {'Combined Authority' if strategic else 'Council'} {n:03d}",
                "kind": AuthorityKind.COMBINED_AUTHORITY if strategic else KINDS[n % len(KINDS)],
                "region": REGIONS[n % len(REGIONS)],
                "population": None if strategic else 40_000 + (n * 7_919) % 1_100_000,
                "mayoral": strategic,
            }
        )
    ids = list(
        db.session.scalars(
            insert(Authority).returning(Authority.id, sort_by_parameter_order=True), rows
        )
    )
    db.session.execute(
        insert(Membership), [{"authority_id": i, "joined_on": date(2026, 1, 1)} for i in ids]
    )
    controls = [
        {
            "authority_id": i,
            "control": CONTROLS[n % len(CONTROLS)],
            "effective_from": date(2026, 5, 8),
        }
        for n, i in enumerate(ids)
    ]
    # One authority in ten changes hands after it responds: the summary must
    # still count it under its control at the time of the response.
    controls += [
        {
            "authority_id": i,
            "control": CONTROLS[(n + 1) % len(CONTROLS)],
            "effective_from": (now - timedelta(days=2)).date(),
        }
        for n, i in enumerate(ids)
        if n % 10 == 0
    ]
    db.session.execute(insert(PoliticalControl), controls)
    council_ids, area_ids = ids[:councils], ids[councils:]
    db.session.execute(
        insert(authority_constituents),
        [
            {"strategic_authority_id": area, "council_id": council_ids[(a * 7 + k) % councils]}
            for a, area in enumerate(area_ids)
            for k in range(7)
        ],
    )

    department = Department(
        name="Department for Benchmarks",
        short_name="DfB",
        head_title="Secretary of State for Benchmarks",
    )
    consultation = Consultation(
        reference="LGC-2026-900",
        title="A consultation the size of a real one",
        summary="Benchmark.",
        department=department,
        stage=LegislativeStage.GREEN_PAPER,
        status=ConsultationStatus.OPEN,
        opens_at=now - timedelta(days=30),
        opened_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=5),
    )
    for n in range(1, QUESTIONS + 1):
        consultation.questions.append(
            Question(position=n, kind=QuestionKind.POSITION, text=f"Question {n}?", required=True)
        )
    db.session.add(consultation)
    db.session.flush()

    responses = [
        {
            "consultation_id": consultation.id,
            "authority_id": i,
            "status": ResponseStatus.SUBMITTED,
            "channel": Channel.ONLINE,
            "overall_position": POSITIONS[n % len(POSITIONS)],
            "submitted_position": POSITIONS[n % len(POSITIONS)],
            "submitted_at": now - timedelta(days=5, minutes=n),
            "submission_count": 1,
            "control_at_submission": CONTROLS[n % len(CONTROLS)].value,
        }
        for n, i in enumerate(ids)
    ]
    response_ids = list(
        db.session.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True), responses
        )
    )
    answers = []
    for r, response_id in enumerate(response_ids):
        for q, question in enumerate(consultation.questions):
            position = POSITIONS[(r + q) % len(POSITIONS)]
            comment = f"Comment {r}-{q} on question {q + 1}." if (r + q) % 4 == 0 else None
            answers.append(
                {
                    "response_id": response_id,
                    "question_id": question.id,
                    "position": position,
                    "submitted_position": position,
                    "comment": comment,
                    "submitted_comment": comment,
                }
            )
    db.session.execute(insert(Answer), answers)
    db.session.flush()
    return consultation


def raw_aggregate(consultation: Consultation) -> list[Any]:
    """The per-question GROUP BY over answers that the summary is built around."""
    return list(
        db.session.execute(
            select(
                Answer.question_id,
                Answer.submitted_position,
                func.count(Answer.id),
                func.coalesce(func.sum(Authority.population), 0),
            )
            .join(Response, Response.id == Answer.response_id)
            .join(Authority, Authority.id == Response.authority_id)
            .where(
                Response.consultation_id == consultation.id,
                Response.submitted_at.is_not(None),
                Answer.submitted_position.is_not(None),
            )
            .group_by(Answer.question_id, Answer.submitted_position)
        ).all()
    )


def timed(function: Callable[[], Any], runs: int = RUNS) -> tuple[list[float], Any]:
    """Milliseconds for each of ``runs`` calls, after one warm-up call."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def count_statements(function: Callable[[], Any]) -> int:
    statements: list[str] = []

    def before(*args: Any) -> None:
        statements.append(args[2])

    connection = db.session.connection()
    event.listen(connection, "before_cursor_execute", before)
    try:
        function()
    finally:
        event.remove(connection, "before_cursor_execute", before)
    return len(statements)


def describe(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):8.1f} ms  "
        f"(min {min(times):.1f}, max {max(times):.1f}, {len(times)} runs)"
    )


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    scratch = None
    if not url:
        scratch = tempfile.TemporaryDirectory(prefix="commission-bench-")
        url = "sqlite:///" + str(Path(scratch.name) / "bench.sqlite3")
    url = normalise_database_url(url)
    files = scratch.name if scratch else tempfile.gettempdir()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_BACKEND": "memory",
            "STORAGE_PATH": str(Path(files) / "bench-files"),
            "LOG_LEVEL": "WARNING",
        }
    )
    try:
        with app.app_context():
            flask_migrate.upgrade()
            dialect = db.engine.dialect.name
            now = datetime.now(UTC)
            started = time.perf_counter()
            consultation = seed(now)
            seeding = time.perf_counter() - started

            summary_times, data = timed(lambda: compute_summary(consultation, now))
            statements = count_statements(lambda: compute_summary(consultation, now))
            raw_times, raw_rows = timed(lambda: raw_aggregate(consultation))

            answers = sum(q["total"] for q in data["questions"])
            ok = (
                data["members"] == AUTHORITIES
                and data["totals"]["submitted"] == AUTHORITIES
                and answers == AUTHORITIES * QUESTIONS
                and sum(row[2] for row in raw_rows) == AUTHORITIES * QUESTIONS
            )
            db.session.rollback()
        print(f"Summary benchmark on {dialect}")
        print(
            f"  seeded {AUTHORITIES} authorities, 1 consultation x {QUESTIONS} questions, "
            f"{AUTHORITIES} submitted responses, {answers:,} answers in {seeding:.1f} s"
        )
        print(f"  compute_summary      {describe(summary_times)}, {statements} statements")
        print(f"  raw aggregate query  {describe(raw_times)}, 1 statement")
        ratio = statistics.median(summary_times) / statistics.median(raw_times)
        print(f"  the summary takes {ratio:.1f}x the raw aggregate")
        if not ok:
            print("  FIGURES DO NOT ADD UP: not every response was counted", file=sys.stderr)
            return 1
        return 0
    finally:
        with app.app_context():
            db.engine.dispose()
        if scratch is not None:
            scratch.cleanup()


if __name__ == "__main__":
    sys.exit(main())
