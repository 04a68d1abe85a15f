"""The recorded stage of an agreement follows maturity, never silently and never on one bad day.

After each recompute of the newest date, :func:`stage_follow` compares the stage maturity
computed with the one recorded on the agreement:

- the first assessment of an agreement records the computed stage at once;
- a higher stage is recorded at once (an ``applied`` :class:`StageChange` with the criteria
  that now hold);
- a lower stage is only proposed: a ``pending`` change, shown to the team with confirm and
  dismiss, applied by itself once the criteria have failed at every evaluation for
  ``MaturityParameters.downgrade_after_days`` days, withdrawn as soon as they hold again;
- a dismissed proposal is not made again for the same waiting period.

Every change of ``Agreement.stage`` goes through ``agreement_update`` (audited), and every
move or proposal is a ``StageChange`` row written through ``save_new`` / ``save_changes``
(audited too), with its reason as messages rendered in the reader's language.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.analytics.choices import StageChangeCause, StageChangeStatus
from alliance.analytics.models import StageChange
from alliance.core import clock
from alliance.core.messages import message
from alliance.core.services import require_change, save_changes, save_new
from alliance.insights.parameters import MATURITY
from alliance.partnerships.choices import MaturityStage
from alliance.partnerships.models import Agreement
from alliance.partnerships.services import agreement_update

ORDER = list(MaturityStage.values)


def _rank(stage: str) -> int:
    return ORDER.index(stage)


def stage_follow(
    *, actor: Any, agreement: Agreement, computed: str, maturity: dict, as_of: date
) -> StageChange | None:
    """Record, propose or withdraw a stage change after a recompute on ``as_of``. Returns the
    change written or updated (None when the stage stands and nothing was pending)."""
    recorded = agreement.stage
    pending = _open_proposal(agreement)
    if not StageChange.objects.filter(agreement=agreement).exists():
        return _apply(actor, agreement, computed, StageChangeCause.FIRST, maturity, as_of)
    if _rank(computed) > _rank(recorded):
        if pending is not None:
            _close(actor, pending, StageChangeStatus.WITHDRAWN, as_of)
        return _apply(actor, agreement, computed, StageChangeCause.CRITERIA, maturity, as_of)
    if computed == recorded:
        if pending is not None:
            return _close(actor, pending, StageChangeStatus.WITHDRAWN, as_of)
        return None
    return _propose_downgrade(actor, agreement, computed, maturity, as_of, pending)


def _propose_downgrade(
    actor: Any,
    agreement: Agreement,
    computed: str,
    maturity: dict,
    as_of: date,
    pending: StageChange | None,
) -> StageChange | None:
    wait = timedelta(days=MATURITY.downgrade_after_days)
    reason = _failed(maturity, agreement.stage)
    if pending is None:
        dismissed = (
            StageChange.objects.filter(agreement=agreement, status=StageChangeStatus.DISMISSED)
            .order_by("-decided_on")
            .first()
        )
        if dismissed is not None and dismissed.decided_on and as_of - dismissed.decided_on < wait:
            return None  # the team said no: not asked again before the waiting period is over
        pending = save_new(
            actor=actor,
            obj=StageChange(
                agreement=agreement,
                from_stage=agreement.stage,
                to_stage=computed,
                status=StageChangeStatus.PENDING,
                cause=StageChangeCause.CRITERIA,
                reason=reason,
                first_seen_on=as_of,
                last_seen_on=as_of,
            ),
        )
    else:
        pending = save_changes(
            actor=actor,
            obj=pending,
            changes={"to_stage": computed, "reason": reason, "last_seen_on": as_of},
        )
    if as_of - pending.first_seen_on >= wait:
        agreement_update(actor=actor, agreement=agreement, stage=computed)
        return save_changes(
            actor=actor,
            obj=pending,
            changes={
                "status": StageChangeStatus.APPLIED,
                "cause": StageChangeCause.SUSTAINED,
                "decided_on": as_of,
            },
        )
    return pending


def _apply(
    actor: Any, agreement: Agreement, stage: str, cause: str, maturity: dict, as_of: date
) -> StageChange:
    before = agreement.stage
    if before != stage:
        agreement_update(actor=actor, agreement=agreement, stage=stage)
    return save_new(
        actor=actor,
        obj=StageChange(
            agreement=agreement,
            from_stage=before if cause != StageChangeCause.FIRST else "",
            to_stage=stage,
            status=StageChangeStatus.APPLIED,
            cause=cause,
            reason=_held(maturity, before, stage) if cause != StageChangeCause.FIRST else [],
            first_seen_on=as_of,
            last_seen_on=as_of,
            decided_on=as_of,
        ),
    )


def _close(actor: Any, change: StageChange, status: str, as_of: date) -> StageChange:
    return save_changes(actor=actor, obj=change, changes={"status": status, "decided_on": as_of})


def _open_proposal(agreement: Agreement) -> StageChange | None:
    return StageChange.objects.filter(agreement=agreement, status=StageChangeStatus.PENDING).first()


# --------------------------------------------------------------------------
# Reasons, as messages
# --------------------------------------------------------------------------


def _criteria(maturity: dict) -> list[dict]:
    return [c for s in maturity.get("stages", []) for c in s.get("criteria", [])]


def _criterion(c: dict) -> dict:
    return message(f"criterion.{c['key']}", days=int(MATURITY.engagement_window_days))


def _failed(maturity: dict, recorded: str) -> list[dict]:
    """The criteria of the recorded stage (and those below it) that no longer hold."""
    upto = set(ORDER[: _rank(recorded) + 1])
    return [
        message(
            "stage.criterion_failed",
            criterion=_criterion(c),
            missing=c.get("missing") or "",
        )
        for c in _criteria(maturity)
        if c.get("stage") in upto and not c.get("holds")
    ]


def _held(maturity: dict, before: str, after: str) -> list[dict]:
    """The criteria of the stages gained that now hold."""
    gained = set(ORDER[_rank(before) + 1 : _rank(after) + 1])
    return [
        message("stage.criterion_holds", criterion=_criterion(c))
        for c in _criteria(maturity)
        if c.get("stage") in gained and c.get("holds")
    ]


# --------------------------------------------------------------------------
# The team's decision on a proposed downgrade
# --------------------------------------------------------------------------


def _pending_or_refuse(change: StageChange) -> None:
    if change.status != StageChangeStatus.PENDING:
        raise ValidationError(_("This stage change is no longer waiting for a decision."))


@transaction.atomic
def stage_change_confirm(*, actor: Any, change: StageChange) -> StageChange:
    """A counsellor confirms a proposed downgrade: the stage moves now."""
    require_change(actor, change)
    _pending_or_refuse(change)
    agreement_update(actor=actor, agreement=change.agreement, stage=change.to_stage)
    return save_changes(
        actor=actor,
        obj=change,
        changes={
            "status": StageChangeStatus.APPLIED,
            "cause": StageChangeCause.CONFIRMED,
            "decided_on": clock.today(),
            "decided_by": actor,
        },
    )


@transaction.atomic
def stage_change_dismiss(*, actor: Any, change: StageChange) -> StageChange:
    """A counsellor keeps the recorded stage: the proposal is closed, not made again for the
    waiting period."""
    require_change(actor, change)
    _pending_or_refuse(change)
    return save_changes(
        actor=actor,
        obj=change,
        changes={
            "status": StageChangeStatus.DISMISSED,
            "decided_on": clock.today(),
            "decided_by": actor,
        },
    )
