"""The recorded stage never moves silently: up at once with its reason, down only after the
criteria failed for the whole waiting period or when the team confirms it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from alliance.accounts.models import AuditEvent
from alliance.analytics.models import StageChange
from alliance.analytics.services import insights_recompute
from alliance.analytics.stages import stage_change_confirm, stage_change_dismiss
from alliance.core import clock
from alliance.insights.parameters import MATURITY
from alliance.partnerships.services import agreement_update

pytestmark = pytest.mark.django_db
WAIT = MATURITY.downgrade_after_days


def _recorded_too_high(world):
    """The agreement recorded as an alliance: the data cannot support it."""
    insights_recompute(actor=None, agreement=world.agreement)  # the first assessment
    world.agreement.refresh_from_db()
    computed = world.agreement.stage
    agreement_update(actor=world.owner, agreement=world.agreement, stage="alliance")
    return computed


def test_the_first_assessment_records_the_computed_stage_and_says_so(world):
    insights_recompute(actor=None, agreement=world.agreement)
    (first,) = StageChange.objects.filter(agreement=world.agreement)
    world.agreement.refresh_from_db()
    assert (first.status, first.cause, first.to_stage) == (
        "applied", "first", world.agreement.stage,
    )  # fmt: skip


def test_a_lower_stage_is_proposed_not_applied_and_applies_after_the_waiting_period(world):
    computed = _recorded_too_high(world)
    today = clock.today()
    insights_recompute(actor=None, agreement=world.agreement, as_of=today)
    world.agreement.refresh_from_db()
    assert world.agreement.stage == "alliance"  # not silently lowered
    pending = StageChange.objects.get(agreement=world.agreement, status="pending")
    assert (pending.from_stage, pending.to_stage) == ("alliance", computed)
    assert pending.reason and all(
        line["msg"] == "stage.criterion_failed" for line in pending.reason
    )
    with translation.override("fr"):
        assert pending.reasons[0].startswith("N’est plus rempli\xa0:")
    assert AuditEvent.objects.filter(object_id=str(pending.uuid), action="create").exists()

    with clock.frozen(today + timedelta(days=WAIT - 1)):
        insights_recompute(actor=None, agreement=world.agreement)
    world.agreement.refresh_from_db()
    assert world.agreement.stage == "alliance"
    assert StageChange.objects.get(pk=pending.pk).status == "pending"

    with clock.frozen(today + timedelta(days=WAIT)):
        insights_recompute(actor=None, agreement=world.agreement)
    world.agreement.refresh_from_db()
    applied = StageChange.objects.get(pk=pending.pk)
    assert world.agreement.stage == computed
    assert (applied.status, applied.cause) == ("applied", "sustained")
    assert AuditEvent.objects.filter(
        object_id=str(world.agreement.uuid), action="update", after__stage=computed
    ).exists()


def test_the_team_confirms_or_dismisses_and_others_may_not(world):
    computed = _recorded_too_high(world)
    insights_recompute(actor=None, agreement=world.agreement)
    pending = StageChange.objects.get(agreement=world.agreement, status="pending")
    for outsider in (world.rep_x, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            stage_change_confirm(actor=outsider, change=pending)
    stage_change_dismiss(actor=world.counsellor, change=pending)
    world.agreement.refresh_from_db()
    assert world.agreement.stage == "alliance"
    with pytest.raises(ValidationError):
        stage_change_confirm(actor=world.counsellor, change=StageChange.objects.get(pk=pending.pk))
    # Dismissed: not proposed again within the waiting period...
    insights_recompute(actor=None, agreement=world.agreement)
    assert not StageChange.objects.filter(agreement=world.agreement, status="pending").exists()
    # ...but once it is over, the team is asked again, and may confirm.
    with clock.frozen(clock.today() + timedelta(days=WAIT)):
        insights_recompute(actor=None, agreement=world.agreement)
        again = StageChange.objects.get(agreement=world.agreement, status="pending")
        stage_change_confirm(actor=world.counsellor, change=again)
    world.agreement.refresh_from_db()
    confirmed = StageChange.objects.get(pk=again.pk)
    assert world.agreement.stage == computed
    assert (confirmed.cause, confirmed.decided_by) == ("confirmed", world.counsellor)


def test_a_proposal_is_withdrawn_when_the_recorded_stage_holds_again(world):
    computed = _recorded_too_high(world)
    insights_recompute(actor=None, agreement=world.agreement)
    pending = StageChange.objects.get(agreement=world.agreement, status="pending")
    agreement_update(actor=world.owner, agreement=world.agreement, stage=computed)
    insights_recompute(actor=None, agreement=world.agreement)
    assert StageChange.objects.get(pk=pending.pk).status == "withdrawn"


def test_a_higher_stage_applies_at_once_with_the_criteria_that_now_hold(world):
    insights_recompute(actor=None, agreement=world.agreement)
    world.agreement.refresh_from_db()
    computed = world.agreement.stage
    agreement_update(actor=world.owner, agreement=world.agreement, stage="signed")
    insights_recompute(actor=None, agreement=world.agreement)
    world.agreement.refresh_from_db()
    assert world.agreement.stage == computed
    if computed != "signed":
        up = StageChange.objects.filter(agreement=world.agreement, cause="criteria").get()
        assert up.status == "applied" and up.reason
        assert all(line["msg"] == "stage.criterion_holds" for line in up.reason)
