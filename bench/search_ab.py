"""Benchmark two versions of the search code on the search page, interleaved: CPU and wall
time per request, per reader and word (``pages_ab``'s method: each version in its own process,
asked in turn A/B/A/B so that the machine's noise falls on both alike).

    .venv/bin/python bench/search_ab.py --old /work/wt/base/src \
        --reader gen-counsellor-173 --reader gen-representative-1211 [--word tariff ...]

Reads only.
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

from pages_ab import ask, start_worker

HERE = Path(__file__).resolve()
WORDS = ("tariff", "water", "zzqxv", "réunion")


def _serve(src: str, readers: list[str], words: list[str]) -> None:
    """The worker: answers ``reader-index word-index views`` lines with the costs as JSON."""
    sys.path.insert(0, src)
    from alliance.cli import _ensure_demo_secret, _setup_django

    os.environ.setdefault("MFA_REQUIRED_FOR_TEAM", "0")
    _ensure_demo_secret(Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var")))
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    clients = []
    for username in readers:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        for word in words:
            client.get(reverse("search"), {"q": word})  # warm: templates, caches
        clients.append(client)
    print("ready", flush=True)
    for line in sys.stdin:
        reader, word, views = (int(x) for x in line.split())
        costs = []
        for _ in range(views):
            cpu, wall = time.process_time(), time.perf_counter()
            status = clients[reader].get(reverse("search"), {"q": words[word]}).status_code
            costs.append(((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000))
        print(json.dumps({"status": status, "costs": costs}), flush=True)


def _start(src: str, readers: list[str], words: list[str]) -> subprocess.Popen:
    arguments = ["--serve", src, *(f"--reader={r}" for r in readers)]
    return start_worker(HERE, arguments + [f"--word={w}" for w in words], src)


def _ask(worker: subprocess.Popen, reader: int, word: int, views: int) -> list:
    return ask(worker, f"{reader} {word} {views}", "search")["costs"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", help="src/ of the baseline (required)")
    parser.add_argument("--new", default=str(HERE.parent.parent / "src"))
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--views", type=int, default=2, help="requests per round and version")
    parser.add_argument("--reader", action="append", required=True, metavar="USERNAME")
    parser.add_argument("--word", action="append", help=f"default: {', '.join(WORDS)}")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    words = args.word or list(WORDS)
    if args.serve:
        return _serve(args.serve, args.reader, words)
    if not args.old:
        parser.error("--old is required")
    workers = {
        v: _start(src, args.reader, words) for v, src in (("old", args.old), ("new", args.new))
    }
    before = os.getloadavg()
    print(f"{os.cpu_count()} cores, {args.rounds} rounds × {args.views} requests per version")
    print("| reader | word | CPU ms old (mean / best) | CPU ms new (mean / best) | CPU ratio "
          "| wall ms old (mean / best) | wall ms new (mean / best) | wall ratio |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r, reader in enumerate(args.reader):
        for w, word in enumerate(words):
            costs: dict[str, list] = {"old": [], "new": []}
            for i in range(args.rounds):
                for version in ("old", "new") if i % 2 == 0 else ("new", "old"):
                    costs[version] += _ask(workers[version], r, w, args.views)
            cpu = {v: [c for c, _ in costs[v]] for v in costs}
            wall = {v: [x for _, x in costs[v]] for v in costs}
            mc = {v: statistics.mean(cpu[v]) for v in cpu}
            mw = {v: statistics.mean(wall[v]) for v in wall}
            print(
                f"| {reader} | {word} | {mc['old']:.0f} / {min(cpu['old']):.0f} | "
                f"{mc['new']:.0f} / {min(cpu['new']):.0f} | {mc['new'] / mc['old']:.2f} | "
                f"{mw['old']:.0f} / {min(wall['old']):.0f} | "
                f"{mw['new']:.0f} / {min(wall['new']):.0f} | {mw['new'] / mw['old']:.2f} |",
                flush=True,
            )
    after = os.getloadavg()
    print(f"load average {before[0]:.1f} {before[1]:.1f} {before[2]:.1f} before, "
          f"{after[0]:.1f} {after[1]:.1f} {after[2]:.1f} after")  # fmt: skip
    for worker in workers.values():
        assert worker.stdin is not None
        worker.stdin.close()
        worker.wait()


if __name__ == "__main__":
    main()
