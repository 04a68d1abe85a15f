"""Benchmark two versions of the code on the same pages, interleaved: server CPU and wall
time per view and queries per page, for a counsellor and a party representative of the demo.

Each version runs in its own process (``--old`` and ``--new`` are ``src/`` directories, e.g.
``/work/main/src`` and this tree's); the driver asks them in turn, A/B/A/B, for a few views
of one page at a time, so that the machine's noise falls on both alike. Reports the mean and
the best of the CPU times, and the spread (max − min of the rounds' means).

    .venv/bin/python bench/pages_ab.py --old /work/main/src [--rounds 5] [--views 3]
        [--agreement REF] [--reader ROLE=USERNAME ...] [--page PAGE ...]

``--agreement`` and ``--reader`` point it at other data (the 10,000-agreement database: a
generated counsellor and representative of one of their agreements).

Needs a database with the demo loaded (``make demo`` once) or the agreement named; reads only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from page_html import readers_from

HERE = Path(__file__).resolve()
PAGES = ("overview", "commitments", "interactions", "commitment", "brief", "parties", "party")
PAGES += ("trust", "grievances", "local")
READERS = {"counsellor": "samuel", "representative": "paul"}


def _serve(src: str, agreement: str, readers: dict[str, str], misses: bool = False) -> None:
    """The worker: answers ``reader page views`` lines with the views' costs as JSON. With
    ``misses``, each timed view finds the process's snapshot cache empty, as the first view
    after a recompute does (``analytics.snapshot_cache``)."""
    sys.path.insert(0, src)
    sys.path.insert(0, str(HERE.parent))
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from page_html import _pages

    from alliance.accounts import policy
    from alliance.analytics import snapshot_cache
    from alliance.partnerships.models import Agreement

    chosen = Agreement.objects.get(reference=agreement)
    commitment = chosen.commitments.order_by("due_on", "pk").first()
    clients, pages = {}, {}
    for role, username in readers.items():
        user = get_user_model().objects.get(username=username)
        party = policy.parties_visible_to(user).filter(participations__agreement=chosen)
        pages[role] = _pages(chosen, commitment, party.order_by("pk").first())
        clients[role] = Client(HTTP_HOST="127.0.0.1")
        clients[role].force_login(user)
        for url in pages[role].values():
            clients[role].get(url)  # warm: templates, caches
    print("ready", flush=True)
    for line in sys.stdin:
        role, page, views = line.split()
        client, url = clients[role], pages[role][page]
        executed: list[str] = []

        def count(run, sql, *rest, executed=executed):
            executed.append(sql)
            return run(sql, *rest)

        # Counted as they run (CaptureQueriesContext saw none in this process).
        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        costs = []
        for _ in range(int(views)):
            if misses:
                snapshot_cache.cache().clear()
            cpu, wall = time.process_time(), time.perf_counter()
            client.get(url)
            costs.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
        print(json.dumps({"status": status, "queries": len(executed), "costs": costs}), flush=True)


def _start(
    src: str, agreement: str, readers: dict[str, str], misses: bool = False
) -> subprocess.Popen:
    chosen = [f"--reader={role}={name}" for role, name in readers.items()]
    chosen += ["--snapshot-misses"] if misses else []
    return start_worker(HERE, ["--serve", src, "--agreement", agreement, *chosen], src)


def start_worker(script: Path, arguments: list[str], src: str) -> subprocess.Popen:
    """``script`` run as a worker process with ``arguments``, once it says it is ready."""
    worker = subprocess.Popen(
        [sys.executable, str(script), *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert worker.stdout is not None
    if worker.stdout.readline().strip() != "ready":
        raise SystemExit(f"the worker for {src} did not start")
    return worker


def ask(worker: subprocess.Popen, line: str, what: str) -> dict:
    """Send ``line`` to a worker and read its JSON answer; stop if the page did not answer 200."""
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(line + "\n")
    worker.stdin.flush()
    answer = json.loads(worker.stdout.readline())
    if answer["status"] != 200:
        raise SystemExit(f"{what} answered {answer['status']}")
    return answer


def _ask(worker: subprocess.Popen, role: str, page: str, views: int) -> dict:
    return ask(worker, f"{role} {page} {views}", f"{role} {page}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", help="src/ of the baseline (required)")
    parser.add_argument("--new", default=str(HERE.parent.parent / "src"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--views", type=int, default=3, help="views per round and version")
    parser.add_argument("--agreement", default="CONC-CM-2024-017")
    parser.add_argument(
        "--reader",
        action="append",
        metavar="ROLE=USERNAME",
        help="who reads (repeatable; default: the demo's counsellor and representative)",
    )
    parser.add_argument("--page", action="append", choices=PAGES, help="default: all")
    parser.add_argument(
        "--snapshot-misses",
        action="store_true",
        help="empty the snapshot cache before each timed view (the views after a recompute)",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    readers = dict(READERS) if not args.reader else readers_from(args.reader)
    if args.serve:
        return _serve(args.serve, args.agreement, readers, args.snapshot_misses)
    if not args.old:
        parser.error("--old is required")
    workers = {
        version: _start(src, args.agreement, readers, args.snapshot_misses)
        for version, src in (("old", args.old), ("new", args.new))
    }
    before = os.getloadavg()
    misses = ", snapshot cache emptied before each view" if args.snapshot_misses else ""
    print(
        f"{os.cpu_count()} cores, {args.agreement}, {args.rounds} rounds × {args.views} views"
        + misses
    )
    header = "| reader | page | CPU ms old | CPU ms new | ratio | best old | best new "
    header += "| spread old | spread new | wall ms old | wall ms new | queries old | queries new |"
    print(header)
    print("|---|---|" + "---:|" * 11)
    totals = {"old": 0.0, "new": 0.0}
    for role in readers:
        for page in args.page or PAGES:
            cpu: dict[str, list[float]] = {"old": [], "new": []}
            wall: dict[str, list[float]] = {"old": [], "new": []}
            rounds: dict[str, list[float]] = {"old": [], "new": []}
            queries = {}
            for i in range(args.rounds):
                order = ("old", "new") if i % 2 == 0 else ("new", "old")
                for version in order:
                    answer = _ask(workers[version], role, page, args.views)
                    queries[version] = answer["queries"]
                    cpu[version] += [c for c, _ in answer["costs"]]
                    wall[version] += [w for _, w in answer["costs"]]
                    rounds[version].append(statistics.mean(c for c, _ in answer["costs"]))
            mean = {v: statistics.mean(cpu[v]) for v in cpu}
            totals["old"] += mean["old"]
            totals["new"] += mean["new"]
            spread = {v: max(rounds[v]) - min(rounds[v]) for v in rounds}
            print(
                f"| {role} | {page} | {mean['old']:.1f} | {mean['new']:.1f} | "
                f"{mean['new'] / mean['old']:.2f} | "
                f"{min(cpu['old']):.1f} | {min(cpu['new']):.1f} | "
                f"{spread['old']:.1f} | {spread['new']:.1f} | {statistics.mean(wall['old']):.1f} | "
                f"{statistics.mean(wall['new']):.1f} | {queries['old']} | {queries['new']} |",
                flush=True,
            )
    print(
        f"| all | sum of the means | {totals['old']:.0f} | {totals['new']:.0f} | "
        f"{totals['new'] / totals['old']:.2f} | | | | | | | | |"
    )
    after = os.getloadavg()
    print(
        f"load average {before[0]:.1f} {before[1]:.1f} {before[2]:.1f} before, "
        f"{after[0]:.1f} {after[1]:.1f} {after[2]:.1f} after"
    )
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()


if __name__ == "__main__":
    main()
