#!/usr/bin/env python3
"""Benchmark of the scale generator: N agreements into a fresh PostgreSQL database.

    .venv/bin/python bench/generate.py [--agreements 10000] [--seed 1] [--keep]

Drops and creates the database ``alliance_bench`` (psql -h 127.0.0.1 -U postgres), migrates it,
runs ``alliance generate`` under ``/usr/bin/time -v`` and prints the rows per table, the wall
time, rows per second and the peak memory of the generator process against the targets
(10 minutes, 1 GiB for 10,000 agreements). The database is dropped afterwards unless --keep.
Exits non-zero when a target is missed. Environment: PGHOST / PGPORT / PGUSER override the
server (default 127.0.0.1:5432, postgres).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
DATABASE = "alliance_bench"
TARGET_SECONDS = 600
TARGET_RSS_KIB = 1024 * 1024


def _psql(host: str, port: str, user: str, sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", host, "-p", port, "-U", user, "-d", database, "-qAtX", "-c", sql]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _seconds(clock: str) -> float:
    """``/usr/bin/time`` prints the wall clock as [h:]mm:ss.ss."""
    total = 0.0
    for part in clock.split(":"):
        total = total * 60 + float(part)
    return total


def _row_counts(host: str, port: str, user: str) -> list[tuple[str, int]]:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()
    from alliance.scenarios.generator import ALL_TABLES

    names = [table.name for table in ALL_TABLES]
    query = " UNION ALL ".join(f"SELECT '{n}', count(*) FROM {n}" for n in names)
    output = _psql(host, port, user, query, DATABASE)
    counts = dict(line.split("|") for line in output.split())
    return [(name, int(counts[name])) for name in names]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    host = os.environ.get("PGHOST", "127.0.0.1")
    port = os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    if not Path("/usr/bin/time").exists():
        sys.exit("bench: /usr/bin/time is missing (apt-get install -y time)")

    _psql(host, port, user, f"DROP DATABASE IF EXISTS {DATABASE}")
    _psql(host, port, user, f"CREATE DATABASE {DATABASE}")
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{user}@{host}:{port}/{DATABASE}",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
    )
    alliance = str(VENV_BIN / "alliance")
    subprocess.run([alliance, "manage", "migrate", "-v", "0"], check=True, env=env)
    os.environ.update(env)

    # Show the generator's progress as it comes, and keep it to read /usr/bin/time's report.
    command = ["/usr/bin/time", "-v", alliance, "generate", f"--agreements={args.agreements}",
               f"--seed={args.seed}"]  # fmt: skip
    report = []
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True) as run:
        for line in run.stderr:
            sys.stderr.write(line)
            report.append(line)
    if run.returncode != 0:
        return run.returncode
    stderr = "".join(report)
    wall = _seconds(re.search(r"Elapsed \(wall clock\) time.*: (\S+)", stderr)[1])
    rss_kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)[1])

    counts = _row_counts(host, port, user)
    total = sum(count for _, count in counts)
    print(f"\n{'table':45} {'rows':>12}")
    for name, count in counts:
        print(f"{name:45} {count:>12,}")
    print(f"{'total':45} {total:>12,}\n")
    time_ok = wall <= TARGET_SECONDS
    rss_ok = rss_kib <= TARGET_RSS_KIB
    print(f"{'agreements':20} {args.agreements:>12,}")
    print(f"{'wall time':20} {wall:>10.1f} s   target ≤ {TARGET_SECONDS} s  "
          f"{'OK' if time_ok else 'MISSED'}")  # fmt: skip
    print(f"{'rows/s':20} {total / wall:>12,.0f}")
    print(f"{'peak RSS':20} {rss_kib / 1024:>9.0f} MiB   target ≤ 1024 MiB "
          f"{'OK' if rss_ok else 'MISSED'}")  # fmt: skip
    if not args.keep:
        _psql(host, port, user, f"DROP DATABASE {DATABASE}")
    return 0 if time_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
