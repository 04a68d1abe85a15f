"""Finished task results are kept for a while, then pruned by the daily job.

django-tasks-db records a row per task run and never deletes it: a scheduler tick a minute and
a recompute per write add well over a thousand rows a day. Nothing of the product reads a
finished result after the fact (a periodic job's run is a ``ScheduledRun``, an import's
outcome is its batch), so a successful result is kept ``TASK_RESULTS_KEEP_DAYS`` days (14) for
whoever investigates, a failed one ``TASK_RESULTS_FAILED_KEEP_DAYS`` (90). Unfinished tasks
(queued, running) are never touched."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def prune_task_results(now: datetime | None = None) -> int:
    """Delete the finished task results older than their keeping time; how many went."""
    now = now or timezone.now()
    kept = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
    failed_kept = timedelta(days=settings.TASK_RESULTS_FAILED_KEEP_DAYS)
    old = DBTaskResult.objects.finished().filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - kept)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - failed_kept)
    )
    deleted, _ = old.delete()
    return deleted
