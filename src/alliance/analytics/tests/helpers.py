"""Small builders over the domain services for the analytics tests (dated on purpose, so that
history can be tested: every object says when it happened)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.testing import World


def at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def commitment(
    world: World,
    title: str,
    *,
    due: date,
    created: date,
    owed_by: Any = None,
    owed_to: Any = None,
    **fields: Any,
) -> Any:
    """X owes Y by default."""
    return ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=owed_by or world.party_x,
        owed_to=[owed_to or world.party_y],
        title=title,
        category="technical",
        due_on=due,
        start_on=created,
        duration_optimistic=5,
        duration_likely=10,
        duration_pessimistic=20,
        created_at=at(created),
        **fields,
    )


def meeting(
    world: World, on: date, *, confidentiality: str = "shared", summary: str = "", **fields: Any
) -> Any:
    return es.interaction_log(
        actor=world.owner,
        agreement=world.agreement,
        parties=fields.pop("parties", [world.party_x, world.party_y]),
        kind="meeting",
        occurred_on=on,
        summary=summary or f"Meeting of {on}",
        confidentiality=confidentiality,
        created_at=at(on),
        **fields,
    )


def all_json(snapshots: Any) -> str:
    """Every snapshot's data as one JSON text (to look for what must never be there)."""
    return json.dumps([s.data for s in snapshots], ensure_ascii=False)


def adds_up(evidence: dict, tolerance: float = 0.01) -> bool:
    total = evidence["baseline"] + sum(c["contribution"] for c in evidence["contributions"])
    return abs(total - evidence["figure"]) <= tolerance
