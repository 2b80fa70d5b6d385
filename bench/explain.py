"""The query plans of the summary: every SQL statement ``compute_summary``
sends for the consultation every member answered, with PostgreSQL's
``EXPLAIN (ANALYZE, BUFFERS)`` of each, on the ten-year dataset. With
``search``, the same for the statements of the bench's searches (as the
secretariat and as a visitor), each after the time the whole search took
in-process.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/explain.py > plans.md
    BENCH_DATABASE_URL=... .venv/bin/python bench/explain.py search > search-plans.md

Builds the dataset first if it is not there (as ``make bench`` would). Prints
Markdown: each statement, then its plan, ready for docs/performance.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402
import summary_bench  # noqa: E402


def print_plans(statements: list[tuple[str, Any]]) -> None:
    """Each statement, then PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)`` of it,
    as Markdown."""
    from commission.extensions import db

    connection = db.session.connection()
    for number, (statement, parameters) in enumerate(statements, start=1):
        plan = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        ).scalars()
        print(f"#### Statement {number}\n\n```sql\n{statement.strip()}\n```\n")
        print("```\n" + "\n".join(plan) + "\n```\n", flush=True)


def main() -> int:
    from sqlalchemy import select

    from commission.consultations.models import Consultation
    from commission.extensions import db
    from commission.summaries.queries import compute_summary

    if not os.environ.get("BENCH_DATABASE_URL"):
        print(
            "EXPLAIN (ANALYZE, BUFFERS) needs PostgreSQL: set BENCH_DATABASE_URL", file=sys.stderr
        )
        return 2
    size = os.environ.get("BENCH_SIZE", "full")
    url = dataset.database_urls(size)[10]
    dataset.ensure_database(url)
    info = dataset.build(url, size=size, years=10)
    if sys.argv[1:] == ["search"]:
        return explain_searches(url, info)
    app = dataset.bench_app(url)
    with app.app_context():
        consultation = db.session.execute(
            select(Consultation).where(Consultation.reference == info.target_reference)
        ).scalar_one()
        compute_summary(consultation)  # warm the caches, as a second reader would find them
        statements = summary_bench.capture_statements(lambda: compute_summary(consultation))
        print(
            f"`compute_summary` of {info.target_reference} ({info.target_members} members x "
            f"{dataset.TARGET_QUESTIONS} questions) on the {size} ten-year dataset: "
            f"{len(statements)} statements.\n"
        )
        print_plans(statements)
        db.session.rollback()
        db.engine.dispose()
    return 0


def searches(info: dataset.DatasetInfo) -> list[tuple[str, str, Any, Any]]:
    """The bench's searches (run.py's search lines): name, words, viewer, filters."""
    from datetime import date

    from commission.auth.roles import Role
    from commission.search.models import Kind
    from commission.search.queries import Filters, Viewer

    secretariat = Viewer(signed_in=True, roles=frozenset({Role.SECRETARIAT}))
    public = Viewer()
    common = info.decision_query
    return [
        ("common word (secretariat)", common, secretariat, Filters()),
        ("common word (public)", common, public, Filters()),
        ("phrase (public)", info.search_phrase, public, Filters()),
        ("rare word (secretariat)", info.search_rare_word, secretariat, Filters()),
        ("papers only (secretariat)", common, secretariat, Filters(kinds=(Kind.PAPER,))),
        ("this year (public)", common, public, Filters(since=date(dataset.NOW.year, 1, 1))),
    ]


def explain_searches(url: str, info: dataset.DatasetInfo) -> int:
    import statistics
    import time

    from commission.extensions import db
    from commission.search.queries import search

    app = dataset.bench_app(url)
    with app.test_request_context():
        for name, words, viewer, filters in searches(info):

            def run(words: str = words, viewer: Any = viewer, filters: Any = filters) -> Any:
                results = search(words, viewer=viewer, filters=filters, page=1, per_page=20)
                return results, list(results.page.items if results.page else [])

            run()
            times = []
            for _ in range(5):
                started = time.perf_counter()
                results, _ = run()
                times.append((time.perf_counter() - started) * 1000)
            statements = summary_bench.capture_statements(run)
            print(
                f"### Search: {name}, `{words}`\n\n{results.total:,} results; "
                f"median {statistics.median(times):.1f} ms in-process, "
                f"{len(statements)} statements.\n"
            )
            print_plans(statements)
        db.session.rollback()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
