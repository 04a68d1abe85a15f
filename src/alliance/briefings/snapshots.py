"""Reading the insight snapshots for a brief: the newest of each kind and the "previous"
one (a rating period earlier), a party's trust over time, and the marking of a set of items.

Snapshots are computed from shared data only (``alliance.analytics``), so every member of
the agreement reads them through the policy; a brief still shows a snapshot's reference to a
commitment only when the reader sees that commitment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from alliance.accounts import policy
from alliance.analytics.selectors import with_localized_data
from alliance.briefings import ratings
from alliance.briefings.choices import MARKING_ORDER, Marking
from alliance.partnerships.models import Agreement


def latest_and_previous(
    user: Any, agreement: Agreement, kinds: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The newest snapshot of each kind, and the "previous" one: the newest dated at least
    ``previous_gap_days`` before it (one query; the rows read are a few per kind)."""
    rows = (
        policy.insight_snapshots_visible_to(user)
        .filter(agreement=agreement, kind__in=tuple(kinds))
        .only("uuid", "kind", "as_of", "computed_at")
        .order_by("kind", "-as_of")
    )
    current: dict[str, Any] = {}
    previous: dict[str, Any] = {}
    gap = timedelta(days=ratings.RATING.previous_gap_days)
    for snapshot in rows:
        newest = current.get(snapshot.kind)
        if newest is None:
            current[snapshot.kind] = snapshot
        elif snapshot.kind not in previous and snapshot.as_of <= newest.as_of - gap:
            previous[snapshot.kind] = snapshot
    # Only the chosen rows' data is read (one query at most), already in the reader's
    # language when this process has rendered it before.
    read = {s.pk for s in with_localized_data([*current.values(), *previous.values()])}
    return (
        {k: s for k, s in current.items() if s.pk in read},
        {k: s for k, s in previous.items() if s.pk in read},
    )


def data(found: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
    """The data of the ``kind`` snapshot read by :func:`latest_and_previous`, in the reader's
    language (shared with other readers: not to be changed)."""
    snapshot = found.get(kind)
    return snapshot.data if snapshot is not None else None


def as_of(snapshot: Any) -> date | None:
    return snapshot.as_of if snapshot is not None else None


def party_trust_history(
    user: Any, agreement: Agreement, party_uuid: str, *, limit: int = 8
) -> list[tuple[date, float | None, float | None]]:
    """The party's trust both ways at each of the newest ``limit`` trust snapshots, oldest
    first: (as of, trusted by the others, trusts the others). Reads only each snapshot's
    per-party rows (a key of the JSON), not the pairs and their evidence."""
    rows = (
        policy.insight_snapshots_visible_to(user)
        .filter(agreement=agreement, kind="trust")
        .order_by("-as_of")
        .values_list("as_of", "data__parties")[:limit]
    )
    found = []
    for day, parties in rows:
        row = next((p for p in parties or () if p["party"]["uuid"] == party_uuid), None)
        if row is not None:
            found.append((day, row.get("trusted_by_others"), row.get("trusts_others")))
    return found[::-1]


def marking(levels: Iterable[str]) -> str:
    """The most confidential level among the items shown (shared when all are shared)."""
    rank = max((MARKING_ORDER.index(Marking(v)) for v in levels), default=0)
    return MARKING_ORDER[rank].value
