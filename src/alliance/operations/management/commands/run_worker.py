"""``alliance worker``: django-tasks-db's worker, with leases (``alliance.operations.leases``):
a task a dead worker held is retried or failed, and the worker outlives a database outage."""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from alliance.core.snapshot import remove_abandoned_snapshots
from alliance.operations import leases

logger = logging.getLogger("alliance.operations")
# How long the worker waits before trying again a database it lost.
RECONNECT_SECONDS = 2.0


class LeasedWorker(db_worker.Worker):
    def run(self) -> None:
        started_at = timezone.now()
        leases.beat(self.worker_id, started_at)
        leases.reclaim(self.worker_id)
        remove_abandoned_snapshots()
        heartbeat = leases.Heartbeat(self.worker_id, started_at)
        heartbeat.start()
        try:
            self._run_until_stopped()
        finally:
            heartbeat.stop()
            with contextlib.suppress(DatabaseError):  # else its lease expires by itself
                leases.retire(self.worker_id)

    def _run_until_stopped(self) -> None:
        while True:
            try:
                super().run()
                return
            except DatabaseError as exc:
                # PostgreSQL restarted, or the network dropped: wait, reconnect, carry on.
                # The task in hand (if any) was lost with the connection: take it back.
                logger.warning("Task worker lost the database (%s); trying again.", exc)
                if not self.running:
                    return
                self.running_task = False
                connections.close_all()
                time.sleep(RECONNECT_SECONDS)
                with contextlib.suppress(DatabaseError):
                    leases.reclaim(self.worker_id, own=True)
                close_old_connections()


class Command(db_worker.Command):
    help = (
        "Run background tasks (database-backed queue); tasks a dead worker held are retried "
        "or failed (alliance.operations.leases)."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: object,
    ) -> None:
        self.configure_logging(verbosity)
        worker = LeasedWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
