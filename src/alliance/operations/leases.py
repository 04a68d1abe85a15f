"""Leases on tasks: a task that a dead worker held is taken back, then retried or failed.

django-tasks-db marks a task RUNNING when a worker claims it and SUCCESSFUL or FAILED when
the worker is done. A worker killed in between (SIGKILL, out of memory, a lost machine) would
leave it RUNNING for ever, and its import batch "importing" for ever. So every worker beats
(``WorkerHeartbeat``) every ``TASK_LEASE_SECONDS / 4`` seconds, and a RUNNING task is *lost*
when its worker

- runs on this machine and its process is gone (seen at once, whatever the lease), or
- runs on another machine and has not beaten for ``TASK_LEASE_SECONDS``, or
- never beat at all (a worker of an older version) and claimed it ``TASK_LEASE_SECONDS`` ago.

Every worker looks for lost tasks when it starts and at every beat. A lost task with fewer
than ``TASK_MAX_ATTEMPTS`` attempts (each claim is one; django-tasks-db lists the claiming
workers) is queued again after a back-off of ``TASK_RETRY_SECONDS × 2^(attempts − 1)``;
otherwise it is marked FAILED with ``WorkerLost`` and a message. A task whose own records show
its progress (an import batch "importing") registers a handler with :func:`on_lost`, called in
the same transaction, so that nothing stays "in progress".

Running a task again is safe because every task here is all-or-nothing or idempotent: an
import is one transaction, a recompute replaces the day's snapshots in one, the scheduler's
jobs write through keyed rows and e-mail goes through the outbox, which sends a key once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from alliance.operations.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running a task stopped before finishing it (recorded as the task's error)."""


WORKER_LOST = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"


@dataclass(frozen=True)
class Lost:
    """What became of a lost task: queued again at ``retry_at``, or given up (None)."""

    attempts: int
    max_attempts: int
    retry_at: datetime | None

    @property
    def retrying(self) -> bool:
        return self.retry_at is not None


LostHandler = Callable[[DBTaskResult, Lost], None]
_HANDLERS: dict[str, LostHandler] = {}


def on_lost(task: Any) -> Callable[[LostHandler], LostHandler]:
    """Register ``handler(result, lost)``, called when a run of ``task`` is lost, inside the
    transaction that requeues or fails it (put in its module, beside the task)."""

    def register(handler: LostHandler) -> LostHandler:
        _HANDLERS[task.module_path] = handler
        return handler

    return register


def lease_seconds() -> int:
    return int(getattr(settings, "TASK_LEASE_SECONDS", 60))


def _process_start(pid: int) -> str:
    """When process ``pid`` started (Linux: clock ticks after boot), or "" if unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Fields after the command name (which may hold spaces): state is the first, start 20th.
    fields = stat[stat.rindex(")") + 2 :].split()
    return "Z" if fields[0] in "ZX" else fields[19]


def _process_gone(beat: WorkerHeartbeat) -> bool:
    """Is the worker process of ``beat`` — on this machine — no longer running?"""
    try:
        os.kill(beat.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: it exists
    start = _process_start(beat.pid)
    # A zombie (killed, not yet reaped), or another process that got the same id since.
    return start == "Z" or bool(start and beat.process_start and start != beat.process_start)


def beat(worker_id: str, started_at: datetime) -> None:
    """Say that this process, worker ``worker_id``, is alive."""
    pid = os.getpid()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": pid,
            "process_start": _process_start(pid),
            "started_at": started_at,
            "seen_at": timezone.now(),
        },
    )


def retire(worker_id: str) -> None:
    """A worker stopping cleanly takes its heartbeat away."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _is_lost(result: DBTaskResult, beats: dict[str, WorkerHeartbeat], now: datetime) -> bool:
    owner = result.worker_ids[-1] if result.worker_ids else ""
    expired = now - timedelta(seconds=lease_seconds())
    heartbeat = beats.get(owner)
    if heartbeat is None:
        return result.started_at is None or result.started_at < expired
    if heartbeat.host == socket.gethostname():
        # A long transaction may delay the beats of a live worker on the embedded database:
        # on this machine, the process itself says whether the worker is alive.
        return _process_gone(heartbeat)
    return heartbeat.seen_at < expired


def lost_tasks(worker_id: str, *, own: bool = False) -> list[DBTaskResult]:
    """The RUNNING tasks whose worker is gone (and ``worker_id``'s own too if ``own``: its
    task in hand when it lost the database)."""
    now = timezone.now()
    beats = {b.worker_id: b for b in WorkerHeartbeat.objects.all()}
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    return [
        result
        for result in running
        if (own and result.worker_ids[-1:] == [worker_id])
        or (result.worker_ids[-1:] != [worker_id] and _is_lost(result, beats, now))
    ]


def _handler(result: DBTaskResult) -> LostHandler | None:
    try:
        import_string(result.task_path)  # its module registers the handler
    except ImportError:
        return None
    return _HANDLERS.get(result.task_path)


def _take_back(result: DBTaskResult, now: datetime) -> Lost | None:
    attempts = max(1, len(result.worker_ids))
    max_attempts = max(1, int(getattr(settings, "TASK_MAX_ATTEMPTS", 3)))
    still = DBTaskResult.objects.filter(
        pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at
    )
    if attempts < max_attempts:
        delay = int(getattr(settings, "TASK_RETRY_SECONDS", 30)) * 2 ** (attempts - 1)
        lost = Lost(attempts, max_attempts, now + timedelta(seconds=delay))
        updated = still.update(status=TaskResultStatus.READY, run_after=lost.retry_at)
    else:
        lost = Lost(attempts, max_attempts, None)
        updated = still.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=WORKER_LOST,
            traceback=(
                f"{WORKER_LOST}: the worker running this task stopped before finishing it,"
                f" {attempts} time(s) of {max_attempts} allowed; given up at {now.isoformat()}."
            ),
        )
    return lost if updated else None  # another worker took it back first


def reclaim(worker_id: str, *, own: bool = False) -> list[tuple[str, Lost]]:
    """Take back every lost task: queue it again or fail it (see the module's doc)."""
    done = []
    for result in lost_tasks(worker_id, own=own):
        handler = _handler(result)
        with transaction.atomic():
            lost = _take_back(result, timezone.now())
            if lost is not None and handler is not None:
                handler(result, lost)
        if lost is not None:
            logger.warning(
                "Task %s (%s) lost by its worker: %s",
                result.id,
                result.task_path,
                f"queued again for {lost.retry_at:%H:%M:%S}" if lost.retrying else "failed",
            )
            done.append((str(result.id), lost))
    _forget_dead_workers()
    return done


def _forget_dead_workers() -> None:
    here = socket.gethostname()
    old = timezone.now() - timedelta(seconds=10 * lease_seconds())
    for heartbeat in WorkerHeartbeat.objects.all():
        if heartbeat.seen_at < old or (heartbeat.host == here and _process_gone(heartbeat)):
            heartbeat.delete()


class Heartbeat(threading.Thread):
    """Beats for a worker, and takes back lost tasks, in the background (its own database
    connection), until stopped."""

    def __init__(self, worker_id: str, started_at: datetime) -> None:
        super().__init__(name="alliance-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = started_at
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = max(0.5, lease_seconds() / 4)
        while not self.stopping.wait(interval):
            try:
                beat(self.worker_id, self.started_at)
                reclaim(self.worker_id)
            except DatabaseError as exc:
                # The database busy or away: the next beat tries again.
                logger.warning("Task worker heartbeat failed: %s", exc)
            finally:
                close_old_connections()

    def stop(self) -> None:
        self.stopping.set()
        self.join(10)
