"""The deadline rush: 317 leaders sign off their council's response in the same minute.

Issue 17's budget: against 4 gunicorn workers on PostgreSQL, nothing lost,
nothing signed off twice, no errors, and a server-side p95 of at most 500 ms
per request. The client's own timings (which include waiting for a free
worker) are reported beside the server's.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_rush \\
        .venv/bin/python bench/deadline_rush.py
    # a quick check
    ... bench/deadline_rush.py --authorities 30 --spread-seconds 10
    # one run only
    ... bench/deadline_rush.py --mode burst

``BENCH_DATABASE_URL`` must name a PostgreSQL database that the bench may wipe:
each run drops its ``public`` schema, migrates it to the latest schema, loads
the reference data as ``flask seed`` does (no demo), and adds one open
consultation with position questions and, for each of the first N member
councils (alphabetical), a leader and an officer (every account with the same
password, hashed once) and the officer's response, fully answered and marked
ready for sign-off (bulk INSERTs; see ``bench/rush_setup.py``).

Then it serves the app with gunicorn (4 sync workers by default) on a free
loopback port, with production settings (``COMMISSION_ENV=production``, a
random ``SECRET_KEY``, secure cookies, HSTS, one trusted proxy) and an access
log that records each request's duration (``%(D)s``, microseconds). Every
leader signs in through the real sign-in form before the rush. In the rush
each leader, on their own thread, opens the check-your-answers page, posts the
sign-off (the page's CSRF token and hidden ``version``) and follows the
redirect to the confirmation page, as a browser would. One leader in ten
(``--double-click-every``) double-clicks the button: both clicks are sent at
once, and one sign-off must come of them, with no error page.

It runs the rush twice, on a freshly built database each time (``--mode``):

- ``burst``: all leaders press the button at the same instant;
- ``spread``: each starts at a random moment (fixed seed) within
  ``--spread-seconds`` (60 by default): the same minute.

Afterwards it checks the database for each authority: lost (not submitted, or
an answer's signed-off position differs from its working one) and duplicated
(more than one response, ``submission_count`` not 1, ``version`` not moved
on, not exactly one new revision, one audit event and one notification per
person). An error is any status other than 2xx/3xx, a sign-off that did
not redirect to the confirmation page, or a page that shows an error summary.

It prints, per run and per kind of request, the client's and the server's
p50/p95/p99 in milliseconds, and PASS or FAIL against the budget, with the
load average and the CPU time the workers spent per leader: on a shared
machine the access log's durations include waiting for a CPU, the CPU time
does not. ``bench/rush_profile.py`` times and profiles one sign-off at a time
in-process, with its SQL statement count. It exits 1
if anything was lost, duplicated or went wrong (in any run), and, with
``--fail-over-budget``, 2 if only the p95 budget was missed. Server logs and
access logs are kept in a temporary directory (printed), or ``--log-dir``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rush_client import Browser, Page, read_form  # noqa: E402
from rush_setup import PASSWORD, Leader, Scenario, build, wipe_and_migrate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from commission import create_app  # noqa: E402
from commission.audit.models import AuditEvent  # noqa: E402
from commission.config import normalise_database_url  # noqa: E402
from commission.consultations.models import (  # noqa: E402
    Answer,
    Response,
    ResponseRevision,
    ResponseStatus,
)
from commission.extensions import db  # noqa: E402
from commission.notifications.models import OutboxMessage  # noqa: E402

HOST = "127.0.0.1"
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
PEOPLE_PER_AUTHORITY = 2  # the leader and the officer hear of each sign-off
KINDS = ("GET check", "POST sign-off", "GET confirmation")


# Serving -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    access_log: Path
    server_log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve(database_url: str, logs: Path, label: str, args: argparse.Namespace) -> Server:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(shutil.which("gunicorn") or "gunicorn")
    port = free_port()
    access_log = logs / f"{label}-access.log"
    server_log = logs / f"{label}-server.log"
    env = dict(os.environ)
    env.update(
        {
            "COMMISSION_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": "https://commission.example.gov.uk",
            "STORAGE_PATH": str(logs / "files"),
            "MAIL_OUTBOX_DIR": str(logs / "outbox"),
        }
    )
    command = [
        str(gunicorn),
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--bind",
        f"{HOST}:{port}",
        "--timeout",
        "120",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--error-logfile",
        "-",
        "commission:create_app()",
    ]
    with server_log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    server = Server(process, port, access_log, server_log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start; see {server_log}")
        try:
            if Browser(HOST, port).get("/sign-in").status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise SystemExit(f"gunicorn did not answer within a minute; see {server_log}")


def workers_cpu_seconds(master: int) -> float:
    """CPU time (user and system) used so far by the server's worker processes
    (Linux ``/proc``; 0 elsewhere). Unlike the access log's durations, it does
    not grow when the machine is busy with other work."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == master:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# People --------------------------------------------------------------------------------


@dataclass
class Outcome:
    leader: Leader
    pages: list[tuple[str, Page]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def sign_in(browser: Browser, leader: Leader) -> None:
    page = browser.get("/sign-in")
    form = read_form(page.body)
    done = browser.post(
        "/sign-in",
        {
            "csrf_token": form.inputs.get("csrf_token", ""),
            "email": leader.email,
            "password": PASSWORD,
        },
        on="/sign-in",
    )
    if done.status != 302 or done.redirect_path != "/":
        raise SystemExit(
            f"Signing in {leader.email} failed: {done.status} "
            f"{read_form(done.body).title.strip() or done.location}"
        )


def describe(page: Page) -> str:
    title = " ".join(read_form(page.body).title.split()) if page.body else ""
    return f"{page.method} {page.path}: {page.status} {title or page.location}"


def twice(browser: Browser, path: str, form: dict[str, str]) -> list[Page]:
    """The same form sent twice at once, as a double click sends it."""
    pages: list[Page] = []
    clicks = [
        threading.Thread(target=lambda: pages.append(browser.post(path, form, on=path)))
        for _ in range(2)
    ]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join()
    if len(pages) != 2:
        raise ConnectionError("a click of the double click got no answer")
    return pages


def sign_off(browser: Browser, leader: Leader, reference: str, double_click: bool) -> Outcome:
    """Open the check-your-answers page, sign off, follow the redirect. A
    double click must sign off once: one click lands on the confirmation, the
    other there too or back on the check page with the "someone changed this
    response" warning; anything else is an error."""
    outcome = Outcome(leader)
    check = f"/consultations/{reference}/responses/{leader.slug}/check"
    confirmation = f"/consultations/{reference}/responses/{leader.slug}/confirmation"
    page = browser.get(check)
    outcome.pages.append(("GET check", page))
    form = read_form(page.body)
    if page.status != 200 or form.error_summary or form.inputs.get("action") != "submit":
        outcome.problems.append(describe(page))
        return outcome
    fields = {
        "csrf_token": form.inputs["csrf_token"],
        "version": form.inputs["version"],
        "action": "submit",
    }
    posts = (
        twice(browser, check, fields) if double_click else [browser.post(check, fields, on=check)]
    )
    outcome.pages.extend(("POST sign-off", post) for post in posts)
    landed = [post.redirect_path if post.status == 302 else "" for post in posts]
    if confirmation not in landed or any(path not in {confirmation, check} for path in landed):
        outcome.problems.extend(describe(post) for post in posts)
        return outcome
    page = browser.get(confirmation)
    outcome.pages.append(("GET confirmation", page))
    if page.status != 200 or read_form(page.body).error_summary:
        outcome.problems.append(describe(page))
    return outcome


def run_in_threads(
    leaders: list[Leader], start_at: Callable[[int], float], work: Callable[[Leader], Outcome]
) -> list[Outcome]:
    """One thread per leader, each released at ``start_at(i)`` (perf_counter)."""
    outcomes: list[Outcome | None] = [None] * len(leaders)

    def person(index: int) -> None:
        delay = start_at(index) - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            outcomes[index] = work(leaders[index])
        except Exception as error:
            outcomes[index] = Outcome(leaders[index], problems=[f"{type(error).__name__}: {error}"])

    threads = [threading.Thread(target=person, args=(i,)) for i in range(len(leaders))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [o for o in outcomes if o is not None]


# Checking what was stored ----------------------------------------------------------------


@dataclass
class Stored:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)


def check_database(app: object, scenario: Scenario) -> Stored:
    """What one sign-off per authority must have left behind, and nothing more."""
    stored = Stored()
    ids = [leader.response_id for leader in scenario.leaders]
    with app.app_context():  # type: ignore[attr-defined]
        responses = {
            r.authority_id: r
            for r in db.session.execute(
                select(Response).where(Response.consultation_id == scenario.consultation_id)
            ).scalars()
        }
        per_authority = dict(
            db.session.execute(
                select(Response.authority_id, func.count(Response.id))
                .where(Response.consultation_id == scenario.consultation_id)
                .group_by(Response.authority_id)
            ).all()
        )
        revisions = _counts(
            select(ResponseRevision.response_id, ResponseRevision.action, func.count())
            .where(ResponseRevision.response_id.in_(ids))
            .group_by(ResponseRevision.response_id, ResponseRevision.action)
        )
        audits = _counts(
            select(AuditEvent.subject_id, AuditEvent.action, func.count())
            .where(AuditEvent.subject_type == "responses", AuditEvent.subject_id.in_(ids))
            .group_by(AuditEvent.subject_id, AuditEvent.action)
        )
        notices: dict[int, int] = defaultdict(int)
        for key in db.session.execute(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("submitted:%"))
        ).scalars():
            notices[int(key.split(":")[1])] += 1
        unequal = set(
            db.session.execute(
                select(Answer.response_id).where(
                    Answer.response_id.in_(ids),
                    func.coalesce(Answer.submitted_position, "")
                    != func.coalesce(Answer.position, ""),
                )
            ).scalars()
        )
        for leader in scenario.leaders:
            response = responses.get(leader.authority_id)
            name = leader.slug
            if response is None or response.status is not ResponseStatus.SUBMITTED:
                stored.lost.append(f"{name}: not submitted")
                continue
            if response.submitted_at is None or response.submission_count < 1:
                stored.lost.append(f"{name}: no signed-off copy")
            if response.id in unequal:
                stored.lost.append(f"{name}: answers not all signed off")
            if response.submitted_by_id != leader.user_id:
                stored.lost.append(f"{name}: signed off by someone else")
            wrong = []
            if per_authority.get(leader.authority_id, 0) != 1:
                wrong.append(f"{per_authority.get(leader.authority_id)} responses")
            if response.submission_count != 1:
                wrong.append(f"submission_count {response.submission_count}")
            if response.version <= scenario.initial_version:
                wrong.append(f"version {response.version}")
            mine = revisions.get(response.id, {})
            if sum(mine.values()) != scenario.initial_revisions + 1 or mine.get("submitted") != 1:
                wrong.append(f"revisions {dict(mine)}")
            events = audits.get(response.id, {})
            if events != {"response_submitted": 1}:
                wrong.append(f"audit events {dict(events)}")
            if notices.get(response.id, 0) != PEOPLE_PER_AUTHORITY:
                wrong.append(f"{notices.get(response.id, 0)} notifications")
            if wrong:
                stored.duplicated.append(f"{name}: " + ", ".join(wrong))
        db.session.remove()
    return stored


def _counts(statement: object) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = defaultdict(dict)
    for key, action, count in db.session.execute(statement).all():  # type: ignore[call-overload]
        result[key][action] = count
    return result


# Timings ---------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of values at or below it."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def kind_of(method: str, path: str) -> str:
    if path.endswith("/check"):
        return "GET check" if method == "GET" else "POST sign-off"
    if path.endswith("/confirmation"):
        return "GET confirmation"
    return f"{method} other"


def server_timings(access_log: Path, offset: int) -> tuple[dict[str, list[float]], list[str]]:
    """Milliseconds per kind of request from the access log past ``offset``,
    and the lines whose status was not 2xx or 3xx."""
    timings: dict[str, list[float]] = defaultdict(list)
    bad = []
    with access_log.open("rb") as log:
        log.seek(offset)
        for raw in log:
            parts = raw.decode().split()
            if len(parts) != 4:
                continue
            method, path, status, micros = parts
            timings[kind_of(method, path)].append(int(micros) / 1000)
            if not status.startswith(("2", "3")):
                bad.append(raw.decode().strip())
    return timings, bad


@dataclass
class Run:
    label: str
    seconds: float
    outcomes: list[Outcome]
    server: dict[str, list[float]]
    server_errors: list[str]
    tracebacks: int
    stored: Stored
    load_before: float
    load_after: float
    cpu_seconds: float

    @property
    def errors(self) -> list[str]:
        return [f"{o.leader.slug}: {p}" for o in self.outcomes for p in o.problems]

    def client(self) -> dict[str, list[float]]:
        timings: dict[str, list[float]] = defaultdict(list)
        for outcome in self.outcomes:
            for kind, page in outcome.pages:
                timings[kind].append(page.seconds * 1000)
        return timings

    def correct(self) -> bool:
        return not (
            self.errors
            or self.server_errors
            or self.tracebacks
            or self.stored.lost
            or self.stored.duplicated
        )

    def within(self, budget_ms: float) -> bool:
        return all(percentile(self.server.get(k, []), 95) <= budget_ms for k in KINDS)


def one_run(label: str, database_url: str, logs: Path, args: argparse.Namespace) -> Run:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    started = time.perf_counter()
    wipe_and_migrate(app)
    scenario = build(
        app,
        authorities=args.authorities,
        questions=args.questions,
        closes_in=timedelta(minutes=args.closes_in_minutes),
    )
    with app.app_context():
        db.engine.dispose()
    print(
        f"[{label}] built {scenario.reference}: {scenario.questions} questions, "
        f"{len(scenario.leaders)} leaders ({time.perf_counter() - started:.1f}s)",
        flush=True,
    )
    server = serve(database_url, logs, label, args)
    try:
        browsers = {leader.email: Browser(HOST, server.port) for leader in scenario.leaders}
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.sign_in_concurrency) as pool:
            list(pool.map(lambda leader: sign_in(browsers[leader.email], leader), scenario.leaders))
        print(
            f"[{label}] {len(browsers)} leaders signed in ({time.perf_counter() - started:.1f}s); "
            f"server on port {server.port}",
            flush=True,
        )
        offset = server.access_log.stat().st_size
        load = os.getloadavg()[0]
        cpu = workers_cpu_seconds(server.process.pid)
        begin = time.perf_counter() + 1.0
        if label == "burst":
            offsets = [0.0] * len(scenario.leaders)
        else:
            chance = random.Random(args.seed)  # noqa: S311  (a schedule, not a secret)
            offsets = [chance.uniform(0, args.spread_seconds) for _ in scenario.leaders]
        outcomes = run_in_threads(
            scenario.leaders,
            lambda i: begin + offsets[i],
            lambda leader: sign_off(
                browsers[leader.email],
                leader,
                scenario.reference,
                double_click=bool(args.double_click_every)
                and leader.authority_id % args.double_click_every == 0,
            ),
        )
        seconds = time.perf_counter() - begin
        cpu = workers_cpu_seconds(server.process.pid) - cpu
    finally:
        server.stop()
    timings, bad = server_timings(server.access_log, offset)
    tracebacks = server.server_log.read_text(errors="replace").count("Traceback")
    stored = check_database(app, scenario)
    return Run(
        label, seconds, outcomes, timings, bad, tracebacks, stored, load, os.getloadavg()[0], cpu
    )


# Reporting -------------------------------------------------------------------------------


def report(runs: list[Run], args: argparse.Namespace) -> None:
    budget = args.budget_ms
    print()
    print(
        f"Deadline rush: {args.authorities} leaders, {args.workers} gunicorn "
        f"{args.worker_class} workers"
        + (f" x {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", PostgreSQL; budget: server p95 <= {budget:.0f} ms per request"
    )
    header = (
        f"{'run':<7} {'request':<17} {'n':>4}  {'client p50':>10} {'p95':>7} {'p99':>7}"
        f"  {'server p50':>10} {'p95':>7} {'p99':>7}  budget"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        client = run.client()
        for kind in KINDS:
            c, s = client.get(kind, []), run.server.get(kind, [])
            verdict = "PASS" if percentile(s, 95) <= budget else "FAIL"
            print(
                f"{run.label:<7} {kind:<17} {len(s):>4}  {percentile(c, 50):>10.0f} "
                f"{percentile(c, 95):>7.0f} {percentile(c, 99):>7.0f}  {percentile(s, 50):>10.0f} "
                f"{percentile(s, 95):>7.0f} {percentile(s, 99):>7.0f}  {verdict}"
            )
    print()
    for run in runs:
        print(
            f"{run.label}: {len(run.outcomes)} leaders in {run.seconds:.1f}s; "
            f"lost {len(run.stored.lost)}, duplicated {len(run.stored.duplicated)}, "
            f"errors {len(run.errors)} (server: {len(run.server_errors)} non-2xx/3xx, "
            f"{run.tracebacks} tracebacks); load average {run.load_before:.1f} before, "
            f"{run.load_after:.1f} after -> "
            f"{'PASS' if run.correct() and run.within(budget) else 'FAIL'}"
        )
        print(
            f"    server CPU: {run.cpu_seconds * 1000 / max(1, len(run.outcomes)):.0f} ms per "
            f"leader (all their requests), {run.cpu_seconds:.1f}s in all over {run.seconds:.1f}s"
        )
        for problem in (run.errors + run.server_errors + run.stored.lost + run.stored.duplicated)[
            :10
        ]:
            print(f"    {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=317, help="leaders signing off")
    parser.add_argument("--questions", type=int, default=12, help="position questions")
    parser.add_argument("--mode", choices=["burst", "spread", "both"], default="both")
    parser.add_argument("--spread-seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="per gthread worker")
    parser.add_argument(
        "--double-click-every",
        type=int,
        default=10,
        help="one leader in this many double-clicks the sign-off button (0: nobody)",
    )
    parser.add_argument("--sign-in-concurrency", type=int, default=8)
    parser.add_argument("--budget-ms", type=float, default=500.0)
    parser.add_argument("--closes-in-minutes", type=int, default=120)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--log-dir", type=Path, help="keep server and access logs here")
    parser.add_argument("--fail-over-budget", action="store_true", help="exit 2 when over budget")
    args = parser.parse_args(argv)

    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        parser.error("set BENCH_DATABASE_URL to a PostgreSQL database the bench may wipe")
    url = normalise_database_url(url)
    logs = args.log_dir or Path(tempfile.mkdtemp(prefix="deadline-rush-"))
    logs.mkdir(parents=True, exist_ok=True)
    print(f"Logs in {logs}", flush=True)

    labels = ["burst", "spread"] if args.mode == "both" else [args.mode]
    runs = [one_run(label, url, logs, args) for label in labels]
    report(runs, args)
    if not all(run.correct() for run in runs):
        return 1
    if args.fail_over_budget and not all(run.within(args.budget_ms) for run in runs):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
