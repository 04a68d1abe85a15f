"""A real task worker killed with SIGKILL in the middle of a job, then started again: the job
is taken back (the dead worker's lease), retried or failed visibly, and nothing is left
half-written. Separate processes on a SQLite file, as ``alliance worker`` runs in production.
(The e-mail batch is the notifications' test_worker_killed: nothing is sent twice.)"""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

from alliance.core.tests.processes import (
    alliance_env,
    migrated_sqlite,
    own_sqlite_file,
    shell_json,
    start_worker,
    stop,
    wait_for,
)

pytestmark = own_sqlite_file

SEED = """
import json
from datetime import date
from django.contrib.auth import get_user_model
from alliance.partnerships import services as ps
User = get_user_model()
admin = User.objects.create_superuser("admin", "", "x")
owner = User.objects.create_user("owner", "owner@example.org", "x", is_staff=True)
x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="SN")
y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
a = ps.agreement_create(actor=owner, title="Corridor", kind="bilateral",
                        signed_on=date(2025, 1, 15), host_country="SN")
ps.participation_add(actor=owner, agreement=a, party=x, role="signatory")
ps.participation_add(actor=owner, agreement=a, party=y, role="lender")
previous = None
for k in range(%(commitments)d):
    previous = ps.commitment_create(
        actor=owner, agreement=a, owed_by=x if k %% 2 else y, owed_to=[y if k %% 2 else x],
        title=f"Step {k}", category="technical", due_on=date(2026, 1, 2),
        duration_optimistic=1, duration_likely=3, duration_pessimistic=9,
        **({"depends_on": [previous]} if previous and k %% 3 else {}))
print(json.dumps(str(a.uuid)))
"""

RECOMPUTE = """
import json
from alliance.analytics.tasks import recompute_agreement
print(json.dumps(recompute_agreement.enqueue(%(uuid)r).id))
"""

PREVIEWED_BATCH = """
import json
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from alliance.interchange.services import import_batch_create, import_batch_run
from alliance.interchange.tasks import import_batch_task
owner = get_user_model().objects.get(username="owner")
upload = ContentFile(open(%(path)r, "rb").read(), name="parties.csv")
batch = import_batch_run(import_batch_create(actor=owner, upload=upload), commit=False)
assert batch.status == "previewed", batch.report
batch.status = "importing"
batch.save(update_fields=["status"])
print(json.dumps([str(batch.uuid), import_batch_task.enqueue(batch.pk, True, "fr").id]))
"""


def _one(database: Path, sql: str, *params: object) -> tuple:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(sql, params).fetchone()


def _task(database: Path, task_id: str) -> tuple[str, list, str]:
    """(status, worker ids, error class) of a queued task."""
    status, workers, error = _one(
        database,
        "select status, worker_ids, exception_class_path from django_tasks_database_dbtaskresult"
        " where id = ?",
        task_id.replace("-", ""),
    )
    return status, json.loads(workers), error


def _kill(worker) -> None:
    worker.send_signal(signal.SIGKILL)
    worker.wait()


def test_a_recompute_killed_mid_way_is_retried_and_written_whole(tmp_path):
    database = tmp_path / "alliance.sqlite3"
    env = alliance_env(
        tmp_path, ALLIANCE_TODAY="2025-07-09", TASK_RETRY_SECONDS="1", TASK_MAX_ATTEMPTS="3"
    )
    migrated_sqlite(env)
    agreement = shell_json(env, SEED % {"commitments": 150})
    task_id = shell_json(env, RECOMPUTE % {"uuid": agreement})
    log = tmp_path / "worker.log"
    snapshots = "select count(*) from analytics_insightsnapshot"

    first = start_worker(env, log)
    try:
        running = wait_for(lambda: _task(database, task_id)[0] == "RUNNING", 300, 0.02)
        assert running, log.read_text()
    finally:
        _kill(first)
    status, workers, _error = _task(database, task_id)
    assert status == "RUNNING", "the kill came too late to prove anything"
    # Nothing half-written: the day's insights are stored all at once or not at all.
    assert _one(database, snapshots)[0] == 0

    second = start_worker(env, log)
    try:
        assert wait_for(lambda: _task(database, task_id)[0] == "SUCCESSFUL", 600, 0.2), (
            log.read_text()[-3000:]
        )
    finally:
        stop(second)
    status, workers, _error = _task(database, task_id)
    assert len(workers) == 2 and workers[0] != workers[1]
    kinds = _one(database, "select count(distinct kind) from analytics_insightsnapshot")[0]
    assert _one(database, snapshots)[0] == kinds > 1
    assert "lost by its worker: queued again" in log.read_text()


def test_an_import_killed_mid_way_writes_nothing_and_is_ready_to_import_again(tmp_path):
    database = tmp_path / "alliance.sqlite3"
    # One attempt only: the second worker gives the batch back to its uploader at once.
    env = alliance_env(tmp_path, ALLIANCE_TODAY="2025-07-09", TASK_MAX_ATTEMPTS="1")
    migrated_sqlite(env)
    shell_json(env, SEED % {"commitments": 0})
    csv = tmp_path / "parties.csv"
    rows = ["name,kind,country,decision_cycle_days"]
    rows += [f"Imported org {i},ngo,SN,10" for i in range(8000)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    batch, task_id = shell_json(env, PREVIEWED_BATCH % {"path": str(csv)})
    parties = "select count(*) from partnerships_party"
    before = _one(database, parties)[0]
    log = tmp_path / "worker.log"

    def importing_rows() -> bool:
        # The import writes its progress beside the upload while its transaction is open.
        for progress in (tmp_path / "var").rglob("*.progress"):
            done = progress.read_text().split()
            if done and int(done[0]) >= 200:
                return True
        return False

    first = start_worker(env, log)
    try:
        assert wait_for(importing_rows, 600, 0.05), log.read_text()
    finally:
        _kill(first)
    assert _task(database, task_id)[0] == "RUNNING", "the kill came too late to prove anything"
    assert _one(database, parties)[0] == before

    second = start_worker(env, log)
    try:
        assert wait_for(lambda: _task(database, task_id)[0] == "FAILED", 300, 0.2), log.read_text()
    finally:
        stop(second)
    status, workers, error = _task(database, task_id)
    assert error == "alliance.operations.leases.WorkerLost" and len(workers) == 1
    # Nothing half-imported; the batch is ready to import again, and says why in French.
    assert _one(database, parties)[0] == before
    status, report = _one(
        database,
        "select status, report from interchange_importbatch where uuid = ?",
        batch.replace("-", ""),
    )
    assert status == "previewed"
    interrupted = json.loads(report)["interrupted"]
    assert "rien n’a été écrit" in interrupted.lower() or "rien n'a été écrit" in interrupted
    assert json.loads(report)["counts"]["parties"]["created"] == 8000  # the preview stays
    assert not list((tmp_path / "var").rglob("*.progress"))
