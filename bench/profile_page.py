"""Where one page's time goes, in-process: the app as the bench serves it
(``bench_wsgi``, production settings) on a dataset ``make bench`` built,
Flask's test client signed in as the bench's person, then the page asked for
again and again.

Prints the median time of a request (and its ratio to the 317-row floor's,
asked for in turns with it), how much of it the database took (each
statement's time from sending it to its rows being read by the driver), and
how much rendering templates took; each statement with its median time; and,
with ``--profile``, cProfile's heaviest functions.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/profile_page.py /consultations/LGC-2026-901 --as leader
    ... bench/profile_page.py /audit --as secretariat --profile --top 40

``--as`` is ``public`` or a persona of the dataset (``secretariat``,
``minister``, ``leader``); a path may name the dataset's references as
``{target}``, ``{mid}``, ``{live}``, ``{meeting}``.
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
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402


class Clock:
    """Statement and template times of the request in progress."""

    def __init__(self) -> None:
        self.started: dict[int, float] = {}
        self.statements: list[tuple[str, float]] = []
        self.rendering = 0.0
        self.render_started: list[float] = []

    def reset(self) -> None:
        self.statements = []
        self.rendering = 0.0

    def before_execute(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        self.started[id(cursor)] = time.perf_counter()

    def after_execute(self, _conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        began = self.started.pop(id(cursor), time.perf_counter())
        self.statements.append((" ".join(statement.split())[:110], time.perf_counter() - began))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="persona", default="public")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--one-year", action="store_true", help="the one-year dataset")
    args = parser.parse_args()

    urls = dataset.database_urls(os.environ.get("BENCH_SIZE", "full"))
    url = urls[1 if args.one_year else 10]
    os.environ.update(
        {
            "COMMISSION_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": url,
            "PUBLIC_BASE_URL": "https://commission.bench.example.org",
            "STORAGE_PATH": dataset.storage_path(),
            "LOG_LEVEL": "WARNING",
        }
    )
    import bench_wsgi
    from flask import template_rendered
    from flask.signals import before_render_template
    from sqlalchemy import event

    from commission.extensions import db

    app = bench_wsgi.app
    with app.app_context():
        info = dataset.read_marker(db.session.connection())
        db.session.remove()
    if info is None:
        parser.error("no dataset there: run make bench first")
    path = args.path.format(
        target=info.target_reference,
        mid=info.mid_reference,
        live=info.live_reference or info.target_reference,
        meeting=info.meeting_slug,
    )
    clock = Clock()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", clock.before_execute)
        event.listen(db.engine, "after_cursor_execute", clock.after_execute)

    def render_began(*_: Any, **__: Any) -> None:
        clock.render_started.append(time.perf_counter())

    def render_ended(*_: Any, **__: Any) -> None:
        began = clock.render_started.pop()
        if not clock.render_started:  # the outermost template only
            clock.rendering += time.perf_counter() - began

    before_render_template.connect(render_began, app, weak=False)
    template_rendered.connect(render_ended, app, weak=False)

    client = app.test_client()
    base = {"wsgi.url_scheme": "https", "REMOTE_ADDR": "127.0.0.1"}
    if args.persona != "public":
        email = info.users[args.persona]
        signed = client.get(f"/_bench/sign-in/{email}", environ_base=base)
        if signed.status_code != 302:
            parser.error(f"could not sign in {email}: {signed.status_code}")
    headers = {"Accept-Encoding": "gzip"}
    warm = client.get(path, environ_base=base, headers=headers)
    print(f"{path} as {args.persona}: {warm.status_code}, {len(warm.data) / 1024:,.0f} KB")
    if warm.status_code != 200:
        return 1

    client.get("/_bench/floor/rows", environ_base=base)
    totals, database, rendering, floor, cpu, floor_cpu = [], [], [], [], [], []
    by_statement: dict[int, list[float]] = defaultdict(list)
    texts: dict[int, str] = {}
    profiler = cProfile.Profile() if args.profile else None
    for _ in range(args.requests):
        began, began_cpu = time.perf_counter(), time.process_time()
        client.get("/_bench/floor/rows", environ_base=base).get_data()
        floor.append(time.perf_counter() - began)
        floor_cpu.append(time.process_time() - began_cpu)
        clock.reset()
        if profiler:
            profiler.enable()
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, environ_base=base, headers=headers)
        response.get_data()
        totals.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
        if profiler:
            profiler.disable()
        database.append(sum(t for _, t in clock.statements))
        rendering.append(clock.rendering)
        for n, (text, took) in enumerate(clock.statements):
            by_statement[n].append(took)
            texts[n] = text

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:7.2f} ms"

    ratio = statistics.median(totals) / statistics.median(floor)
    print(f"request    {ms(totals)}  (median of {args.requests}; {ratio:.1f}x the 317-row floor)")
    print(f"floor      {ms(floor)}")
    cpu_ratio = statistics.median(cpu) / statistics.median(floor_cpu)
    print(f"app's CPU  {ms(cpu)}  ({cpu_ratio:.1f}x the floor's {ms(floor_cpu).strip()})")
    print(f"database   {ms(database)}  ({len(by_statement)} statements)")
    print(f"templates  {ms(rendering)}")
    for n, times in sorted(by_statement.items()):
        print(f"  {n + 1:2} {ms(times)}  {texts[n]}")
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
