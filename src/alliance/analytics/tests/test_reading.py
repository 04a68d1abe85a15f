"""Reading snapshots back: the newest per agreement and kind in one query, the access policy,
the background task, the command and the command line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import management
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from alliance import cli
from alliance.accounts import policy
from alliance.analytics import snapshot_cache
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.selectors import forecast_chances_below, latest_snapshots_for
from alliance.analytics.services import insights_recompute
from alliance.analytics.tasks import enqueue_recompute, recompute_agreement
from alliance.core import messages
from alliance.partnerships.models import Agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_dates(world):
    for agreement in (world.agreement, world.other_agreement):
        for as_of in (date(2026, 3, 31), date(2026, 6, 30)):
            insights_recompute(actor=None, agreement=agreement, as_of=as_of)
    return world


def test_the_newest_snapshot_of_each_kind_in_one_query(two_dates, django_assert_num_queries):
    """One query for the rows, one more for the data of those not yet in the process's cache
    of localized snapshots; the next reader in the same language needs only the first."""
    world = two_dates
    snapshot_cache.cache().clear()
    with django_assert_num_queries(2):
        found = latest_snapshots_for(Agreement.objects.all(), ["trust", "maturity"])
    assert set(found) == {world.agreement.pk, world.other_agreement.pk}
    for kinds in found.values():
        assert set(kinds) == {"trust", "maturity"}
        assert {s.as_of for s in kinds.values()} == {date(2026, 6, 30)}
    with django_assert_num_queries(1):
        again = latest_snapshots_for(Agreement.objects.all(), ["trust", "maturity"])
    for pk, kinds in found.items():
        for kind, snapshot in kinds.items():
            assert again[pk][kind].uuid == snapshot.uuid
            assert again[pk][kind].data == snapshot.data


def test_each_language_reads_its_own_text_and_a_recompute_is_read_afresh(two_dates):
    world = two_dates
    snapshot_cache.cache().clear()
    stored = InsightSnapshot.objects.filter(agreement=world.agreement, kind="trust")
    stored = stored.latest("as_of")
    with translation.override("en"):
        english = latest_snapshots_for([world.agreement], ["trust"])[world.agreement.pk]["trust"]
    with translation.override("fr"):
        french = latest_snapshots_for([world.agreement], ["trust"])[world.agreement.pk]["trust"]
    with translation.override("en"):
        assert english.data == messages.localized(stored.data)
    with translation.override("fr"):
        assert french.data == messages.localized(stored.data)
    assert english.data != french.data  # generated text in each reader's language
    # A recompute of the same date writes new data under a new ``computed_at``: read afresh.
    InsightSnapshot.objects.filter(pk=stored.pk).update(
        data={**stored.data, "index": 12.5}, computed_at=stored.computed_at + timedelta(minutes=1)
    )
    with translation.override("en"):
        fresh = latest_snapshots_for([world.agreement], ["trust"])[world.agreement.pk]["trust"]
    assert fresh.data["index"] == 12.5


def test_a_snapshot_written_again_at_the_same_instant_is_read_afresh(two_dates):
    """Under a frozen clock a rewrite keeps its ``computed_at``: the save itself tells this
    process's cache to forget the row."""
    world = two_dates
    stored = InsightSnapshot.objects.filter(agreement=world.agreement, kind="trust")
    stored = stored.latest("as_of")
    latest_snapshots_for([world.agreement], ["trust"])  # now in the cache
    stored.data = {**stored.data, "index": 33.0}
    stored.save(update_fields=["data"])
    found = latest_snapshots_for([world.agreement], ["trust"])[world.agreement.pk]["trust"]
    assert found.data["index"] == 33.0
    stored.delete()
    found = latest_snapshots_for([world.agreement], ["trust"])[world.agreement.pk]["trust"]
    assert found.uuid != stored.uuid and found.as_of < stored.as_of


def test_a_reader_that_changes_shared_snapshot_data_fails_loudly(two_dates, settings):
    """Data handed out by the cache is shared by every reader of the process: a page that
    changed it (say, put one reader's titles in) would show them to the next reader. The
    tests run with the check on, so such a caller fails here rather than leaking."""
    world = two_dates
    shared = snapshot_cache.LocalizedSnapshots(2**20, check=True)
    key = ("u", timezone.now(), "en")
    shared.put(key, {"pairs": [{"title": "shared"}]})
    shared.get(key)["pairs"][0]["title"] = "one reader's own"
    with pytest.raises(snapshot_cache.SharedSnapshotChanged):
        shared.get(key)
    assert world.agreement  # the fixture's data is left as it is


def test_the_cache_keeps_within_its_budget_dropping_the_least_recently_read():
    shared = snapshot_cache.LocalizedSnapshots(100)
    now = timezone.now()
    a, b, c = (("a", now, "en"), ("b", now, "en"), ("c", now, "en"))
    shared.put(a, {"x": "a" * 30})
    shared.put(b, {"x": "b" * 30})
    assert shared.get(a) is not None  # a is now the most recently read
    shared.put(c, {"x": "c" * 30})
    assert shared.size <= 100
    assert shared.get(b) is None and shared.get(a) is not None and shared.get(c) is not None
    shared.put(("huge", now, "en"), {"x": "z" * 500})  # larger than the whole budget: not kept
    assert shared.get(("huge", now, "en")) is None and len(shared) == 2


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


def _chances_read_whole(agreements, below):
    """What the inbox read before :func:`forecast_chances_below`: every row of the newest
    forecasts, decoded and tested in Python."""
    chances = {}
    found = latest_snapshots_for(agreements, ["schedule"], keys=("commitments",), localize=False)
    for kinds in found.values():
        snapshot = kinds.get("schedule") or {}
        for row in snapshot.get("commitments") or ():
            p = row.get("probability_on_time")
            uuid = (row.get("commitment") or {}).get("uuid")
            if uuid and p is not None and p < below:
                chances[uuid] = (p, snapshot["as_of"])
    return chances


def test_the_chances_below_a_bound_are_those_python_reads_from_the_newest_forecasts(two_dates):
    """The database takes the forecasts apart; the probabilities and days are those of the
    JSON read whole (same floats, same types), the bound is strict, and older forecasts,
    rows without a probability or a commitment, and other kinds are left out."""
    world = two_dates
    agreements = list(Agreement.objects.all())
    for below in (0.25, 0.5, 0.9, 1.0, 1.5):
        computed = _chances_read_whole(agreements, below)
        assert forecast_chances_below(agreements, below) == computed
    # Written by hand: the edges of the bound and of JSON's numbers.
    rows = [
        {"commitment": {"uuid": "a-at-the-bound"}, "probability_on_time": 0.5},
        {"commitment": {"uuid": "b-just-below"}, "probability_on_time": 0.49999999999999994},
        {"commitment": {"uuid": "c-integer"}, "probability_on_time": 0},
        {"commitment": {"uuid": "d-exponent"}, "probability_on_time": 1e-05},
        {"commitment": {"uuid": "e-no-probability"}, "probability_on_time": None},
        {"commitment": {}, "probability_on_time": 0.1},
        {"commitment": None, "probability_on_time": 0.1},
        {"commitment": {"uuid": ""}, "probability_on_time": 0.1},
        {"commitment": {"uuid": "f-third"}, "probability_on_time": 1 / 3},
    ]
    newest = date(2026, 9, 30)
    for agreement, data in ((world.agreement, rows), (world.other_agreement, [])):
        InsightSnapshot.objects.create(
            agreement=agreement, kind="schedule", as_of=newest, data={"commitments": data}
        )
    InsightSnapshot.objects.create(
        agreement=world.agreement,
        kind="trust",
        as_of=date(2026, 10, 31),
        data={"commitments": rows},
    )
    expected = _chances_read_whole(agreements, 0.5)
    assert set(expected) == {"b-just-below", "c-integer", "d-exponent", "f-third"}
    found = forecast_chances_below(agreements, 0.5)
    assert found == expected
    assert {k: type(p) for k, (p, _) in found.items()} == {
        k: type(p) for k, (p, _) in expected.items()
    }
    assert {day for _, day in found.values()} == {newest}
