"""The back-test on an agreement's recorded history: past forecasts read from the snapshots of
their own dates (what was known then), scored against the deliveries recorded since."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.analytics.services import insights_recompute
from alliance.analytics.tests.helpers import commitment
from alliance.partnerships import services as ps
from alliance.web.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _history(world):
    """X owes Y: one promise kept before the past forecast, then three forecast on `past` —
    one delivered on time, one late, one never — and one waived."""
    today = timezone.localdate()
    past = today - timedelta(days=60)
    early = commitment(
        world, "Early report", due=past - timedelta(days=10), created=past - timedelta(days=40)
    )
    items = {
        name: commitment(
            world, name, due=past + timedelta(days=20), created=past - timedelta(days=30)
        )
        for name in ("On time", "Late", "Never", "Waived")
    }
    ps.commitment_change_status(
        actor=world.owner,
        commitment=early,
        status="delivered",
        on=past - timedelta(days=12),
        evidence="Report received",
    )
    insights_recompute(actor=world.owner, agreement=world.agreement, as_of=past)
    moves = {
        "On time": ("delivered", past + timedelta(days=10)),
        "Late": ("delivered", past + timedelta(days=40)),
        "Waived": ("waived", past + timedelta(days=5)),
    }
    for name, (status, on) in moves.items():
        ps.commitment_change_status(
            actor=world.owner,
            commitment=items[name],
            status=status,
            on=on,
            evidence="Recorded by the team",
        )
    stored = insights_recompute(actor=world.owner, agreement=world.agreement)
    return past, items, stored


def test_backtest_scores_the_forecasts_made_before_against_what_happened(world):
    past, _items, stored = _history(world)
    from alliance.analytics.models import InsightSnapshot

    then = InsightSnapshot.objects.get(agreement=world.agreement, kind="schedule", as_of=past)
    forecast = {t["commitment"]["title"]: t for t in then.data["commitments"]}
    assert set(forecast) == {"On time", "Late", "Never", "Waived"}  # open on `past`
    delivered = {"On time": past + timedelta(days=10), "Late": past + timedelta(days=40)}
    today = timezone.localdate()
    hits = 0
    for name in ("On time", "Late", "Never"):
        p80 = date.fromisoformat(forecast[name]["quantiles"]["P80"])
        finished = delivered.get(name)
        hits += finished is not None and finished <= p80
    p = [forecast[n]["probability_on_time"] for n in ("On time", "Late", "Never")]
    y = [1, 0, 0]
    expected_brier = sum((a - b) ** 2 for a, b in zip(p, y, strict=True)) / 3

    calibration = stored["schedule"].data["calibration"]
    assert calibration["snapshots"] == 1
    assert (calibration["n_due"], calibration["on_time"]) == (3, 1)  # waived left out
    assert calibration["brier"] == pytest.approx(expected_brier, abs=1e-4)
    assert calibration["brier_base_rate"] == pytest.approx(2 / 9, abs=1e-4)
    # "Never" is open: a miss once its P80 has passed, unknown before.
    never_p80 = date.fromisoformat(forecast["Never"]["quantiles"]["P80"])
    assert calibration["n_p80"] == (3 if today > never_p80 else 2)
    assert calibration["p80_hits"] == hits

    trust = stored["trust"].data["calibration"]
    # Y's index in X as computed on `past` (one promise kept) foresaw three deliveries; the
    # early report fell due before any index existed.
    assert (trust["n"], trust["on_time"], trust["without_index"]) == (3, 1, 1)
    assert trust["auc"] == 0.5  # one index for all three: no better than chance, and says so


def test_pages_say_how_the_forecasts_did(world):
    _history(world)
    for url in (
        reverse("agreement_commitments", args=[world.agreement.uuid]),
        reverse("agreement_trust", args=[world.agreement.uuid]),
    ):
        for user in (world.counsellor, world.rep_x):
            text = client_for(user).get(url).content.decode()
            assert "Checked against what happened" in text, (url, user)
    text = (
        client_for(world.counsellor)
        .get(reverse("agreement_commitments", args=[world.agreement.uuid]))
        .content.decode()
    )
    assert (
        "1 of the last 3 commitments forecast before their due date was delivered on time" in text
    )
    assert "Brier score" in text
