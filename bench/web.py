"""Load benchmark of the site as production runs it: ``alliance serve --workers N`` (waitress,
one process per core, on loopback) with the two task workers beside it (``alliance worker
--queue default`` for the writes' recomputes, ``--queue bulk`` for the daily job), on whatever
database ``DATABASE_URL`` names (SQLite under ``ALLIANCE_VAR_DIR`` otherwise).

20 virtual users (half counsellors, half party representatives, each with a session of their
own) loop without pause over the inbox, the portfolio, every tab of one of their agreements,
a commitment, the brief, a party and search; each makes one write a minute (a counsellor logs
an interaction through the quick log, a representative comments on a commitment). Before the
pages, the same users ask the same server for ``/health/live/`` (a view that touches nothing):
the floor the pages are compared with. Printed: p50 / p95 / p99 per page, requests per
second, errors, and the CPU time of the server, the workers and the load client beside the
wall time.

The database must already hold agreements: ``alliance generate --agreements N --counsellors
200 --representatives 3000`` (PostgreSQL) or ``alliance manage demo_load`` (SQLite). Users
log in by a session made in the database (``force_login``): the login page is not what is
measured, and the demo's team users have a second factor. The second factor is not required
of the team during the run (``MFA_REQUIRED_FOR_TEAM=0``); nothing else is changed.

    nice -n 10 .venv/bin/python bench/web.py [--users 20] [--seconds 120] [--floor-seconds 20]
                                             [--think 0]

``--think S`` makes each user read a page for 0.5 to 1.5 × S seconds before the next click (the
way load tools model people: locust's ``wait_time``); without it users click without pause,
which measures the server's capacity (its throughput against hello world) rather than what a
person waits for.

``--daily due`` (the default) makes the day's periodic jobs due when the workers start, so the
portfolio recompute (about 40 minutes of CPU at 10,000 agreements) runs beside the pages: what
users meet during the night's job. ``--daily done`` records them as already run today, as they
are for the rest of a working day: the workers then run only the writes' recomputes.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
ALLIANCE = Path(sys.executable).parent / "alliance"

TABS = (
    ("overview", "agreement"),
    ("parties", "agreement_parties"),
    ("commitments", "agreement_commitments"),
    ("interactions", "agreement_interactions"),
    ("expectations", "agreement_expectations"),
    ("trust", "agreement_trust"),
    ("risks", "agreement_risks"),
    ("local", "agreement_local"),
    ("grievances", "agreement_grievances"),
)
SEARCH_WORDS = ("permit", "tariff", "ministry", "financial close", "water", "zzqxv")
AGREEMENTS_PER_USER = 5
WRITE_EVERY_SECONDS = 60.0


def _daily_jobs(state: str) -> None:
    """Make today's periodic jobs due (no run of this period recorded, none queued) or done
    (each recorded as finished), before the workers start."""
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from alliance.core import clock
    from alliance.notifications.models import ScheduledRun
    from alliance.notifications.scheduler import periods

    with transaction.atomic():
        DBTaskResult.objects.all().delete()  # what earlier runs left queued
        ScheduledRun.objects.all().delete()
        if state == "done":
            now = timezone.now()
            ScheduledRun.objects.bulk_create(
                ScheduledRun(job=job, period=period, started_at=now, finished_at=now)
                for job, period in periods(clock.today()).items()
            )


def _setup() -> None:
    from alliance.cli import _ensure_demo_secret, _find_secret, _setup_django

    _find_secret([])
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()


# ----- who browses what ------------------------------------------------------------------


@dataclass
class Agreement:
    pages: dict[str, str]  # page name -> path
    quick_log: str | None  # the team's quick-log path
    comment: str | None  # a commitment's comment path (representatives)


@dataclass
class VirtualUser:
    name: str
    role: str  # "counsellor" or "representative"
    cookies: dict[str, str]
    agreements: list[Agreement]
    common: dict[str, str]  # inbox, portfolio


def _users(count: int) -> tuple[list, list]:
    """Counsellors and representatives: the generated firm's staff if there is one, else
    every user holding the role (the demo)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True).order_by("username")
    team = list(users.filter(username__startswith="gen-counsellor-"))
    reps = list(users.filter(username__startswith="gen-representative-"))
    if not team:
        team = list(users.filter(memberships__role__in=("counsellor", "owner")).distinct())
    if not reps:
        reps = list(users.filter(memberships__role="party_rep").distinct())
    rng = random.Random(7)
    half = count // 2
    pick = lambda pool, n: [pool[rng.randrange(len(pool))] for _ in range(n)]  # noqa: E731
    return pick(team, count - half), pick(reps, half)


def _agreement(user, agreement) -> Agreement:
    from django.urls import reverse

    from alliance.accounts import policy

    a = agreement.uuid
    pages = {label: reverse(name, args=[a]) for label, name in TABS}
    from django.db.models import Q

    from alliance.accounts.models import Membership

    commitments = policy.commitments_visible_to(user).filter(agreement=agreement).order_by("pk")
    membership = Membership.objects.filter(user=user, agreement=agreement).first()
    if membership is not None and membership.party_id:
        # A representative comments on what their party owes or is owed.
        party = membership.party_id
        commitments = commitments.filter(Q(owed_by_id=party) | Q(owed_to=party)).distinct()
    commitment = commitments.first()
    comment = None
    if commitment is not None:
        pages["commitment"] = reverse("commitment", args=[a, commitment.uuid])
        comment = reverse("commitment_comment", args=[a, commitment.uuid])
    pages["brief"] = reverse("agreement_brief", args=[a])
    party = policy.parties_visible_to(user).filter(participations__agreement=agreement).first()
    if party is not None:
        pages["party"] = reverse("party", args=[party.uuid])
    return Agreement(pages, reverse("interaction_quick_log", args=[a]), comment)


def virtual_users(count: int) -> list[VirtualUser]:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from alliance.accounts import policy

    team, reps = _users(count)
    result = []
    for role, people in (("counsellor", team), ("representative", reps)):
        for k, user in enumerate(people):
            client = Client()
            client.force_login(user)
            cookies = {
                settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
            }
            mine = list(policy.agreements_visible_to(user).order_by("pk")[:AGREEMENTS_PER_USER])
            agreements = [_agreement(user, a) for a in mine]
            common = {"inbox": reverse("inbox"), "portfolio": reverse("portfolio")}
            result.append(VirtualUser(f"{role}-{k}", role, cookies, agreements, common))
    return result


# ----- the load ----------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # page -> (client wall s, the server's X-Request-Timing record) per answer that had one
    timings: dict[str, list[tuple[float, dict[str, float]]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, page: str, seconds: float, ok: bool, detail: str = "",
            timing: dict[str, float] | None = None) -> None:  # fmt: skip
        with self.lock:
            self.latencies[page].append(seconds)
            if timing is not None:
                self.timings[page].append((seconds, timing))
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {detail}")


class Session:
    """One keep-alive connection with the user's cookies."""

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.port, self.cookies = port, dict(cookies)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.timing: dict[str, float] | None = None  # the last answer's X-Request-Timing

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        from alliance.web.request_timing import HEADER, parse_timing

        timing = response.getheader(HEADER)
        self.timing = parse_timing(timing) if timing else None
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, data


def _timed(results: Results, session: Session, page: str, method: str, path: str,
           body: str | None = None, expect: int = 200) -> bytes:  # fmt: skip
    started = time.perf_counter()
    try:
        status, data = session.request(method, path, body)
    except Exception as error:  # a refused or dropped connection is an error of the run
        results.add(page, time.perf_counter() - started, False, f"{type(error).__name__}")
        return b""
    results.add(page, time.perf_counter() - started, status == expect, f"{status} {path}",
                session.timing)  # fmt: skip
    return data


def _write(results: Results, session: Session, user: VirtualUser, rng: random.Random) -> None:
    from urllib.parse import urlencode

    agreement = rng.choice(user.agreements)
    if user.role == "counsellor" and agreement.quick_log:
        page = _timed(results, session, "interactions", "GET", agreement.pages["interactions"])
        parties = re.findall(rb'name="parties" value="([^"]+)"', page)[:2]
        form = [
            ("occurred_on", date.today().isoformat()),
            ("kind", "call"),
            ("summary", f"Load test call {rng.randrange(10**6)} about the permit"),
            ("tone", "0"),
            ("confidentiality", "internal"),
            ("language", "en"),
            ("follow_up-TOTAL_FORMS", "0"),
            ("follow_up-INITIAL_FORMS", "0"),
        ] + [("parties", p.decode()) for p in parties]
        _timed(results, session, "write: quick log", "POST", agreement.quick_log,
               urlencode(form), expect=302)  # fmt: skip
    elif agreement.comment:
        _timed(results, session, "commitment", "GET", agreement.pages["commitment"])
        body = urlencode({"text": f"Load test comment {rng.randrange(10**6)}"})
        _timed(results, session, "write: comment", "POST", agreement.comment, body, expect=302)


def browse(port: int, user: VirtualUser, until: float, results: Results, seed: int,
           think: float = 0.0) -> None:  # fmt: skip
    rng = random.Random(seed)
    session = Session(port, user.cookies)
    next_write = time.monotonic() + rng.uniform(0, WRITE_EVERY_SECONDS)
    while time.monotonic() < until:
        if time.monotonic() >= next_write and user.agreements:
            _write(results, session, user, rng)
            next_write += WRITE_EVERY_SECONDS
            continue
        choices = list(user.common.items())
        agreement = rng.choice(user.agreements) if user.agreements else None
        if agreement is not None:
            choices += list(agreement.pages.items())
        choices.append(("search", "/search/?q=" + rng.choice(SEARCH_WORDS).replace(" ", "+")))
        page, path = rng.choice(choices)
        _timed(results, session, page, "GET", path)
        if think:  # a person reads the page before the next click: 0.5 to 1.5 times --think
            time.sleep(min(rng.uniform(0.5 * think, 1.5 * think), max(0, until - time.monotonic())))


def warm_up(port: int, user: VirtualUser) -> None:
    """Each page of the user once, not counted: a fresh server process compiles its
    templates and fills its caches on its first requests, and 20 users arriving at once on
    two cold processes made every page's first answer take about 1 s (measured: all the
    run's answers over 0.4 s but one were its first 20 requests). The measured window is
    the server once started, as its users meet it all day."""
    session = Session(port, user.cookies)
    pages = [*user.common.values(), "/search/?q=permit"]
    for agreement in user.agreements:
        pages += list(agreement.pages.values())
    for path in pages:
        session.request("GET", path)


def floor(port: int, users: int, until: float, results: Results) -> None:
    session = Session(port, {})
    while time.monotonic() < until:
        _timed(results, session, "hello world (/health/live/)", "GET", "/health/live/")


def run_threads(target, args_list) -> float:
    threads = [threading.Thread(target=target, args=args, daemon=True) for args in args_list]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started


# ----- processes and their CPU time ---------------------------------------------------------


def _cpu_seconds(root: int) -> float:
    """User + system CPU of ``root`` and its descendants (from /proc), children that ended
    included through their parent's cumulative counters."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, tree = 0.0, {root}
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2 :].split()
            stats[int(entry.name)] = (int(fields[1]), fields)
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _f) in stats.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    for pid in tree:
        if pid in stats:
            f = stats[pid][1]
            total += (int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])) / ticks
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(port: int, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/health/ready/")
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer on port {port} within {seconds:.0f} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ----- report ------------------------------------------------------------------------------


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(floor_results: Results, floor_wall: float, results: Results, wall: float,
           cpu: dict[str, float], floor_cpu: float, meta: dict[str, str]) -> None:  # fmt: skip
    floor_rows = sum(len(v) for v in floor_results.latencies.values())
    rows = sum(len(v) for v in results.latencies.values())
    floor_rps, rps = floor_rows / floor_wall, rows / wall
    for key, value in meta.items():
        print(f"- {key}: {value}")
    print()
    print("| page | requests | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    every = [(floor_results, name) for name in floor_results.latencies]
    every += [(results, name) for name in sorted(results.latencies)]
    for source, name in every:
        values = source.latencies[name]
        print(f"| {name} | {len(values)} | {_quantile(values, 0.5):.0f} | "
              f"{_quantile(values, 0.95):.0f} | {_quantile(values, 0.99):.0f} | "
              f"{source.errors.get(name, 0)} |")  # fmt: skip
    pages = [v for v in results.latencies.values()]
    merged = [x for v in pages for x in v]
    print(f"| **all pages** | {rows} | {_quantile(merged, 0.5):.0f} | "
          f"{_quantile(merged, 0.95):.0f} | {_quantile(merged, 0.99):.0f} | "
          f"{sum(results.errors.values())} |")  # fmt: skip
    print()
    print("| run | wall s | requests/s | ratio to hello world | server CPU s | workers CPU s "
          "(writes' + daily job's) | client CPU s | server CPU ms / request |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| hello world | {floor_wall:.0f} | {floor_rps:.1f} | 1.00 | {floor_cpu:.1f} | — | — | "
          f"{floor_cpu * 1000 / max(floor_rows, 1):.1f} |")  # fmt: skip
    print(f"| pages | {wall:.0f} | {rps:.1f} | {rps / floor_rps:.2f} | {cpu['server']:.1f} | "
          f"{cpu['default']:.1f} + {cpu['bulk']:.1f} | {cpu['client']:.1f} | "
          f"{cpu['server'] * 1000 / max(rows, 1):.1f} |")  # fmt: skip
    if results.samples:
        print("\nfirst errors: " + "; ".join(results.samples))


def _overlaps(records: list[dict[str, float]]) -> dict[int, int]:
    """For each record (by id), how many other requests the same process was serving at
    some point of its window (its threads share one interpreter lock)."""
    by_pid: dict[float, list[dict[str, float]]] = defaultdict(list)
    for r in records:
        by_pid[r["pid"]].append(r)
    result = {}
    for same in by_pid.values():
        same.sort(key=lambda r: r["start"])
        for k, r in enumerate(same):
            end = r["start"] + r["wall"] / 1000
            count = sum(1 for o in same[:k] if o["start"] + o["wall"] / 1000 > r["start"])
            for o in same[k + 1 :]:
                if o["start"] >= end:
                    break
                count += 1
            result[id(r)] = count
    return result


def tail_report(floor_results: Results, results: Results) -> None:
    """Per page: the quantiles of the client's wall, the server's wall (inside Django), the
    serving thread's own CPU and the queries' time; then, for the slowest 5 % of its answers
    (by the client's wall), where their wall went: own CPU (outside the queries), the
    queries (the database and the driver), opening a connection, waiting inside Django
    (another thread of the process holding the interpreter lock, or the core taken by
    another process) and outside Django (waitress: a free thread, reading and writing the
    socket), and how many other requests the same process was serving meanwhile."""
    every = {**floor_results.timings, **results.timings}
    if not every:
        print("\n(no X-Request-Timing record: the server did not time its requests)")
        return
    pages = [r for name in results.timings for r in results.timings[name]]
    overlap = _overlaps([t for name in every for _, t in every[name]])
    print()
    print("| page | n | wall p50 / p95 | in Django p50 / p95 | own CPU p50 / p95 | "
          "queries ms p50 / p95 | queries p50 | slowest 5 %: n, mean wall ms | own CPU | "
          "queries | connect | waiting in Django | outside Django | other requests in "
          "the process |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [(name, every[name]) for name in floor_results.timings]
    rows += [(name, results.timings[name]) for name in sorted(results.timings)]
    rows.append(("**all pages**", pages))
    for name, records in rows:
        if records:
            print(_tail_row(name, records, overlap))


def _tail_row(name: str, records: list[tuple[float, dict[str, float]]],
              overlap: dict[int, int]) -> str:  # fmt: skip
    def q(key: str, p: float) -> str:  # a quantile of a field of the record, in ms
        return f"{_quantile([t[key] / 1000 for _, t in records], p):.0f}"

    walls = [w for w, _ in records]
    slow = sorted(records, key=lambda r: r[0], reverse=True)
    slow = slow[: max(1, -(-len(records) * 5 // 100))]
    wall = sum(w * 1000 for w, _ in slow)
    django = sum(t["wall"] for _, t in slow)
    own = sum(t["cpu"] - t["dbcpu"] for _, t in slow)
    db = sum(t["db"] for _, t in slow)
    connect = sum(t["connect"] for _, t in slow)
    shares = [own, db, connect, django - own - db - connect, wall - django]
    others = sum(overlap[id(t)] for _, t in slow) / len(slow)
    return (
        f"| {name} | {len(records)} | {_quantile(walls, 0.5):.0f} / {_quantile(walls, 0.95):.0f}"
        f" | {q('wall', 0.5)} / {q('wall', 0.95)} | {q('cpu', 0.5)} / {q('cpu', 0.95)}"
        f" | {q('db', 0.5)} / {q('db', 0.95)} | {q('q', 0.5)} | {len(slow)}, "
        f"{wall / len(slow):.0f} | "
        + " | ".join(f"{100 * x / wall:.0f} %" for x in shares)
        + f" | {others:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--floor-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a user reads a page before the next (0: no pause, the saturation "
        "run whose throughput is compared with hello world)",
    )
    parser.add_argument(
        "--daily",
        choices=("due", "done"),
        default="due",
        help="the day's periodic jobs (the portfolio recompute among them) run beside the pages "
        "(due) or have already run today (done)",
    )
    args = parser.parse_args()
    os.environ["MFA_REQUIRED_FOR_TEAM"] = "0"
    _setup()
    from django.db import connection

    from alliance.partnerships.models import Agreement as AgreementModel

    agreements = AgreementModel.objects.count()
    if not agreements:
        raise SystemExit("No agreement in this database: generate some or load the demo first.")
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    say(f"{agreements:,} agreements; preparing {args.users} users' sessions and pages")
    users = virtual_users(args.users)
    _daily_jobs(args.daily)
    meta = {
        "database": f"{connection.vendor}, {agreements:,} agreements",
        "server": f"alliance serve --workers {args.workers} (waitress, "
        f"{os.environ.get('WEB_THREADS') or 8} threads each), "
        "alliance worker --queue default and --queue bulk beside it (the bulk one "
        + (
            "niceness +10 only"
            if os.environ.get("WORKER_BULK_IDLE") == "0"
            else "under SCHED_IDLE, on all cores but one"
        )
        + "); the day's jobs "
        + ("run beside the pages" if args.daily == "due" else "already run today"),
        "load": f"{args.users} users ({len([u for u in users if u.role == 'counsellor'])} "
        f"counsellors, the rest representatives), "
        + (f"{args.think:g} s reading time on average" if args.think else "no pause")
        + ", one write per user-minute, "
        f"{args.seconds:.0f} s (floor {args.floor_seconds:.0f} s) after a warm-up (each "
        "user's pages once, not counted)",
        "agreements per user": ", ".join(str(len(u.agreements)) for u in users),
        "machine": f"{os.cpu_count()} cores, load average before {os.getloadavg()[0]:.1f}",
    }
    connection.close()
    port = _free_port()
    env = dict(os.environ)
    # Each answer says where its time went (alliance.web.request_timing): the tail report.
    # ALLIANCE_REQUEST_TIMING=0 leaves it out, to compare with code that has no such record.
    env.setdefault("ALLIANCE_REQUEST_TIMING", "1")
    server = subprocess.Popen(
        [str(ALLIANCE), "serve", "--port", str(port), "--workers", str(args.workers)], env=env,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    # The two task workers production runs (docs/deployment.md): the writes' recomputes, and
    # the daily job (which starts with the worker when the day's run is due).
    workers = {
        queue: subprocess.Popen(
            [str(ALLIANCE), "worker", "--queue", queue], env=env, stdout=subprocess.DEVNULL
        )
        for queue in ("default", "bulk")
    }
    try:
        say(f"starting the server on 127.0.0.1:{port} with {args.workers} processes")
        _wait_until_up(port)
        say(f"floor: {args.floor_seconds:.0f} s of /health/live/")
        floor_results = Results()
        cpu0 = _cpu_seconds(server.pid)
        until = time.monotonic() + args.floor_seconds
        floor_wall = run_threads(floor, [(port, args.users, until, floor_results)] * args.users)
        floor_cpu = _cpu_seconds(server.pid) - cpu0

        say("warm-up: each user's pages once, not counted")
        run_threads(warm_up, [(port, u) for u in users])
        say(f"pages: {args.seconds:.0f} s")
        results = Results()
        server0, client0 = _cpu_seconds(server.pid), time.process_time()
        workers0 = {queue: _cpu_seconds(w.pid) for queue, w in workers.items()}
        until = time.monotonic() + args.seconds
        wall = run_threads(
            browse, [(port, u, until, results, k, args.think) for k, u in enumerate(users)]
        )  # fmt: skip
        cpu = {
            "server": _cpu_seconds(server.pid) - server0,
            **{queue: _cpu_seconds(w.pid) - workers0[queue] for queue, w in workers.items()},
            "client": time.process_time() - client0,
        }
        meta["machine"] += f", after {os.getloadavg()[0]:.1f}"
    finally:
        _stop(server)
        for w in workers.values():
            _stop(w)
    report(floor_results, floor_wall, results, wall, cpu, floor_cpu, meta)
    tail_report(floor_results, results)


if __name__ == "__main__":
    main()
