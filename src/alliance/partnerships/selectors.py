"""Reads that feed pages about agreements. Every queryset starts from the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from alliance.accounts import policy
from alliance.partnerships.choices import (
    OPEN_COMMITMENT_STATUSES,
    ConfirmationStatus,
    ProposalAnswer,
    ProposalStatus,
)
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    DeliveryConfirmation,
    DueDateAnswer,
    DueDateProposal,
    Participation,
)


def agreement_parties(agreement: Agreement) -> QuerySet[Participation]:
    return agreement.participations.select_related("party").order_by("party__name")


def open_commitments(user: Any, agreement: Agreement, *, limit: int = 50) -> QuerySet[Commitment]:
    """The agreement's open commitments, soonest due first, with what they need to render."""
    return (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement, status__in=OPEN_COMMITMENT_STATUSES)
        .select_related("owed_by", "milestone")
        .prefetch_related(Prefetch("owed_to"))
        .order_by("due_on")[:limit]
    )


def recent_interactions(user: Any, agreement: Agreement, *, limit: int = 20) -> QuerySet:
    return (
        policy.interactions_visible_to(user)
        .filter(agreement=agreement)
        .prefetch_related("parties")
        .order_by("-occurred_on", "-created_at")[:limit]
    )


# ----- deliveries to confirm (for the inbox, the commitment page and the reminders) -----


def _pending_confirmations(user: Any) -> QuerySet[DeliveryConfirmation]:
    return (
        policy.delivery_confirmations_visible_to(user)
        .filter(status=ConfirmationStatus.PENDING)
        .select_related("commitment__agreement", "commitment__owed_by", "party", "delivery")
        .order_by("delivery__happened_on", "commitment__due_on", "pk")
    )


def _represented(user: Any, agreement_path: str) -> Q:
    """Rows whose ``party`` is one ``user`` represents, in the agreement where they do."""
    return Q(policy.represented(user, agreement_path, "party_id"))


def deliveries_to_confirm(user: Any) -> QuerySet[DeliveryConfirmation]:
    """Deliveries ``user`` is asked to confirm or contest: those declared to a party they
    represent (in the agreement where they represent it), oldest declaration first."""
    return _pending_confirmations(user).filter(_represented(user, "commitment__agreement_id"))


def deliveries_awaiting_confirmation(user: Any) -> QuerySet[DeliveryConfirmation]:
    """Every delivery still waiting for its party's answer that ``user`` may see: the team
    chases them, the owing party's representatives see theirs waiting."""
    return _pending_confirmations(user)


def commitment_confirmations(user: Any, commitment: Commitment) -> list[DeliveryConfirmation]:
    """The answers asked about a commitment's deliveries, newest delivery first."""
    return list(
        policy.delivery_confirmations_visible_to(user)
        .filter(commitment=commitment)
        .select_related("party", "answered_by", "delivery")
        .order_by("-delivery__happened_on", "-delivery__created_at", "party__name")
    )


# ----- renegotiations (for the inbox and the commitment page) -----


def due_dates_to_answer(user: Any) -> QuerySet[DueDateAnswer]:
    """New due dates ``user`` is asked to accept or refuse: open proposals waiting for the
    answer of a party they represent, oldest proposal first."""
    return (
        policy.due_date_answers_visible_to(user)
        .filter(status=ProposalAnswer.PENDING, proposal__status=ProposalStatus.OPEN)
        .filter(_represented(user, "proposal__commitment__agreement_id"))
        .select_related(
            "proposal__commitment__agreement", "proposal__commitment__owed_by", "proposal__party"
        )
        .order_by("proposal__proposed_on", "pk")
    )


def open_due_date_proposals(user: Any) -> QuerySet[DueDateProposal]:
    """Every proposal still waiting for answers that ``user`` may see (the team follows
    them; the proposing party sees its own waiting)."""
    return (
        policy.due_date_proposals_visible_to(user)
        .filter(status=ProposalStatus.OPEN)
        .select_related("commitment__agreement", "commitment__owed_by", "party")
        .order_by("proposed_on", "pk")
    )


def commitment_renegotiations(user: Any, commitment: Commitment) -> dict[str, Any]:
    """A commitment's proposals (newest first, with their answers) and the dated history of
    its due date."""
    proposals = list(
        policy.due_date_proposals_visible_to(user)
        .filter(commitment=commitment)
        .select_related("party", "proposed_by")
        .prefetch_related("answers__party", "answers__answered_by")
        .order_by("-proposed_on", "-created_at")
    )
    changes = list(
        policy.commitment_due_changes_visible_to(user)
        .filter(commitment=commitment)
        .select_related("actor", "proposal__party")
        .order_by("in_force_from", "created_at")
    )
    return {"proposals": proposals, "due_changes": changes}
