"""Each running task worker's heartbeat: how a worker's tasks are known to be in hand."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A task worker process, seen alive at ``seen_at``. A task it claimed is its lease: when
    the worker stops beating (or, on the same machine, its process is gone) another worker
    takes the task back (``alliance.operations.leases``)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    host = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"))
    # The process's start (Linux: clock ticks after boot), so a reused process id is not
    # mistaken for the worker that had it.
    process_start = models.CharField(_("process start"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"))

    class Meta:
        verbose_name = _("task worker heartbeat")
        verbose_name_plural = _("task worker heartbeats")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
