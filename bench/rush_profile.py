"""Where a sign-off's time goes: one request at a time, in-process, no contention.

Builds the deadline rush's starting point (see ``rush_setup.py``) on the wiped
``BENCH_DATABASE_URL`` database, signs each leader in with Flask's test client
under production settings, then for each leader times the check-your-answers
page, the sign-off and the confirmation page, counts their SQL statements, and
profiles the sign-offs with cProfile.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_rush \\
        .venv/bin/python bench/rush_profile.py --authorities 40
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rush_client import read_form  # noqa: E402
from rush_setup import PASSWORD, build, wipe_and_migrate  # noqa: E402
from sqlalchemy import event  # noqa: E402

from commission import create_app  # noqa: E402
from commission.config import normalise_database_url  # noqa: E402
from commission.extensions import db  # noqa: E402

HTTPS = {"wsgi.url_scheme": "https"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=40)
    parser.add_argument("--questions", type=int, default=12)
    parser.add_argument("--top", type=int, default=30, help="profile lines to print")
    args = parser.parse_args()
    url = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", ""))
    if not url.startswith("postgresql"):
        parser.error("set BENCH_DATABASE_URL to a PostgreSQL database the bench may wipe")
    os.environ.update(
        {
            "COMMISSION_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": "https://commission.example.gov.uk",
        }
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    wipe_and_migrate(app)
    scenario = build(
        app, authorities=args.authorities, questions=args.questions, closes_in=timedelta(hours=2)
    )
    statements = [0]
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def count(*_: Any) -> None:
            statements[0] += 1

    timings: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(list)
    profile = cProfile.Profile()

    def timed(kind: str, call: Any, *args: Any, profiled: bool = False, **kwargs: Any) -> Any:
        statements[0] = 0
        started = time.perf_counter()
        if profiled:
            profile.enable()
        result = call(*args, environ_overrides=HTTPS, **kwargs)
        if profiled:
            profile.disable()
        timings[kind].append((time.perf_counter() - started) * 1000)
        counts[kind].append(statements[0])
        return result

    for leader in scenario.leaders:
        client = app.test_client()
        page = client.get("/sign-in", environ_overrides=HTTPS)
        token = read_form(page.get_data(as_text=True)).inputs["csrf_token"]
        done = timed(
            "POST sign-in",
            client.post,
            "/sign-in",
            data={"csrf_token": token, "email": leader.email, "password": PASSWORD},
            headers={"Referer": "https://localhost/sign-in"},
        )
        assert done.status_code == 302, done.status_code
        check = f"/consultations/{scenario.reference}/responses/{leader.slug}/check"
        page = timed("GET check", client.get, check)
        form = read_form(page.get_data(as_text=True))
        done = timed(
            "POST sign-off",
            client.post,
            check,
            data={
                "csrf_token": form.inputs["csrf_token"],
                "version": form.inputs["version"],
                "action": "submit",
            },
            headers={"Referer": f"https://localhost{check}"},
            profiled=True,
        )
        assert done.status_code == 302, (done.status_code, done.get_data(as_text=True)[:300])
        timed("GET confirmation", client.get, done.location)

    print(f"{'request':<17} {'n':>4} {'median ms':>10} {'max ms':>8} {'statements':>11}")
    for kind, values in timings.items():
        print(
            f"{kind:<17} {len(values):>4} {statistics.median(values):>10.1f} "
            f"{max(values):>8.1f} {statistics.median(counts[kind]):>11.0f}"
        )
    output = io.StringIO()
    pstats.Stats(profile, stream=output).sort_stats("cumulative").print_stats(args.top)
    print(output.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
