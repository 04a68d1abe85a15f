"""Reading snapshots back: the newest per agreement and kind in one query, the access policy,
the background task, the command and the command line."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import management
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from alliance import cli
from alliance.accounts import policy
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.selectors import latest_snapshots_for
from alliance.analytics.services import insights_recompute
from alliance.analytics.tasks import enqueue_recompute, recompute_agreement
from alliance.partnerships.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dates(world):
    for agreement in (world.agreement, world.other_agreement):
        for as_of in (date(2026, 3, 31), date(2026, 6, 30)):
            insights_recompute(actor=None, agreement=agreement, as_of=as_of)
    return world


def test_the_newest_snapshot_of_each_kind_in_one_query(two_dates, django_assert_num_queries):
    world = two_dates
    with django_assert_num_queries(1):
        found = latest_snapshots_for(Agreement.objects.all(), ["trust", "maturity"])
    assert set(found) == {world.agreement.pk, world.other_agreement.pk}
    for kinds in found.values():
        assert set(kinds) == {"trust", "maturity"}
        assert {s.as_of for s in kinds.values()} == {date(2026, 6, 30)}


def test_the_portfolio_reads_only_the_keys_it_shows(two_dates, django_assert_num_queries):
    world = two_dates
    with django_assert_num_queries(1):
        found = latest_snapshots_for([world.agreement], ["trust"], keys=("figure", "trend"))
    row = found[world.agreement.pk]["trust"]
    stored = InsightSnapshot.objects.get(
        agreement=world.agreement, kind="trust", as_of=row["as_of"]
    )
    assert row["as_of"] == date(2026, 6, 30)
    assert row["figure"] == stored.data["figure"] and row["trend"] == stored.data["trend"]
    assert "pairs" not in row


def test_every_member_sees_the_snapshots_and_nobody_else(two_dates):
    world = two_dates
    mine = InsightSnapshot.objects.filter(agreement=world.agreement)
    for name, user in world.actors.items():
        visible = policy.insight_snapshots_visible_to(user)
        expected = 0 if name == "outsider" else mine.count()
        assert visible.filter(agreement=world.agreement).count() == expected, name
        assert not visible.filter(agreement=world.other_agreement).exists(), name


def test_the_task_recomputes_as_the_system(world):
    result = recompute_agreement.call(str(world.agreement.uuid))
    assert set(result) == set(
        InsightSnapshot.objects.filter(agreement=world.agreement).values_list("kind", flat=True)
    )
    assert recompute_agreement.call("00000000-0000-0000-0000-000000000000") == {}


def test_a_write_queues_a_recompute_once_it_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_recompute(world.agreement)
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("recompute_agreement")
    assert queued.args_kwargs["args"] == [str(world.agreement.uuid)]


def test_the_command_recomputes_named_agreements_at_a_date(world):
    call_command("recompute", "--agreement", str(world.agreement.uuid), "--as-of", "2026-06-30")
    assert set(InsightSnapshot.objects.values_list("agreement_id", "as_of")) == {
        (world.agreement.pk, date(2026, 6, 30))
    }
    with pytest.raises(CommandError):
        call_command("recompute", "--agreement", "not-a-uuid")
    with pytest.raises(CommandError):
        call_command("recompute", "--as-of", "30/06/2026")


def test_the_command_keeps_a_quarterly_history(world):
    uuid = str(world.other_agreement.uuid)
    call_command(
        "recompute", "--agreement", uuid, "--as-of", "2025-08-20", "--history", "quarterly"
    )
    dates = sorted(set(InsightSnapshot.objects.values_list("as_of", flat=True)))
    assert dates == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 8, 20)]


def test_alliance_recompute_is_the_management_command(monkeypatch):
    seen = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    assert cli.main(["recompute", "--history", "quarterly"]) == 0
    assert seen == [["alliance recompute", "recompute", "--history", "quarterly"]]
