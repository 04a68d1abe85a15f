"""A write never waits behind the daily job: real workers, one per queue
(``alliance.operations.queues``), on a real database — a SQLite file of the test's own, or
the PostgreSQL test database — and the leases hold on both queues."""

from __future__ import annotations

import json
import signal
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from alliance.core.tests.processes import (
    alliance,
    alliance_env,
    migrated_sqlite,
    shell_json,
    start_worker,
    stop,
    wait_for,
)

# The agreement a user writes to: the last one, which the daily job reaches last.
LAST = """
import json
from alliance.partnerships.models import Agreement
print(json.dumps(str(Agreement.objects.order_by("pk").last().uuid)))
"""

# The day's portfolio recompute, queued as the scheduler's tick queues it (its ScheduledRun
# row taken, so that the workers' own tick does not queue it again).
DAILY = """
import json
from alliance.core import clock
from alliance.notifications.choices import Job
from alliance.notifications.models import ScheduledRun
from alliance.notifications.scheduler import start
from django_tasks_db.models import DBTaskResult
period = clock.today().isoformat()
ScheduledRun.objects.create(job=Job.INSIGHTS, period=period)
start(Job.INSIGHTS, period)
job = DBTaskResult.objects.get(task_path="alliance.notifications.scheduler.run_job")
print(json.dumps([str(job.id), job.queue_name]))
"""

# A user's write: its agreement's recompute, queued after the daily job.
WRITE = """
import json
from alliance.analytics.tasks import recompute_agreement
print(json.dumps(recompute_agreement.enqueue(%(uuid)r).id))
"""


AGREEMENTS = 120


@dataclass
class Database:
    """The database the workers share, and a way to read it from the test."""

    env: dict
    sqlite: Path | None = None
    url: str = ""

    def one(self, sql: str, *params: object) -> tuple:
        if self.sqlite is not None:
            with sqlite3.connect(self.sqlite, timeout=30) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchone()
        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql, params).fetchone()  # type: ignore[arg-type]

    def task(self, task_id: str) -> tuple[str, list, str]:
        """(status, worker ids, queue) of a queued task."""
        status, workers, queue = self.one(
            "select status, worker_ids, queue_name from django_tasks_database_dbtaskresult"
            " where id = %s",
            task_id.replace("-", ""),
        )
        return status, workers if isinstance(workers, list) else json.loads(workers), queue


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    # One-second beats (a quarter of the lease) and retries, so that the lease test is short.
    extra = {"ALLIANCE_TODAY": "2025-07-09", "TASK_LEASE_SECONDS": "4", "TASK_RETRY_SECONDS": "1"}
    if connection.vendor == "sqlite":
        env = alliance_env(tmp_path, **extra)
        migrated_sqlite(env)
        yield Database(env, sqlite=tmp_path / "alliance.sqlite3")
        return
    # PostgreSQL: the suite's test database, committed to (emptied after the test).
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    url = f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    yield Database(alliance_env(tmp_path, url, **extra), url=url)


@pytest.mark.django_db(transaction=True)
def test_a_write_is_recomputed_while_the_daily_job_runs_and_a_lost_daily_job_is_retried(
    database: Database, tmp_path: Path
) -> None:
    # A portfolio whose daily recompute (about 0.15 s of CPU per agreement) outlasts a
    # worker's start several times over.
    alliance(database.env, "generate", "--agreements", str(AGREEMENTS))
    written = shell_json(database.env, LAST)
    daily, queue = shell_json(database.env, DAILY)
    assert queue == "bulk"
    log = tmp_path / "workers.log"
    bulk = start_worker(database.env, log, "--queue", "bulk")
    interactive = None
    try:
        assert wait_for(lambda: database.task(daily)[0] == "RUNNING", 300, 0.05), log.read_text()
        write = shell_json(database.env, WRITE % {"uuid": written})
        interactive = start_worker(database.env, log, "--queue", "default")
        done = wait_for(lambda: database.task(write)[0] == "SUCCESSFUL", 300, 0.05)
        # Read at once: the daily job is still at work when the write's recompute is done.
        status, bulk_ids, _queue = database.task(daily)
        assert done, log.read_text()[-3000:]
        assert status == "RUNNING", "the daily job ended first: nothing proved"
        assert database.task(write)[1] != bulk_ids  # run by the other worker

        # The bulk worker dies mid-job: the interactive worker's heartbeat takes the job back
        # (its lease) onto its own queue, and never runs it itself.
        bulk.send_signal(signal.SIGKILL)
        bulk.wait()
        assert wait_for(lambda: database.task(daily)[0] == "READY", 60, 0.1), log.read_text()
        assert not wait_for(lambda: database.task(daily)[0] != "READY", 4, 0.2)
        assert database.task(daily)[2] == "bulk"

        bulk = start_worker(database.env, log, "--queue", "bulk")
        assert wait_for(lambda: database.task(daily)[0] == "SUCCESSFUL", 900, 0.2), log.read_text()[
            -3000:
        ]
    finally:
        stop(bulk)
        if interactive is not None:
            stop(interactive)
    status, workers, _queue = database.task(daily)
    assert len(workers) == 2 and bulk_ids[0] == workers[0] != workers[1]
    assert "lost by its worker: queued again" in log.read_text()
    # Every agreement has its day's insights, written whole.
    counts = database.one(
        "select count(distinct agreement_id), count(distinct kind)"
        " from analytics_insightsnapshot where as_of = %s",
        "2025-07-09",
    )
    assert counts[0] == AGREEMENTS and counts[1] > 1
