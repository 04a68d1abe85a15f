"""The insights, read-only: the stored snapshots the pages read (with their "as of"), the
trust pairs, and a request to recompute. Snapshots are computed from shared data only, so
every member reads them, evidence included."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from alliance.analytics.choices import SnapshotKind
from alliance.analytics.selectors import agreements_updating, latest_snapshots_for
from alliance.analytics.tasks import enqueue_recompute
from alliance.api.access import require_team
from alliance.api.http import idempotent
from alliance.api.problems import Problem
from alliance.api.routes.common import IdempotencyKey, agreement_or_404, answers
from alliance.api.schemas import (
    InsightsOut,
    RecomputeOut,
    SnapshotOut,
    TrustPairsOut,
)
from alliance.briefings.ratings import ESTABLISHED, INSUFFICIENT, PROVISIONAL, RATING
from alliance.partnerships.models import Agreement

router = Router(tags=["insights"])

A = "/agreements/{uuid:agreement_id}/insights"
Kind = Literal[tuple(SnapshotKind.values)]  # type: ignore[valid-type]


class PairFilters(Schema):
    truster: UUID | None = None
    trustee: UUID | None = None


def _latest(agreement: Agreement, kinds: list[str]) -> dict[str, Any]:
    return latest_snapshots_for([agreement], kinds).get(agreement.pk, {})


def _updating(agreement: Agreement) -> bool:
    return bool(agreements_updating([agreement]))


def _snapshot(agreement: Agreement, kind: str) -> Any:
    snapshot = _latest(agreement, [kind]).get(kind)
    if snapshot is None:
        raise Problem(404, "not-computed", _("Not computed yet: ask for a recompute."))
    return snapshot


@router.get(A, response=answers(200, InsightsOut), operation_id="insight_list")
def insight_list(request: HttpRequest, agreement_id: UUID) -> dict[str, Any]:
    """The newest snapshot of every kind, each with its figure and the day it describes."""
    agreement = agreement_or_404(request, agreement_id)
    found = _latest(agreement, list(SnapshotKind.values))
    snapshots = [
        {
            "kind": kind,
            "as_of": s.as_of,
            "computed_at": s.computed_at,
            "figure": s.data.get("figure"),
            "unit": s.data.get("unit", ""),
            "summary": s.data.get("summary"),
        }
        for kind, s in sorted(found.items())
    ]
    return {"agreement": agreement.uuid, "updating": _updating(agreement), "snapshots": snapshots}


@router.post(
    A + "/recompute", response=answers(202, RecomputeOut, 409), operation_id="insight_recompute"
)
@decorate_view(idempotent)
def insight_recompute(
    request: HttpRequest, agreement_id: UUID, idempotency_key: IdempotencyKey = None
) -> Status:
    """Ask the task worker to recompute the agreement's insights from today's data (the
    counsellor team); read them again once ``updating`` is false."""
    agreement = agreement_or_404(request, agreement_id)
    require_team(request, agreement)
    enqueue_recompute(agreement)
    return Status(202, {"agreement": agreement.uuid, "queued": True})


@router.get(A + "/{kind}", response=answers(200, SnapshotOut), operation_id="insight_read")
def insight_read(request: HttpRequest, agreement_id: UUID, kind: Kind) -> dict[str, Any]:
    """One kind's newest snapshot in full: trust, alignment, schedule, network, salience,
    maturity or warnings."""
    agreement = agreement_or_404(request, agreement_id)
    s = _snapshot(agreement, kind)
    return {
        "agreement": agreement.uuid,
        "kind": kind,
        "as_of": s.as_of,
        "computed_at": s.computed_at,
        "parameters_digest": s.parameters_digest,
        "updating": _updating(agreement),
        "data": s.data,
    }


@router.get(
    "/agreements/{uuid:agreement_id}/trust/pairs",
    response=answers(200, TrustPairsOut),
    operation_id="trust_pairs",
)
def trust_pairs(
    request: HttpRequest,
    agreement_id: UUID,
    filters: Query[PairFilters],
) -> dict[str, Any]:
    """Trust per directed pair of parties (who trusts whom): the index with its 80 % interval,
    the state of its evidence, its components and the events behind it; the agreement's trend."""
    agreement = agreement_or_404(request, agreement_id)
    s = _snapshot(agreement, SnapshotKind.TRUST)
    pairs = []
    for pair in s.data.get("pairs", []):
        truster, trustee = pair.get("truster", {}), pair.get("trustee", {})
        if filters.truster and str(filters.truster) != truster.get("uuid"):
            continue
        if filters.trustee and str(filters.trustee) != trustee.get("uuid"):
            continue
        pairs.append(
            {
                "truster": truster,
                "trustee": trustee,
                "index": pair.get("index"),
                "low": pair.get("low"),
                "high": pair.get("high"),
                "evidence_state": pair.get("evidence_state") or evidence_state(pair),
                "pair": pair,
            }
        )
    return {
        "agreement": agreement.uuid,
        "as_of": s.as_of,
        "computed_at": s.computed_at,
        "trend": s.data.get("trend", []),
        "pairs": pairs,
    }


def evidence_state(pair: dict[str, Any]) -> str:
    """How much the pair's index rests on, by the briefs' rule (``briefings.ratings``): the
    promises due, pulse answers and contacts it counts."""
    n = (
        ((pair.get("promise_keeping") or {}).get("n_due") or 0)
        + ((pair.get("perception") or {}).get("n") or 0)
        + (((pair.get("components") or {}).get("engagement") or {}).get("n_events") or 0)
    )
    if n <= 0:
        return INSUFFICIENT
    return ESTABLISHED if n >= RATING.min_evidence else PROVISIONAL
