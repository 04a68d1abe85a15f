"""The back-test of an agreement's forecasts and trust index, from its stored as-of snapshots.

Each snapshot was computed from what was known on its date (``selectors.agreement_inputs``),
so reading the past forecasts from them is using what was known at the time; the outcomes are
the commitments as known on the date of the back-test (the same inputs the other figures of
that date use). The scoring is ``alliance.insights.calibration``'s; this module only reads the
history and writes the JSON stored in the ``schedule`` and ``trust`` snapshots under
``calibration``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from alliance.analytics.choices import SnapshotKind
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.results import num
from alliance.analytics.retention import calibration_snapshots
from alliance.analytics.selectors import AgreementInputs
from alliance.insights.calibration import (
    ForecastCalibration,
    Outcome,
    PastForecast,
    PastTrust,
    TrustCalibration,
    backtest_forecasts,
    backtest_trust,
)
from alliance.insights.parameters import CALIBRATION

LEFT_OUT = ("waived", "disputed")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _history(agreement: Any, kind: str, key: str, as_of: date) -> list[tuple[date, list]]:
    """``(as_of, data[key])`` of the stored snapshots of ``kind`` dated before ``as_of`` that
    the calibration reads (``retention.calibration_snapshots``: the window's, then month
    ends; a bounded number however long the history), only that key read."""
    return histories([agreement.pk], kind, key, as_of)[agreement.pk]


def histories(
    agreement_ids: list[int], kind: str, key: str, as_of: date, *, bounded: bool = True
) -> dict[int, list[tuple[date, list]]]:
    """:func:`_history` of several agreements in two queries, by agreement id. ``bounded``
    False reads every earlier snapshot, as before the retention rule (``bench/calibration.py``
    measures both)."""
    if bounded:
        earlier = calibration_snapshots(agreement_ids, [kind], as_of)
    else:
        earlier = InsightSnapshot.objects.filter(
            agreement__in=agreement_ids, kind=kind, as_of__lt=as_of
        )
    rows = earlier.order_by("agreement_id", "as_of").values_list(
        "agreement_id", "as_of", f"data__{key}"
    )
    out: dict[int, list[tuple[date, list]]] = {pk: [] for pk in agreement_ids}
    for pk, made, items in rows:
        out[pk].append((made, items or []))
    return out


def outcomes(inputs: AgreementInputs) -> list[Outcome]:
    """Every commitment as known on the inputs' date: delivered when, the due date in force."""
    return [
        Outcome(
            task_id=c.id,
            finished=c.delivered,
            left_out=c.status in LEFT_OUT,
            owed_by=c.owed_by,
            owed_to=tuple(c.owed_to),
            due=c.due,
        )
        for c in inputs.data.commitments
    ]


def schedule_calibration(
    agreement: Any,
    inputs: AgreementInputs,
    known: list[Outcome],
    history: list[tuple[date, list]] | None = None,
) -> dict[str, Any]:
    """``history``: the agreement's earlier schedule snapshots if already read
    (:func:`histories`)."""
    if history is None:
        history = _history(agreement, SnapshotKind.SCHEDULE, "commitments", inputs.as_of)
    forecasts = [
        PastForecast(
            task_id=t["commitment"]["uuid"],
            made=made,
            due=_day(t.get("due")),
            p_on_time=t.get("probability_on_time"),
            p80=_day((t.get("quantiles") or {}).get("P80")),
            label=t["commitment"].get("title", ""),
        )
        for made, tasks in history
        for t in tasks
        if t.get("commitment")
    ]
    return schedule_json(backtest_forecasts(forecasts, known, inputs.as_of), len(history))


def trust_calibration(
    agreement: Any,
    inputs: AgreementInputs,
    known: list[Outcome],
    history: list[tuple[date, list]] | None = None,
) -> dict[str, Any]:
    """``history``: as for :func:`schedule_calibration`, of the trust snapshots."""
    if history is None:
        history = _history(agreement, SnapshotKind.TRUST, "pairs", inputs.as_of)
    indexes = [
        PastTrust(
            truster=p["truster"]["uuid"],
            trustee=p["trustee"]["uuid"],
            made=made,
            index=float(p["index"]),
            state=p.get("state") or "",
        )
        for made, pairs in history
        for p in pairs
        if p.get("index") is not None
    ]
    return trust_json(backtest_trust(indexes, known, inputs.as_of), len(history))


def schedule_json(result: ForecastCalibration, snapshots: int) -> dict[str, Any]:
    return {
        "snapshots": snapshots,
        "n_due": result.n_due,
        "on_time": result.on_time,
        "brier": num(result.brier),
        "brier_base_rate": num(result.brier_base_rate),
        "n_p80": result.n_p80,
        "p80_hits": result.p80_hits,
        "p80_hit_rate": num(result.p80_hit_rate),
        "confident_probability": result.confident_probability,
        "confident": result.confident,
        "confident_on_time": result.confident_on_time,
        "established": result.n_due >= CALIBRATION.established_from,
        "bins": [
            {
                "low": num(b.low),
                "high": num(b.high),
                "n": b.n,
                "predicted": num(b.predicted),
                "observed": num(b.observed),
            }
            for b in result.bins
        ],
    }


def trust_json(result: TrustCalibration, snapshots: int) -> dict[str, Any]:
    return {
        "snapshots": snapshots,
        "n": result.n,
        "on_time": result.on_time,
        "brier": num(result.brier),
        "brier_base_rate": num(result.brier_base_rate),
        "auc": num(result.auc),
        "without_index": result.without_index,
        "established": result.n >= CALIBRATION.established_from,
    }
