"""Background recomputation: after a write, the agreement's insights are recomputed by the task
worker (``alliance worker``), so no page waits for the models."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task

from alliance.analytics.services import insights_refresh
from alliance.partnerships.models import Agreement, Party


@task()
def recompute_agreement(agreement_uuid: str) -> dict[str, str]:
    """Recompute one agreement's insights for today, as the system. Returns the stored
    snapshots' UUIDs by kind (nothing if the agreement was deleted meanwhile). Incremental: of
    a burst of writes queued as many recomputes, the ones that run after the data has settled
    find their snapshots up to date and write nothing."""
    agreement = Agreement.objects.filter(uuid=agreement_uuid).first()
    if agreement is None:
        return {}
    stored = insights_refresh(actor=None, agreement=agreement).snapshots
    return {kind: str(snapshot.uuid) for kind, snapshot in stored.items()}


def enqueue_recompute(agreement: Any) -> None:
    """Ask for a recompute of ``agreement`` once the current transaction commits (call it from
    a view after a write; nothing is queued if the write is rolled back)."""
    uuid = str(agreement.uuid)
    transaction.on_commit(lambda: recompute_agreement.enqueue(uuid))


def insights_outdated(changed: Any) -> None:
    """A write changed the data behind the insights: queue the recomputation of the
    agreement(s) concerned (after the commit; a party concerns every agreement it is in).
    Pages and the API call it after the same writes."""
    if isinstance(changed, Agreement):
        agreements = [changed]
    elif isinstance(changed, Party):
        agreements = list(Agreement.objects.filter(participations__party=changed))
    else:
        return
    for agreement in agreements:
        enqueue_recompute(agreement)
