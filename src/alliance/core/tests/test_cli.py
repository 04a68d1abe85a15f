"""The ``alliance`` command works with no variable set: ``--help`` needs neither a database nor
a key, and every command runs in a directory where ``make demo`` ran (its key under var/)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from alliance.core.tests.processes import own_sqlite_file

ALLIANCE = Path(sys.executable).parent / "alliance"


def _run(cwd: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), "LANG": "C.UTF-8"}
    if "PYTHONPATH" in os.environ:  # a checkout under test, not a setting of the product
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(
        [str(ALLIANCE), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--help"),
        ("import", "--help"),
        ("recompute", "--help"),
        ("worker", "--help"),
        ("generate", "--help"),
        ("manage", "help", "migrate"),
        ("--help",),
    ],
)
def test_help_needs_no_database_and_no_key(tmp_path: Path, args: tuple[str, ...]) -> None:
    done = _run(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert "usage" in done.stdout.lower() and "ImproperlyConfigured" not in done.stderr
    assert not list(tmp_path.rglob("*.sqlite3")), "help must not create a database"
    assert not (tmp_path / "var" / "secret_key").exists(), "help must not create a key"


@own_sqlite_file
def test_every_command_runs_where_the_demo_ran(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "secret_key").write_text("k" * 50, encoding="utf-8")
    for args in (
        ("manage", "migrate", "--verbosity", "0"),
        ("manage", "check"),
        ("generate", "--agreements", "1", "--seed", "3"),
        ("recompute",),
        ("export", "--help"),
        ("worker", "--queue", "default", "--batch"),
    ):
        done = _run(tmp_path, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert "SECRET_KEY" not in done.stderr, args
    # The worker of the writes' queue ran the scheduler's tick and left the daily portfolio
    # recompute it queued to the bulk queue's worker (alliance.operations.queues).
    assert _daily_job(tmp_path) == ("bulk", "READY")
    done = _run(tmp_path, "worker", "--queue", "bulk", "--batch")
    assert done.returncode == 0, done.stderr[-2000:]
    assert _daily_job(tmp_path) == ("bulk", "SUCCESSFUL")
    assert _run(tmp_path, "worker", "--batch").returncode == 0  # every queue


def _daily_job(tmp_path: Path) -> tuple[str, str]:
    database = next((tmp_path / "var").glob("*.sqlite3"))
    with sqlite3.connect(database) as db:
        return db.execute(
            "select queue_name, status from django_tasks_database_dbtaskresult"
            " where task_path = 'alliance.notifications.scheduler.run_job'"
            " and args_kwargs like '%insights%'"
        ).fetchone()


def test_without_a_key_a_real_command_says_how_to_get_one(tmp_path: Path) -> None:
    done = _run(tmp_path, "manage", "check")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr and "alliance demo" in done.stderr


def test_the_demo_worker_writes_scheduled_mail_to_files_unless_a_server_is_set(
    tmp_path: Path,
) -> None:
    from alliance.cli import worker_env

    assert worker_env({"PATH": "/bin"}, tmp_path)["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert "EMAIL_FILE_PATH" not in worker_env({"EMAIL_HOST": "smtp.example.org"}, tmp_path)
    assert worker_env({"EMAIL_FILE_PATH": "/srv/mail"}, tmp_path)["EMAIL_FILE_PATH"] == "/srv/mail"


def test_the_server_freezes_what_it_loaded_before_serving(db: None) -> None:
    """What the server loads at start (modules, views, templates) lives as long as the
    process: it goes into the collector's permanent generation, so a full collection during
    a request walks only what requests created."""
    import gc

    from alliance.cli import _freeze_what_is_loaded

    assert gc.get_freeze_count() == 0
    try:
        _freeze_what_is_loaded()
        frozen = gc.get_freeze_count()
        views = [m for m in sys.modules if m.startswith("alliance.web.views.")]
    finally:
        gc.unfreeze()
    assert frozen > 50_000, frozen
    assert "alliance.web.views.cockpit" in views


def test_the_daily_jobs_worker_leaves_the_cores_to_pages_and_writes(tmp_path):
    """``--queue bulk`` lowers its own CPU priority by WORKER_BULK_NICE, runs under
    SCHED_IDLE (Linux) and keeps its threads — the Monte Carlo's pool among them — to all
    cores but one; the other queues keep theirs. Each case in a process of its own (niceness
    only goes up)."""
    import os
    import subprocess
    import sys

    code = (
        "import os, sys, threading\n"
        "from alliance.cli import _setup_django, yield_the_cores\n"
        "from alliance.insights.schedule_engine import usable_cores\n"
        "_setup_django()\n"
        "nice = yield_the_cores(sys.argv[1])\n"
        "seen = []\n"
        "idle = lambda: getattr(os, 'SCHED_IDLE', -1) == os.sched_getscheduler(0)\n"
        "thread = threading.Thread(target=lambda: seen.append((idle(), usable_cores())))\n"
        "thread.start(); thread.join()\n"
        "print(nice, int(seen[0][0]), seen[0][1])\n"
    )

    def worker(queue: str, **environ: str) -> tuple[int, bool, int]:
        env = {**os.environ, "ALLIANCE_VAR_DIR": str(tmp_path), **environ}
        env.setdefault("SECRET_KEY", "test-only")
        out = subprocess.run(
            [sys.executable, "-c", code, queue], env=env, capture_output=True, text=True, check=True
        )
        nice, idle, cores = out.stdout.strip().splitlines()[-1].split()
        return int(nice), idle == "1", int(cores)

    base = os.nice(0)
    cores = len(os.sched_getaffinity(0))
    # A thread the job starts afterwards (the Monte Carlo's) runs idle, on all cores but one.
    assert worker("bulk", WORKER_BULK_NICE="10") == (min(base + 10, 19), True, max(cores - 1, 1))
    assert worker("default", WORKER_BULK_NICE="10") == (base, False, cores)
    assert worker("all", WORKER_BULK_NICE="10") == (base, False, cores)
    kept = {"WORKER_BULK_NICE": "0", "WORKER_BULK_IDLE": "0", "WORKER_BULK_CORES": "99"}
    assert worker("bulk", **kept) == (base, False, cores)
    assert worker("bulk", WORKER_BULK_CORES="1")[2] == 1


def test_the_daily_jobs_worker_keeps_the_highest_cores_and_at_least_one():
    from alliance.cli import bulk_cores

    assert bulk_cores({0, 1}, 0) == {1}
    assert bulk_cores({0}, 0) == {0}
    assert bulk_cores({0, 1, 2, 3}, 0) == {1, 2, 3}
    assert bulk_cores({0, 1, 2, 3}, 2) == {2, 3}
    assert bulk_cores({3, 5}, 9) == {3, 5}


def test_server_processes_and_threads_are_read_and_checked(monkeypatch):
    """``--workers`` / ``WEB_WORKERS`` and ``WEB_THREADS``: a bad value stops the server with
    a message naming the setting, before anything is served."""
    import pytest

    from alliance.cli import _threads, _workers

    monkeypatch.delenv("WEB_WORKERS", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    assert (_workers(None), _threads()) == (1, 8)
    monkeypatch.setenv("WEB_WORKERS", "4")
    monkeypatch.setenv("WEB_THREADS", "2")
    assert (_workers(None), _workers("3"), _threads()) == (4, 3, 2)
    for bad in ("0", "65", "two"):
        monkeypatch.setenv("WEB_THREADS", bad)
        with pytest.raises(SystemExit, match="WEB_THREADS"):
            _threads()
        with pytest.raises(SystemExit, match="--workers"):
            _workers(bad)
