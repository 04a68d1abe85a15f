"""Periodic jobs on the task worker, with no extra server.

Django's tasks framework (and its database backend) queues tasks but has no periodic
scheduling, so a small scheduler runs on the default queue: ``scheduler_tick`` is a task that
starts the jobs due, sends what the outbox has waiting (and runs ``SCHEDULER_TICK_HOOKS``:
the webhooks' outbox), then queues itself again
``NOTIFICATION_TICK_SECONDS`` later (``run_after``). ``alliance worker`` queues the first tick
when none is waiting (``ensure_scheduler``), so the schedule survives restarts.

Each job runs once per period — a day, or an ISO week for the digest — because its
``ScheduledRun`` row (unique per job and period) is created in the same transaction that
queues it. A run left unfinished, with no task of it queued or running any more, is queued
again after ``NOTIFICATION_RUN_TIMEOUT_SECONDS`` (a killed worker's task is taken back by the
leases); the jobs write through keyed rows, so running one
again writes nothing twice. The jobs go on the bulk queue (:func:`start`), so the worker of
the writes' recomputes never runs them (``alliance.operations.queues``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from alliance.core import clock
from alliance.notifications import jobs
from alliance.notifications.choices import Job
from alliance.notifications.models import ScheduledRun
from alliance.notifications.outbox import deliver_due
from alliance.operations import queues

TICK_TASK = "alliance.notifications.scheduler.scheduler_tick"
RUN_TASK = "alliance.notifications.scheduler.run_job"


def periods(today: date) -> dict[str, str]:
    """The period each job is due for on ``today``."""
    year, week, _day = today.isocalendar()
    return {
        Job.INSIGHTS: today.isoformat(),
        Job.REMINDERS: today.isoformat(),
        Job.CONFIRMATIONS: today.isoformat(),
        Job.DIGEST: f"{year}-W{week:02d}",
        Job.PULSES: today.isoformat(),
    }


def _seconds(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def tick(now: datetime | None = None) -> dict[str, Any]:
    """Start every job due and not started for its period, start again the runs a killed
    worker left unfinished, and send what the outbox has waiting."""
    now = now or timezone.now()
    started = []
    for job, period in periods(clock.today()).items():
        with transaction.atomic():
            _run, created = ScheduledRun.objects.get_or_create(job=job, period=period)
            if created:
                start(job, period)
                started.append(f"{job} {period}")
    stale = now - timedelta(seconds=_seconds("NOTIFICATION_RUN_TIMEOUT_SECONDS", 1800))
    for run in ScheduledRun.objects.filter(finished_at=None, started_at__lt=stale):
        if _in_hand(run):
            continue
        with transaction.atomic():
            updated = ScheduledRun.objects.filter(pk=run.pk, started_at=run.started_at).update(
                started_at=now
            )
            if updated:
                start(run.job, run.period)
                started.append(f"{run.job} {run.period} (again)")
    result: dict[str, Any] = {"started": started, "outbox": deliver_due(now=now)}
    for hook in getattr(settings, "SCHEDULER_TICK_HOOKS", ()):
        result[hook] = import_string(hook)(now)
    return result


# The day's mail is written before the portfolio recompute starts: queued by the same tick,
# the jobs run by priority, and the recompute holds the bulk worker for its whole run.
JOB_PRIORITY = {Job.INSIGHTS: -10}


def _in_hand(run: ScheduledRun) -> bool:
    """Whether a task of ``run`` is still queued or running: a long run (the portfolio
    recompute, 40 minutes of CPU at 10,000 agreements) is not stale, and a task whose worker
    died is taken back by the leases (``alliance.operations.leases``). Only a run whose task
    is gone — failed for good, or never queued — is started again; otherwise every
    ``NOTIFICATION_RUN_TIMEOUT_SECONDS`` queued one more full pass behind the first."""
    return DBTaskResult.objects.filter(
        task_path=RUN_TASK,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=run.job,
        args_kwargs__args__1=run.period,
    ).exists()


def start(job: str, period: str) -> None:
    """Queue ``job`` for ``period`` on the bulk queue, served by a worker of its own, so that
    the writes' recomputes never wait behind a job over the whole portfolio
    (``alliance.operations.queues``). Every periodic job is one: at 10,000 agreements the
    day's reminders held the writes' worker for minutes, with 13 recomputes waiting."""
    run_job.using(queue_name=queues.BULK, priority=JOB_PRIORITY.get(job, 0)).enqueue(job, period)


@task()
def run_job(job: str, period: str) -> dict[str, Any]:
    """Run one periodic job for its period, then send what it wrote."""
    today = clock.today()
    if job == Job.INSIGHTS:
        from alliance.analytics.retention import snapshots_prune
        from alliance.analytics.services import insights_recompute_portfolio, system_actor
        from alliance.operations.results import prune_task_results

        report = insights_recompute_portfolio(as_of=today, incremental=True)
        # Then the snapshots the retention rule no longer keeps, in short batches, and the
        # task results past their keeping time.
        pruned = snapshots_prune(actor=system_actor(), as_of=today)
        result: dict[str, Any] = {
            "agreements": report.agreements,
            "skipped": report.skipped,
            "failed": report.failed,
            "snapshots_pruned": pruned.deleted,
            "task_results_pruned": prune_task_results(),
        }
    elif job == Job.REMINDERS:
        result = {"written": jobs.reminders(today)}
    elif job == Job.CONFIRMATIONS:
        result = {"written": jobs.confirmations(today)}
    elif job == Job.DIGEST:
        result = {"written": jobs.digests(today, period)}
    elif job == Job.PULSES:
        result = {"written": jobs.pulse_mail(today)}
    else:
        raise ValueError(f"unknown job {job!r}")
    result["outbox"] = deliver_due()
    ScheduledRun.objects.filter(job=job, period=period).update(
        finished_at=timezone.now(), result=result
    )
    return result


@task()
def scheduler_tick() -> dict[str, Any]:
    result = tick()
    _queue_next_tick()
    return result


def _queue_next_tick() -> None:
    if DBTaskResult.objects.filter(task_path=TICK_TASK, status=TaskResultStatus.READY).exists():
        return
    delay = timedelta(seconds=_seconds("NOTIFICATION_TICK_SECONDS", 60))
    scheduler_tick.using(run_after=timezone.now() + delay).enqueue()


def ensure_scheduler() -> None:
    """Queue a tick now unless one is already waiting (``alliance worker`` calls it)."""
    if not DBTaskResult.objects.filter(task_path=TICK_TASK, status=TaskResultStatus.READY).exists():
        scheduler_tick.enqueue()
