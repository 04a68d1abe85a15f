"""Finished task results are pruned after their keeping time, unfinished ones never; and the
questions asked of the unfinished ones ("is this agreement being updated?", the leases'
running tasks) are answered from the partial index, not by reading every result ever
recorded (the index of ``operations/migrations/0002``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.tasks.base import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alliance.analytics.selectors import RECOMPUTE_TASK, agreements_updating
from alliance.operations.results import prune_task_results

pytestmark = pytest.mark.django_db

INDEX = "alliance_task_status_path"


def _result(status: str, finished_days_ago: float | None, path: str = RECOMPUTE_TASK, arg="a"):
    now = timezone.now()
    finished = None if finished_days_ago is None else now - timedelta(days=finished_days_ago)
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished,
        args_kwargs={"args": [arg], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=now,
        exception_class_path="",
        traceback="",
    )


@override_settings(TASK_RESULTS_KEEP_DAYS=14, TASK_RESULTS_FAILED_KEEP_DAYS=90)
def test_finished_results_go_after_their_keeping_time_and_unfinished_ones_stay():
    S, F = TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED
    kept = {
        _result(S, 13).pk,  # recent success
        _result(F, 89).pk,  # a failure is kept longer, for whoever investigates
        _result(TaskResultStatus.READY, None).pk,
        _result(TaskResultStatus.RUNNING, None).pk,
    }
    _result(S, 15)
    _result(S, 400)
    _result(F, 91)
    assert prune_task_results() == 3
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == kept
    assert prune_task_results() == 0  # nothing more to prune: the next day's run is a no-op


@override_settings(TASK_RESULTS_KEEP_DAYS=0, TASK_RESULTS_FAILED_KEEP_DAYS=0)
def test_even_with_nothing_kept_a_queued_or_running_task_is_not_pruned():
    _result(TaskResultStatus.READY, 30)  # a finished_at on an unfinished row: still unfinished
    _result(TaskResultStatus.RUNNING, 30)
    assert prune_task_results() == 0
    assert DBTaskResult.objects.count() == 2


def test_the_agreements_being_updated_are_the_queued_and_running_recomputes_only():
    class A:
        def __init__(self, uuid):
            self.uuid = uuid

    _result(TaskResultStatus.READY, None, arg="queued")
    _result(TaskResultStatus.RUNNING, None, arg="running")
    _result(TaskResultStatus.SUCCESSFUL, 0, arg="done")
    _result(TaskResultStatus.READY, None, path="other.task", arg="other")
    asked = [A(x) for x in ("queued", "running", "done", "other", "never")]
    assert agreements_updating(asked) == {"queued", "running"}


def _plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny table: ask what it can use
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(part) for row in cursor.fetchall() for part in row)


def test_the_unfinished_tasks_are_found_through_the_index():
    for _ in range(50):
        _result(TaskResultStatus.SUCCESSFUL, 1)
    _result(TaskResultStatus.RUNNING, None)
    updating = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], task_path=RECOMPUTE_TASK
    ).values_list("args_kwargs", flat=True)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk")
    for queryset in (updating, running):
        sql, params = queryset.query.sql_with_params()
        assert INDEX in _plan(sql, list(params)), sql
