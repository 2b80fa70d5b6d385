"""The performance harness (``make bench``): one run, one table.

1. Builds (or reuses) the ten-year and the one-year datasets (``dataset.py``).
2. Times ``compute_summary`` against one raw GROUP BY in-process on the
   consultation every member answered (``summary_bench.py``).
3. For each dataset, serves the app with gunicorn on loopback (2 sync
   workers, production settings, ``bench_wsgi.py`` adding the floor pages,
   a loopback-only sign-in and a statement counter) and requests every main
   page and download: one warm-up, then sequential requests (up to
   ``BENCH_REQUESTS``, stopping early after ``BENCH_SECONDS`` per page), as
   the person who would use it.
4. With one worker on the ten-year dataset, the peak memory growth while
   producing the 331x25 CSV, XLSX and PDF.
5. Prints one table with PASS or FAIL against the budgets of issue 17, and
   writes it as Markdown to ``bench/results/latest.md``.

Exits 1 only if the harness breaks or the figures do not add up (a page
failing, a CSV missing answers); a FAIL against a budget is reported, not fatal.

    make bench
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench make bench
    BENCH_SIZE=small make bench
    .venv/bin/python bench/run.py --rebuild      # build the datasets again
"""

from __future__ import annotations

import gzip
import http.client
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import dataset  # noqa: E402
import summary_bench  # noqa: E402

RESULTS = BENCH / "results"

# Budgets of issue 17, as ratios from one run.
FLOOR_RATIO = 3.0  # an HTML page's p50 against the 317-row floor's
GROWTH_RATIO = 1.5  # a page's ten-year p50 against its one-year p50
SUMMARY_KB = 250
CSV_FIRST_BYTE_MS = 200
CSV_TOTAL_MS = 1000
XLSX_MS = 1500
PDF_MS = 2000
# A cached download (the same file again) may cost at most this many times
# the 317-row floor: the file is larger than the floor's page, so not 1x.
CACHED_RATIO = 2.0
MEMORY_MB = 150


@dataclass
class Page:
    name: str
    path: str
    persona: str  # "public", or a key of DatasetInfo.users
    kind: str  # floor, html, json, summary, csv, xlsx, pdf, cached
    optional: bool = False  # a 404 means "not built yet": n/a
    growth: bool = True  # held to ten-year <= 1.5x one-year


@dataclass
class Timing:
    status: int = 0
    times: list[float] = field(default_factory=list)
    first_bytes: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    size: int = 0
    first_ms: float = 0.0
    body: bytes = b""
    # The 317-row floor, asked for on the same server after each measured
    # request of the page: its p50 is the page's own floor.
    floor_times: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.times)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]

    @property
    def per_second(self) -> float:
        return 1000 / statistics.mean(self.times)

    @property
    def first_byte(self) -> float:
        return statistics.median(self.first_bytes)

    @property
    def floor_p50(self) -> float | None:
        return statistics.median(self.floor_times) if self.floor_times else None


def pages(info: dataset.DatasetInfo) -> list[Page]:
    target, mid = info.target_reference, info.mid_reference
    # The live downloads and page read a 331x25 consultation whose summary is
    # not published (a published one serves its snapshot to everyone).
    live = info.live_reference or target
    meeting = info.meeting_slug
    year = meeting[:4]
    return [
        Page("floor: trivial page", "/_bench/floor/trivial", "public", "floor"),
        Page("floor: 317 rows", "/_bench/floor/rows", "public", "floor"),
        Page("home", "/", "secretariat", "html"),
        Page("meetings list", "/meetings", "public", "html"),
        Page("meetings ?year= (latest)", f"/meetings?year={year}", "public", "html"),
        Page("calendar feed", "/meetings.ics", "public", "cached"),
        Page("meeting page", f"/meetings/{meeting}", "public", "html"),
        Page("agenda pack PDF", f"/meetings/{meeting}/agenda.pdf", "public", "pdf"),
        Page("agenda pack PDF again", f"/meetings/{meeting}/agenda.pdf", "public", "cached"),
        Page("attendance (secretariat)", f"/meetings/{meeting}/attendance", "secretariat", "html"),
        Page("taking the register", f"/meetings/{meeting}/register", "secretariat", "html"),
        Page("invitation replies", f"/meetings/{meeting}/replies", "secretariat", "html"),
        Page("minutes page", f"/meetings/{meeting}/minutes", "public", "html"),
        Page("minutes PDF", f"/meetings/{meeting}/minutes.pdf", "public", "pdf"),
        Page("minutes PDF again", f"/meetings/{meeting}/minutes.pdf", "public", "cached"),
        Page("consultations list", "/consultations", "public", "html"),
        Page("consultation page", f"/consultations/{target}", "leader", "html"),
        Page("compare answers (minister)", f"/consultations/{target}/compare", "minister", "html"),
        Page("questions preview", f"/consultations/{target}/preview", "secretariat", "html"),
        Page("a letter's response", f"/consultations/{live}/letters/new", "secretariat", "html"),
        Page("extensions", f"/consultations/{live}/extensions", "secretariat", "html"),
        Page("reminders", f"/consultations/{live}/remind", "secretariat", "html"),
        Page(
            "summary 331x25 (minister)", f"/consultations/{target}/summary", "minister", "summary"
        ),
        Page(
            "summary 331x25 live (minister)",
            f"/consultations/{live}/summary",
            "minister",
            "summary",
        ),
        Page(
            "summary 150 responses",
            f"/consultations/{mid}/summary",
            "minister",
            "summary",
        ),
        Page(
            "summary question 1",
            f"/consultations/{target}/summary/questions/1",
            "minister",
            "summary",
            optional=True,
            growth=False,
        ),
        Page(
            "summary comments",
            f"/consultations/{target}/summary/comments",
            "minister",
            "summary",
            growth=False,
        ),
        Page("summary.csv live", f"/consultations/{live}/summary.csv", "secretariat", "csv"),
        Page("summary.xlsx live", f"/consultations/{live}/summary.xlsx", "secretariat", "xlsx"),
        Page("summary.pdf live", f"/consultations/{live}/summary.pdf", "secretariat", "pdf"),
        Page("summary.csv published", f"/consultations/{target}/summary.csv", "public", "cached"),
        Page("summary.xlsx published", f"/consultations/{target}/summary.xlsx", "public", "cached"),
        Page("summary.pdf published", f"/consultations/{target}/summary.pdf", "public", "cached"),
        Page("audit log", "/audit", "secretariat", "html"),
        Page("action log", "/actions", "secretariat", "html"),
        Page("decision search", f"/decisions?q={quote(info.decision_query)}", "public", "html"),
        *search_pages(info),
        Page("directory", "/authorities", "public", "html"),
        Page("authority page", f"/authorities/{info.authority_slug}", "public", "html"),
        Page(
            "record of positions",
            f"/authorities/{info.authority_slug}/positions",
            "public",
            "html",
        ),
        *open_data_pages(info),
    ]


def open_data_pages(info: dataset.DatasetInfo) -> list[Page]:
    """The open data's lists, held to the page budget: the JSON API's
    (a page of 50), OParl's, and the bulk datasets' page and a kept CSV."""
    target = info.target_reference
    return [
        Page("API: authorities", "/api/v1/authorities", "public", "json"),
        Page("API: meetings", "/api/v1/meetings", "public", "json"),
        Page("API: consultations", "/api/v1/consultations", "public", "json"),
        # A published summary's figures: the same for everyone, and frozen.
        Page(
            "API: published summary", f"/api/v1/consultations/{target}/summary", "public", "cached"
        ),
        Page("API: positions", f"/api/v1/consultations/{target}/positions", "public", "json"),
        Page("OParl: meetings", "/oparl/v1.1/body/commission/meeting", "public", "json"),
        Page("OParl: papers", "/oparl/v1.1/body/commission/paper", "public", "json"),
        Page("open data page", "/data/", "public", "html"),
        Page("dataset CSV", f"/data/{target}/positions.csv", "public", "cached"),
    ]


def search_pages(info: dataset.DatasetInfo) -> list[Page]:
    """Searches the secretariat and a visitor would make: a common word with
    thousands of results (tens of thousands for the secretariat, who may
    see every response), a later page of it, a phrase, a rare word, a kind
    and a date filter."""
    common = quote(info.decision_query)
    since = "&".join(f"since={part}" for part in (1, 1, dataset.NOW.year))
    return [
        Page("search: common word (secretariat)", f"/search?q={common}", "secretariat", "html"),
        Page("search: common word (public)", f"/search?q={common}", "public", "html"),
        Page(
            "search: common word, page 5 (secretariat)",
            f"/search?q={common}&page=5",
            "secretariat",
            "html",
        ),
        Page(
            "search: phrase (public)",
            f"/search?q={quote(info.search_phrase)}",
            "public",
            "html",
        ),
        Page(
            "search: rare word (secretariat)",
            f"/search?q={quote(info.search_rare_word)}",
            "secretariat",
            "html",
        ),
        Page(
            "search: papers only (secretariat)",
            f"/search?q={common}&kind=paper",
            "secretariat",
            "html",
        ),
        Page("search: this year (public)", f"/search?q={common}&{since}", "public", "html"),
        Page(
            "search: newest first (secretariat)",
            f"/search?q={common}&order=newest",
            "secretariat",
            "html",
        ),
    ]


def chosen(plan: list[Page]) -> list[Page]:
    """The pages ``BENCH_ONLY`` names (comma-separated parts of their names),
    with the floors; every page when it is not set."""
    wanted = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
    if not wanted:
        return plan
    return [p for p in plan if p.kind == "floor" or any(part in p.name for part in wanted)]


# -- serving -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(url: str, *, workers: int, log: Path) -> Iterator[int]:
    """gunicorn on loopback, as production runs it; yields the port."""
    port = free_port()
    environment = {
        **os.environ,
        "COMMISSION_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "PUBLIC_BASE_URL": "https://commission.bench.example.org",
        "STORAGE_PATH": dataset.storage_path(),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "300",
        "--graceful-timeout",
        "2",
        "--no-control-socket",
        "--pythonpath",
        str(BENCH),
        "bench_wsgi:app",
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(command, env=environment, stdout=output, stderr=output)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log.name}")
            try:
                status, _, _ = request(port, "/healthz")
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    port: int, path: str, cookie: str = "", timings: Timing | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET over a fresh connection (gunicorn's sync workers close each one),
    accepting gzip as every browser does; the body comes back as made, and
    its size as sent is in the ``x-wire-size`` header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    headers = {"Accept-Encoding": "gzip"} | ({"Cookie": cookie} if cookie else {})
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    first_byte = time.perf_counter()
    body = response.read()
    done = time.perf_counter()
    connection.close()
    if timings is not None:
        timings.times.append((done - started) * 1000)
        timings.first_bytes.append((first_byte - started) * 1000)
        timings.queries.append(int(response.getheader("X-Bench-Queries", "0")))
    received = {k.lower(): v for k, v in response.getheaders()}
    received["x-wire-size"] = str(len(body))
    if received.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return response.status, received, body


def sign_in(port: int, email: str) -> str:
    """The session cookie of a bench user, signed in through the bench route."""
    status, headers, _ = request(port, f"/_bench/sign-in/{quote(email)}")
    cookie = headers.get("set-cookie", "")
    if status != 302 or not cookie:
        raise RuntimeError(f"could not sign in {email} (status {status})")
    return cookie.split(";", 1)[0]


FLOOR_PATH = "/_bench/floor/rows"


def paired_floor(port: int, timing: Timing) -> None:
    """The 317-row floor asked for once on ``port``, its time kept in
    ``timing.floor_times``."""
    floor = Timing()
    request(port, FLOOR_PATH, "", floor)
    timing.floor_times.extend(floor.times)


def drive(
    servers: dict[int, tuple[int, dataset.DatasetInfo]],
    *,
    count: int,
    seconds: float,
    minimum: int,
) -> dict[int, dict[str, Timing]]:
    """Every page on every dataset, page by page, alternating between the
    datasets request by request, so a machine busy with something else for a
    while slows both alike and ten years ÷ one year stays fair. After each
    measured request of a page the 317-row floor is asked for on the same
    server, so a page is held to the floor as the machine was while it was
    measured, not as it was when the floor's own line ran."""
    cookies = {
        years: {"public": ""}
        | {persona: sign_in(port, email) for persona, email in info.users.items()}
        for years, (port, info) in servers.items()
    }
    plans = {years: chosen(pages(info)) for years, (_, info) in servers.items()}
    results: dict[int, dict[str, Timing]] = {years: {} for years in servers}
    for n in range(len(next(iter(plans.values())))):
        live: dict[int, tuple[int, Page, Timing]] = {}
        for years, (port, _) in servers.items():
            page = plans[years][n]
            timing = Timing()
            started = time.perf_counter()
            # The warm-up request; with ``minimum=1`` (the small CI run) it is
            # also the one measured, to keep that run short.
            status, received, body = request(
                port, page.path, cookies[years][page.persona], timing if minimum == 1 else None
            )
            timing.first_ms = (time.perf_counter() - started) * 1000
            if minimum == 1 and page.kind != "floor":
                paired_floor(port, timing)
            timing.status, timing.body = status, body
            timing.size = int(received["x-wire-size"])
            results[years][page.name] = timing
            if status == 200:
                live[years] = (port, page, timing)
        firsts = ", ".join(
            f"{years}y {results[years][plans[years][n].name].status} "
            f"{results[years][plans[years][n].name].first_ms:,.0f} ms"
            for years in servers
        )
        print(f"  {plans[10][n].name:32} first request: {firsts}", flush=True)
        started_at = time.monotonic()
        while live:
            for years, (port, page, timing) in list(live.items()):
                enough = len(timing.times) >= count or (minimum == 1 and timing.times)
                late = len(timing.times) >= minimum and time.monotonic() - started_at > seconds
                if enough or late:
                    del live[years]
                    continue
                status, _, _ = request(port, page.path, cookies[years][page.persona], timing)
                if status != 200:
                    timing.status = status
                    del live[years]
                elif page.kind != "floor":
                    paired_floor(port, timing)
    return results


def forget_kept_files(url: str) -> None:
    """Empty the download cache, so each download's first request makes its
    file (the "made ms" column) and the requests after it are served from
    the cache (the p50)."""
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    with engine.begin() as connection:
        if "download_cache" in inspect(connection).get_table_names():
            connection.execute(text("DELETE FROM download_cache"))
    engine.dispose()


def worker_memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in {"VmRSS", "VmHWM"}:
            values[key] = int(rest.split()[0])
    return values


def memory_growth(url: str, info: dataset.DatasetInfo, log: Path) -> list[tuple[str, float]]:
    """Peak RSS growth (MB) of one worker producing the CSV, then the XLSX,
    then the PDF, after warming it up on the summary page."""
    target = info.live_reference or info.target_reference
    with served(url, workers=1, log=log) as port:
        cookie = sign_in(port, info.users["secretariat"])
        _, headers, _ = request(port, f"/consultations/{target}/summary", cookie)
        pid = int(headers["x-bench-pid"])
        before = worker_memory(pid)["VmRSS"]
        growth = []
        for file_format in ("csv", "xlsx", "pdf"):
            status, _, _ = request(port, f"/consultations/{target}/summary.{file_format}", cookie)
            if status != 200:
                raise RuntimeError(f"summary.{file_format} answered {status}")
            peak = worker_memory(pid)["VmHWM"]
            growth.append((f"after summary.{file_format}", (peak - before) / 1024))
    return growth


# -- the table -----------------------------------------------------------------


@dataclass
class Row:
    cells: list[str]
    verdict: str


def ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def verdict(
    page: Page, ten: Timing, one: Timing, floor: float, trivial: float
) -> tuple[str, str, list[str]]:
    """The ratio shown, and PASS/FAIL with the reasons for a FAIL."""
    failures: list[str] = []
    ratio = ""
    growth = ten.p50 / one.p50 if one.times else 0.0
    if page.kind == "floor":
        ratio = f"{ten.p50 / trivial:.1f}x trivial"
        return ratio, "", failures
    if page.kind in {"html", "json", "summary"}:
        ratio = f"{ten.p50 / floor:.1f}x"
        if ten.p50 > FLOOR_RATIO * floor:
            failures.append(f"> {FLOOR_RATIO:.0f}x floor")
        if page.kind == "summary" and ten.size > SUMMARY_KB * 1024:
            failures.append(f"> {SUMMARY_KB} KB")
        if page.growth and growth > GROWTH_RATIO:
            failures.append(f"10y > {GROWTH_RATIO}x 1y")
    elif page.kind == "csv":
        ratio = f"{ten.p50 / floor:.0f}x"
        if ten.first_byte > CSV_FIRST_BYTE_MS:
            failures.append(f"first byte > {CSV_FIRST_BYTE_MS} ms")
        if ten.p50 > CSV_TOTAL_MS:
            failures.append(f"> {CSV_TOTAL_MS} ms")
    elif page.kind in {"xlsx", "pdf"}:
        # Judged on the request that made the file (the cache starts empty);
        # the p50 is what the same file costs once it is kept.
        ratio = f"{ten.p50 / floor:.0f}x"
        limit = XLSX_MS if page.kind == "xlsx" else PDF_MS
        if max(ten.first_ms, ten.p50) > limit:
            failures.append(f"made in > {limit} ms")
    elif page.kind == "cached":
        ratio = f"{ten.p50 / floor:.1f}x"
        if ten.p50 > CACHED_RATIO * floor:
            failures.append(f"> {CACHED_RATIO:.0f}x floor")
    return ratio, ("FAIL: " + ", ".join(failures)) if failures else "PASS", failures


HEADER = [
    "page",
    "req/s",
    "p50 ms",
    "p99 ms",
    "first byte ms",
    "made ms",
    "vs floor",
    "its floor ms",
    "queries 1y",
    "queries 10y",
    "10y ÷ 1y",
    "KB",
    "budget",
]


def table(
    ten: dict[str, Timing], one: dict[str, Timing], info: dataset.DatasetInfo
) -> tuple[list[Row], list[str]]:
    """The rows, and the problems that mean the figures do not add up."""
    problems: list[str] = []
    floor = ten["floor: 317 rows"].p50
    trivial = ten["floor: trivial page"].p50
    rows = []
    for page in chosen(pages(info)):
        t, o = ten[page.name], one[page.name]
        if t.status == 404 and page.optional:
            rows.append(
                Row([page.name, "n/a", *["" for _ in HEADER[2:-1]]], "n/a (404: not built)")
            )
            continue
        if t.status != 200 or o.status != 200 or not t.times or not o.times:
            problems.append(f"{page.name}: answered {t.status} (ten years), {o.status} (one year)")
            rows.append(Row([page.name, "error", *["" for _ in HEADER[2:-1]]], f"ERROR {t.status}"))
            continue
        ratio, result, _ = verdict(page, t, o, t.floor_p50 or floor, trivial)
        downloads = page.kind in {"csv", "xlsx", "pdf", "cached"}
        rows.append(
            Row(
                [
                    page.name,
                    f"{t.per_second:.1f}",
                    ms(t.p50),
                    ms(t.p99),
                    ms(t.first_byte) if downloads else "",
                    ms(t.first_ms) if page.kind in {"xlsx", "pdf"} else "",
                    ratio,
                    ms(t.floor_p50) if t.floor_p50 is not None else "",
                    f"{max(o.queries)}",
                    f"{max(t.queries)}",
                    f"{t.p50 / o.p50:.2f}",
                    f"{t.size / 1024:,.0f}",
                ],
                result,
            )
        )
    csv = ten.get("summary.csv live")
    if csv is not None and csv.status == 200:
        lines = csv.body.decode("utf-8-sig").strip().count("\n")
        expected = info.target_members * dataset.TARGET_QUESTIONS
        if lines < expected:
            problems.append(f"summary.csv has {lines} answer lines, expected {expected}")
    return rows, problems


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(" --- " for _ in HEADER) + "|"]
    for row in rows:
        lines.append("| " + " | ".join([*row.cells, row.verdict]) + " |")
    return "\n".join(lines)


def plain(rows: list[Row]) -> str:
    all_rows = [HEADER] + [[*row.cells, row.verdict] for row in rows]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(HEADER))]
    out = []
    for n, row in enumerate(all_rows):
        out.append(
            "  ".join(
                cell.ljust(width) if i in (0, len(HEADER) - 1) else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def machine() -> str:
    """What it ran on, without paths."""
    memory_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kb = int(line.split()[1])
    return (
        f"{os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GB RAM, "
        f"Python {platform.python_version()}"
    )


def database_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            version = connection.execute(text("SHOW server_version")).scalar()
            name = f"PostgreSQL {version}"
        else:
            version = connection.execute(text("SELECT sqlite_version()")).scalar()
            name = f"SQLite {version}"
    engine.dispose()
    return name


def main() -> int:
    import commission

    size = os.environ.get("BENCH_SIZE", "full")
    small = size == "small"
    count = int(os.environ.get("BENCH_REQUESTS", "5" if small else "20"))
    seconds = float(os.environ.get("BENCH_SECONDS", "2" if small else "8"))
    rebuild = "--rebuild" in sys.argv
    RESULTS.mkdir(exist_ok=True)
    log = RESULTS / "gunicorn.log"
    log.write_bytes(b"")
    print(f"commission imported from {Path(commission.__file__).parent}")

    infos: dict[int, dataset.DatasetInfo] = {}
    urls = dataset.database_urls(size)
    for years, url in urls.items():
        dataset.ensure_database(url)
        info = dataset.build(url, size=size, years=years, rebuild=rebuild)
        infos[years] = info
        how = (
            "reused"
            if info.reused
            else f"built in {info.build_seconds:.1f} s "
            f"(the search index: {info.index_seconds:.1f} s)"
        )
        counts = ", ".join(
            f"{info.counts.get(t, 0):,} {t}"
            for t in (
                "consultations",
                "responses",
                "answers",
                "response_revisions",
                "meetings",
                "papers",
                "audit_events",
                "search_documents",
            )
        )
        print(f"{years:>2}-year dataset ({size}, {info.dialect}) {how}: {counts}")

    # Some pages only (BENCH_ONLY): no in-process summary, no memory.
    partial = bool(os.environ.get("BENCH_ONLY"))
    comparison = (
        None
        if partial
        else summary_bench.compare(urls[10], infos[10].target_reference, dataset.TARGET_QUESTIONS)
    )
    if comparison is not None:
        print(
            f"\nSummary of {infos[10].target_reference} "
            f"({comparison.members} members x 25), in-process:"
        )
        for line in comparison.lines():
            print("  " + line)

    for url in urls.values():
        forget_kept_files(url)
    print("\nDriving both datasets (gunicorn, 2 sync workers each) ...", flush=True)
    with (
        served(urls[1], workers=2, log=log) as one_year,
        served(urls[10], workers=2, log=log) as ten_years,
    ):
        timings = drive(
            {1: (one_year, infos[1]), 10: (ten_years, infos[10])},
            count=count,
            seconds=seconds,
            minimum=1 if small else 3,
        )
    growth = []
    if not partial:
        forget_kept_files(urls[10])  # so the memory is that of making each file
        growth = memory_growth(urls[10], infos[10], log)

    rows, problems = table(timings[10], timings[1], infos[10])
    if comparison is not None and not comparison.adds_up:
        problems.append("compute_summary did not count every response and answer")
    memory_line = ""
    if growth:
        peak = max(mb for _, mb in growth)
        memory_line = (
            "Peak RSS growth of one worker producing the 331x25 downloads: "
            + ", ".join(f"{mb:.0f} MB {label}" for label, mb in growth)
            + f" (budget <= {MEMORY_MB} MB: {'PASS' if peak <= MEMORY_MB else 'FAIL'})"
        )
    header = (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, {database_version(urls[10])}; "
        f"dataset {size} (seed {infos[10].seed}); up to {count} sequential requests per page "
        f"after one warm-up (at most {seconds:.0f} s each), alternating between the one-year "
        "and the ten-year servers; p50/p99 from the ten-year run; 'vs floor' is p50 ÷ the "
        "p50 of the 317-row floor asked for in turns with the page ('its floor ms'); the "
        "download cache starts empty, so 'made ms' is the request that made the file and "
        "the p50 what it costs once kept."
    )
    if partial:
        header += f" Only the pages named by BENCH_ONLY={os.environ['BENCH_ONLY']!r}."
    print("\n" + plain(rows))
    parts = [header, markdown(rows)]
    if memory_line:
        print("\n" + memory_line)
        parts.append(memory_line)
    if comparison is not None:
        for line in comparison.lines():
            print(line)
        parts.append(
            "In-process, on the 331x25 consultation of the ten-year dataset:\n\n"
            + "\n".join(f"- {line}" for line in comparison.lines())
        )
    document = "\n\n".join(parts)
    (RESULTS / "latest.md").write_text(document + "\n", encoding="utf-8")
    print(f"\nWritten to {(RESULTS / 'latest.md').relative_to(ROOT)}")
    if problems:
        for problem in problems:
            print(f"FIGURES DO NOT ADD UP: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
