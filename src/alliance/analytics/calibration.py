"""The back-test of an agreement's forecasts and trust index, from its stored as-of snapshots.

Each snapshot was computed from what was known on its date (``selectors.agreement_inputs``),
so reading the past forecasts from them is using what was known at the time; the outcomes are
the commitments as known on the date of the back-test (the same inputs the other figures of
that date use). The scoring is ``alliance.insights.calibration``'s; this module only reads the
history and writes the JSON stored in the ``schedule`` and ``trust`` snapshots under
``calibration``.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count

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


def histories(
    agreement_ids: list[int], kind: str, key: str, as_of: date, *, bounded: bool = True
) -> dict[int, list[tuple[date, list]]]:
    """``(as_of, data[key])`` of the stored snapshots of ``kind`` dated before ``as_of`` that
    the calibration reads (``retention.calibration_snapshots``: the window's, then month
    ends; a bounded number however long the history), only that key read, whole: the read
    before :func:`schedule_past` (the reference path, the tests and ``bench/calibration.py``
    compare both), by agreement id. ``bounded`` False reads every earlier snapshot, as before
    the retention rule."""
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


@dataclass(frozen=True)
class Past:
    """What the back-test reads of an agreement's earlier snapshots of one kind:
    ``snapshots``, how many the retention rule gives it (``calibration_snapshots``; stored
    as ``snapshots``), and ``items``, the past forecasts (:class:`PastForecast`) or indexes
    (:class:`PastTrust`) in them that the back-test can choose — every one of them
    (:func:`schedule_past_of` of the whole read) or only the chosen ones (:func:`schedule_past`,
    :func:`trust_past`): the back-test takes, per commitment or per delivery, the last one
    made before a date, so both give the same figures."""

    snapshots: int
    items: list


def schedule_past_of(history: list[tuple[date, list]]) -> Past:
    """:class:`Past` of every forecast in the earlier schedule snapshots read whole
    (:func:`histories`): the read as it was, for the reference path and the tests."""
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
    return Past(len(history), forecasts)


def trust_past_of(history: list[tuple[date, list]]) -> Past:
    """:func:`schedule_past_of` of the trust snapshots: every pair's index."""
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
    return Past(len(history), indexes)


def _sql_reads() -> bool:
    """Whether the database picks the past forecasts itself (PostgreSQL; SQLite from 3.38,
    whose ``->`` keeps a number's JSON text as stored). Else the snapshots are read whole."""
    if connection.vendor == "postgresql":
        return True
    return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 38)


def _counts(agreement_ids: list[int], kind: str, as_of: date) -> dict[int, int]:
    rows = (
        calibration_snapshots(agreement_ids, [kind], as_of)
        .order_by()
        .values_list("agreement_id")
        .annotate(n=Count("pk"))
    )
    counts = {pk: 0 for pk in agreement_ids}
    counts.update(dict(rows))
    return counts


def _candidates(agreement_ids: list[int], kind: str, as_of: date) -> tuple[str, tuple]:
    """The SQL (and its parameters) of the pks of the snapshots the rule gives the
    calibration (``retention.calibration_snapshots``)."""
    query = calibration_snapshots(agreement_ids, [kind], as_of).order_by().values("pk").query
    sql, params = query.sql_with_params()
    return sql, tuple(params)


def _made(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _number(text: str | None) -> Any:
    """A number as the snapshot's JSON has it (the database hands its JSON text)."""
    return None if text is None else json.loads(text)


# Per commitment, the last forecast made before its delivery (as known now) and before its own
# due date (its P80 when it has none) — ``insights.calibration._latest_before_due`` in SQL.
# ``finished``: [agreement, commitment, delivered on] of the delivered commitments.
_SCHEDULE_SQL = {
    "postgresql": """
WITH finished AS (
    SELECT (f ->> 0)::integer AS agreement, f ->> 1 AS task, (f ->> 2)::date AS day
    FROM jsonb_array_elements(%s::jsonb) f
), elements AS (
    SELECT s.agreement_id AS agreement, s.as_of AS made, x.n AS n,
           x.e -> 'commitment' ->> 'uuid' AS task, x.e -> 'commitment' ->> 'title' AS title,
           x.e ->> 'due' AS due, (x.e -> 'probability_on_time')::text AS p,
           x.e -> 'quantiles' ->> 'P80' AS p80,
           COALESCE(NULLIF(x.e ->> 'due', ''), NULLIF(x.e -> 'quantiles' ->> 'P80', '')) AS bound
    FROM {table} s CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(s.data -> 'commitments') = 'array'
        THEN s.data -> 'commitments' ELSE '[]'::jsonb END
    ) WITH ORDINALITY AS x(e, n)
    WHERE s.id IN ({candidates})
      AND jsonb_typeof(x.e -> 'commitment') = 'object' AND x.e -> 'commitment' <> '{{}}'::jsonb
), chosen AS (
    SELECT e.*, ROW_NUMBER() OVER (
        PARTITION BY e.agreement, e.task ORDER BY e.made DESC, e.n
    ) AS r
    FROM elements e LEFT JOIN finished f ON f.agreement = e.agreement AND f.task = e.task
    WHERE (f.day IS NULL OR e.made < f.day)
      AND (e.bound IS NULL OR e.made < LEFT(e.bound, 10)::date)
)
SELECT agreement, made, task, title, due, p, p80 FROM chosen WHERE r = 1
ORDER BY agreement, made, n
""",
    "sqlite": """
WITH finished AS (
    SELECT f.value ->> '$[0]' AS agreement, f.value ->> '$[1]' AS task,
           f.value ->> '$[2]' AS day
    FROM json_each(%s) f
), elements AS (
    SELECT s.agreement_id AS agreement, s.as_of AS made, x.key AS n,
           x.value ->> '$.commitment.uuid' AS task, x.value ->> '$.commitment.title' AS title,
           x.value ->> '$.due' AS due, x.value -> '$.probability_on_time' AS p,
           x.value ->> '$.quantiles.P80' AS p80,
           COALESCE(NULLIF(x.value ->> '$.due', ''), NULLIF(x.value ->> '$.quantiles.P80', ''))
               AS bound
    FROM {table} s, json_each(s.data, '$.commitments') x
    WHERE s.id IN ({candidates})
      AND json_type(x.value, '$.commitment') = 'object' AND x.value -> '$.commitment' <> '{{}}'
), chosen AS (
    SELECT e.*, ROW_NUMBER() OVER (
        PARTITION BY e.agreement, e.task ORDER BY e.made DESC, e.n
    ) AS r
    FROM elements e LEFT JOIN finished f ON f.agreement = e.agreement AND f.task = e.task
    WHERE (f.day IS NULL OR e.made < f.day)
      AND (e.bound IS NULL OR e.made < substr(e.bound, 1, 10))
)
SELECT agreement, made, task, title, due, p, p80 FROM chosen WHERE r = 1
ORDER BY agreement, made, n
""",
}

# Per delivery fallen due and party owed, the pair's last index computed before the due date
# (``insights.calibration.backtest_trust``'s ``before[-1]``) — the pair (party owed, party
# owing) and due date of each: [agreement, truster, trustee, due] in ``needs``. On SQLite the
# pairs (~2 kB of JSON each) are parsed once each (one json_extract of the four fields) and
# both sides materialized, so the join uses an index instead of parsing every snapshot again
# for every delivery (measured: 3 times faster).
# Both dialects' last step: per need, the newest element before its due date.
_TRUST_CHOSEN = """), chosen AS (
    SELECT e.*, ROW_NUMBER() OVER (
        PARTITION BY d.agreement, d.truster, d.trustee, d.due ORDER BY e.made DESC, e.n DESC
    ) AS r
    FROM needs d JOIN elements e ON e.agreement = d.agreement AND e.truster = d.truster
        AND e.trustee = d.trustee AND e.made < d.due
)
SELECT DISTINCT agreement, made, n, truster, trustee, idx, state FROM chosen WHERE r = 1
ORDER BY agreement, made, n
"""

_TRUST_SQL = {
    "postgresql": """
WITH needs AS (
    SELECT (d ->> 0)::integer AS agreement, d ->> 1 AS truster, d ->> 2 AS trustee,
           (d ->> 3)::date AS due
    FROM jsonb_array_elements(%s::jsonb) d
), elements AS (
    SELECT s.agreement_id AS agreement, s.as_of AS made, x.n AS n,
           x.e -> 'truster' ->> 'uuid' AS truster, x.e -> 'trustee' ->> 'uuid' AS trustee,
           (x.e -> 'index')::text AS idx, x.e ->> 'state' AS state
    FROM {table} s CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(s.data -> 'pairs') = 'array'
        THEN s.data -> 'pairs' ELSE '[]'::jsonb END
    ) WITH ORDINALITY AS x(e, n)
    WHERE s.id IN ({candidates}) AND jsonb_typeof(x.e -> 'index') NOT IN ('null')
"""
    + _TRUST_CHOSEN,
    "sqlite": """
WITH needs AS MATERIALIZED (
    SELECT d.value ->> '$[0]' AS agreement, d.value ->> '$[1]' AS truster,
           d.value ->> '$[2]' AS trustee, d.value ->> '$[3]' AS due
    FROM json_each(%s) d
), parts AS MATERIALIZED (
    SELECT s.agreement_id AS agreement, s.as_of AS made, x.key AS n,
           json_extract(x.value, '$.truster.uuid', '$.trustee.uuid', '$.index', '$.state') AS v
    FROM {table} s, json_each(s.data, '$.pairs') x
    WHERE s.id IN ({candidates})
), elements AS MATERIALIZED (
    SELECT agreement, made, n, v ->> '$[0]' AS truster, v ->> '$[1]' AS trustee,
           v -> '$[2]' AS idx, v ->> '$[3]' AS state
    FROM parts WHERE json_type(v, '$[2]') NOT IN ('null')
"""
    + _TRUST_CHOSEN,
}


def _select(
    sql: dict[str, str],
    kind: str,
    agreement_ids: list[int],
    as_of: date,
    rows: list,
    snapshots: list[int] | None = None,
) -> list[tuple]:
    """Run ``sql`` over the snapshots the rule gives (or only the pks ``snapshots``)."""
    if snapshots is None:
        candidates, params = _candidates(agreement_ids, kind, as_of)
    else:
        candidates, params = ", ".join(["%s"] * len(snapshots)), tuple(snapshots)
    text = sql[connection.vendor].format(
        table=connection.ops.quote_name(InsightSnapshot._meta.db_table), candidates=candidates
    )
    with connection.cursor() as cursor:
        cursor.execute(text, (json.dumps(rows), *params))
        return cursor.fetchall()


def schedule_past(
    agreement_ids: list[int], as_of: date, known: dict[int, Iterable[Outcome]]
) -> dict[int, Past]:
    """Per agreement, the earlier schedule snapshots' forecasts the back-test chooses
    (``known``: each agreement's :func:`outcomes`), read in two queries: the count, then in
    the database, of the snapshots the rule gives, per commitment the last forecast made
    before its delivery and its due date — only those fields of only those forecasts come
    back (the snapshots are ~50 kB of JSON each, the chosen forecasts a few hundred bytes)."""
    if not agreement_ids:
        return {}
    counts = _counts(agreement_ids, SnapshotKind.SCHEDULE, as_of)
    if not _sql_reads():
        history = histories(agreement_ids, SnapshotKind.SCHEDULE, "commitments", as_of)
        return {pk: schedule_past_of(history[pk]) for pk in agreement_ids}
    out = {pk: Past(counts[pk], []) for pk in agreement_ids}
    # A commitment's last outcome counts, as in backtest_forecasts' dict by commitment.
    last = {(pk, o.task_id): o for pk in agreement_ids for o in known[pk]}
    rows = [
        [pk, task, o.finished.isoformat()]
        for (pk, task), o in last.items()
        if o.finished is not None
    ]
    found = _select(_SCHEDULE_SQL, SnapshotKind.SCHEDULE, agreement_ids, as_of, rows)
    for pk, made, task, title, due, p, p80 in found:
        out[pk].items.append(
            PastForecast(
                task_id=task,
                made=_made(made),
                due=_day(due),
                p_on_time=_number(p),
                p80=_day(p80),
                label="" if title is None else title,
            )
        )
    return out


def trust_past(
    agreement_ids: list[int], as_of: date, known: dict[int, Iterable[Outcome]]
) -> dict[int, Past]:
    """:func:`schedule_past` of the trust snapshots: per delivery fallen due before ``as_of``
    (the back-test's, from ``known``) and party owed, the pair's last index before the due
    date."""
    if not agreement_ids:
        return {}
    if not _sql_reads():
        history = histories(agreement_ids, SnapshotKind.TRUST, "pairs", as_of)
        return {pk: trust_past_of(history[pk]) for pk in agreement_ids}
    # The snapshots' dates first (no JSON): their count, and the newest before each due date.
    dated: dict[int, list[tuple[date, int]]] = {pk: [] for pk in agreement_ids}
    rows = calibration_snapshots(agreement_ids, [SnapshotKind.TRUST], as_of).order_by(
        "agreement_id", "as_of"
    )
    for pk, made, snapshot in rows.values_list("agreement_id", "as_of", "pk"):
        dated[pk].append((made, snapshot))
    out = {pk: Past(len(dated[pk]), []) for pk in agreement_ids}
    needs = sorted(
        {
            (pk, truster, o.owed_by, o.due)
            for pk in agreement_ids
            for o in known[pk]
            if not o.left_out and o.due is not None and o.due < as_of
            for truster in o.owed_to
        }
    )
    # A need's newest snapshot before its due date: when the pair has an index in it, that
    # index is the one chosen. Only those snapshots are read first (one per due date, not one
    # per day); the needs whose pair has none there (rare) are read again over every snapshot.
    newest: dict[tuple, tuple[date, int]] = {}
    for pk, truster, trustee, due in needs:
        days = dated[pk]
        at = bisect.bisect_left(days, (due,))
        if at:
            newest[(pk, truster, trustee, due)] = days[at - 1]
    wanted = [[pk, truster, trustee, due.isoformat()] for pk, truster, trustee, due in newest]
    first = sorted({snapshot for _made, snapshot in newest.values()})
    found = (
        _select(_TRUST_SQL, SnapshotKind.TRUST, agreement_ids, as_of, wanted, first)
        if (first)
        else []
    )
    have = {(pk, truster, trustee, _made(made)) for pk, made, _n, truster, trustee, *_ in found}
    again = [
        [pk, truster, trustee, due.isoformat()]
        for (pk, truster, trustee, due), (made, _snapshot) in newest.items()
        if (pk, truster, trustee, made) not in have
    ]
    if again:
        found = [*found, *_select(_TRUST_SQL, SnapshotKind.TRUST, agreement_ids, as_of, again)]
    seen = set()
    for pk, made, n, truster, trustee, index, state in sorted(
        found, key=lambda row: (row[0], _made(row[1]), row[2])
    ):
        if (pk, made, n) in seen:
            continue
        seen.add((pk, made, n))
        out[pk].items.append(
            PastTrust(
                truster=truster,
                trustee=trustee,
                made=_made(made),
                index=float(_number(index)),
                state=state or "",
            )
        )
    return out


def schedule_calibration(
    agreement: Any,
    inputs: AgreementInputs,
    known: list[Outcome],
    past: Past | None = None,
) -> dict[str, Any]:
    """``past``: the agreement's earlier schedule forecasts if already read
    (:func:`schedule_past`, or :func:`schedule_past_of` of the whole read)."""
    if past is None:
        past = schedule_past([agreement.pk], inputs.as_of, {agreement.pk: known})[agreement.pk]
    return schedule_json(backtest_forecasts(past.items, known, inputs.as_of), past.snapshots)


def trust_calibration(
    agreement: Any,
    inputs: AgreementInputs,
    known: list[Outcome],
    past: Past | None = None,
) -> dict[str, Any]:
    """``past``: as for :func:`schedule_calibration`, of the trust snapshots."""
    if past is None:
        past = trust_past([agreement.pk], inputs.as_of, {agreement.pk: known})[agreement.pk]
    return trust_json(backtest_trust(past.items, known, inputs.as_of), past.snapshots)


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
        "at_prior": result.at_prior,
        "mean_index": num(result.mean_index),
        "established": result.n >= CALIBRATION.established_from,
    }
