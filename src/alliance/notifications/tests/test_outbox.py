"""The outbox through a real SMTP server: text and HTML, retries with back-off, and the
scheduler's periodic runs on the task queue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.core import clock
from alliance.notifications import scheduler
from alliance.notifications.models import Notification, ScheduledRun
from alliance.notifications.outbox import BACKOFF_MINUTES, MAX_ATTEMPTS, deliver_due, notify
from alliance.notifications.tests.conftest import free_port, parts, smtp_settings
from alliance.notifications.tests.test_jobs import TODAY, story  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _write(world, key="k1"):
    return notify(
        key=key,
        user=world.rep_y,
        kind="confirmation",
        template_prefix="notifications/email/overdue",
        context={
            "commitment": world.agreement.commitments.first(),
            "agreement": world.agreement,
            "url": "https://alliance.example/x",
        },
    )


def test_the_jobs_send_text_and_html_through_a_real_smtp_server(story, smtp_server):  # noqa: F811
    _world, *_ = story
    with clock.frozen(TODAY):
        scheduler.run_job.call("reminders", TODAY.isoformat())
    # A long key is folded onto a second line by the mail policy: strip its leading space.
    received = {
        m["X-Alliance-Key"].strip().split(":")[0]: (to, m) for to, m in smtp_server.messages
    }
    assert set(received) == {"reminder", "overdue", "escalation"}
    to, message = received["escalation"]
    assert to == ["owner@example.org"]
    body = parts(message)
    assert "Issue the permit" in body["text/plain"] and "<html" in body["text/html"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_refused_message_is_retried_with_back_off_then_given_up(addressed, settings):
    world = addressed
    settings.MAILERS = smtp_settings(free_port())  # nobody listens there
    row = _write(world)
    start = timezone.now()
    assert deliver_due(now=start)["retry"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in row.last_error or "refused" in row.last_error.lower()
    wait = row.next_attempt_at - start
    assert timedelta(minutes=BACKOFF_MINUTES[0]) <= wait < timedelta(minutes=BACKOFF_MINUTES[1])
    assert deliver_due(now=start)["retry"] == 0  # not before its time
    for attempt in range(2, MAX_ATTEMPTS + 1):
        deliver_due(now=row.next_attempt_at + timedelta(seconds=1))
        row.refresh_from_db()
        assert row.attempts == attempt
    assert row.status == "failed"


def test_a_message_caught_mid_send_is_never_sent_again(addressed, smtp_server, settings):
    world = addressed
    row = _write(world)
    Notification.objects.filter(pk=row.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(hours=1), attempts=1
    )
    assert deliver_due()["unconfirmed"] == 1
    row.refresh_from_db()
    assert row.status == "unconfirmed" and smtp_server.messages == []


def test_the_scheduler_starts_each_job_once_per_period_and_queues_its_next_tick(addressed):
    with clock.frozen(date(2025, 7, 9)):
        first = scheduler.tick()
        again = scheduler.tick()
    assert sorted(first["started"]) == sorted(
        ["insights 2025-07-09", "reminders 2025-07-09", "confirmations 2025-07-09",
         "digest 2025-W28", "pulses 2025-07-09"]
    )  # fmt: skip
    assert again["started"] == []
    queued = DBTaskResult.objects.filter(task_path="alliance.notifications.scheduler.run_job")
    assert queued.count() == 5
    scheduler.ensure_scheduler()
    scheduler.ensure_scheduler()
    ticks = DBTaskResult.objects.filter(
        task_path=scheduler.TICK_TASK, status=TaskResultStatus.READY
    )
    assert ticks.count() == 1
    # A run left unfinished long ago is not started again while its task is still queued
    # or running (a long job; a dead worker's task is the leases' to take back)...
    ScheduledRun.objects.filter(job__in=["reminders", "insights"]).update(
        started_at=timezone.now() - timedelta(hours=2)
    )
    reminders = queued.get(args_kwargs__args__0="reminders")
    queued.filter(args_kwargs__args__0="insights").update(status=TaskResultStatus.RUNNING)
    with clock.frozen(date(2025, 7, 9)):
        assert scheduler.tick()["started"] == []
    # ... and is started again once its task is gone (failed for good).
    queued.filter(pk=reminders.pk).update(status=TaskResultStatus.FAILED)
    with clock.frozen(date(2025, 7, 9)):
        assert scheduler.tick()["started"] == ["reminders 2025-07-09 (again)"]
    waiting = queued.filter(status=TaskResultStatus.READY, args_kwargs__args__0="reminders")
    assert waiting.count() == 1
