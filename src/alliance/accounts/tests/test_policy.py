"""What each named actor sees and may change, for every model, through the one policy."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.http import Http404

from alliance.accounts import policy
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.risks import services as rs

EVERYONE = {"owner", "counsellor", "editor", "rep_x", "rep_y", "viewer"}
TEAM = {"owner", "counsellor", "editor"}


@pytest.fixture
def full(world):
    """One object of every kind in the world's agreement, plus one in the other agreement."""
    w, a, actor = world, world.agreement, world.owner
    objs = {}
    objs["blackout"] = ps.blackout_period_add(
        actor=w.admin,
        party=w.party_x,
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 2, 20),
        reason="Elections",
    )
    objs["milestone"] = ps.milestone_create(
        actor=actor, agreement=a, title="Financial close", due_on=date(2025, 9, 1)
    )
    objs["commitment"] = ps.commitment_create(
        actor=actor,
        agreement=a,
        owed_by=w.party_x,
        owed_to=[w.party_y],
        title="Issue permit",
        category="regulatory",
        due_on=date(2025, 6, 1),
        duration_optimistic=10,
        duration_likely=20,
        duration_pessimistic=40,
        milestone=objs["milestone"],
    )
    objs["status_change"] = objs["commitment"].status_changes.get()
    objs["objective"] = ps.strategic_objective_create(
        actor=actor, agreement=a, source="sdg", code="9.1", title="Resilient infrastructure"
    )
    common = {
        "agreement": a,
        "parties": [w.party_x, w.party_y],
        "kind": "meeting",
        "occurred_on": date(2025, 4, 1),
    }
    objs["shared_interaction"] = es.interaction_log(actor=actor, summary="Kick-off", **common)
    objs["internal_interaction"] = es.interaction_log(
        actor=actor, summary="Candid: the ministry stalls", confidentiality="internal", **common
    )
    objs["restricted_interaction"] = es.interaction_log(
        actor=actor,
        summary="Only for the counsellor",
        confidentiality="restricted",
        restricted_to=[w.counsellor],
        **common,
    )
    objs["internal_note"] = es.person_note_add(
        actor=actor, agreement=a, person=w.person_x, text="Prefers early calls"
    )
    objs["topic"] = es.topic_create(actor=actor, agreement=a, name="Local hiring")
    objs["expectation"] = es.expectation_record(
        actor=actor,
        topic=objs["topic"],
        party=w.party_x,
        statement="60 % local staff",
        recorded_on=date(2025, 3, 1),
        target_value=Decimal("60"),
    )
    objs["pulse"] = es.trust_pulse_open(
        actor=actor,
        agreement=a,
        title="Pulse 1",
        opens_on=date(2025, 5, 1),
        closes_on=date(2025, 5, 31),
    )
    answers = dict(ability=4, benevolence=3, integrity=5, predictability=3, communication=4)
    objs["response_x"] = es.trust_response_submit(
        actor=actor,
        pulse=objs["pulse"],
        respondent=w.person_x,
        about_party=w.party_y,
        submitted_on=date(2025, 5, 3),
        **answers,
    )
    objs["response_y"] = es.trust_response_submit(
        actor=actor,
        pulse=objs["pulse"],
        respondent=w.person_y,
        about_party=w.party_x,
        submitted_on=date(2025, 5, 4),
        **answers,
    )
    objs["grievance"] = es.grievance_register(
        actor=actor,
        agreement=a,
        reference="G-1",
        channel="hotline",
        category="land",
        summary="Fence on our field",
        received_on=date(2025, 5, 2),
        response_due_on=date(2025, 5, 16),
    )
    objs["risk"] = rs.risk_create(
        actor=actor,
        agreement=a,
        title="Permit delay",
        category="institutional",
        rating="high",
        likelihood=4,
        impact=4,
    )
    objs["requirement"] = rs.regulatory_requirement_create(
        actor=actor,
        agreement=a,
        jurisdiction="SN",
        instrument="Environmental code",
        requirement="Impact study approved",
    )
    objs["indicator"] = rs.local_indicator_create(
        actor=actor,
        agreement=a,
        kind="local_hires",
        name="Local hires",
        unit="%",
        target=Decimal("60"),
        target_on=date(2026, 12, 31),
    )
    objs["observation"] = rs.indicator_observe(
        actor=actor, indicator=objs["indicator"], observed_on=date(2025, 6, 30), value=Decimal("35")
    )
    objs["shared_warning"], _ = rs.early_warning_raise(
        actor=actor,
        agreement=a,
        key="overdue:1",
        rule="overdue",
        title="Permit overdue",
        severity="warning",
        raised_on=date(2025, 6, 2),
    )
    objs["internal_warning"], _ = rs.early_warning_raise(
        actor=actor,
        agreement=a,
        key="manual:1",
        title="Minister may resign",
        severity="critical",
        explanation="Heard informally",
        raised_on=date(2025, 6, 2),
        confidentiality="internal",
    )
    # A commitment binds two parties: the other agreement gets a second one to owe it to.
    other_side = ps.party_create(actor=w.admin, name="Foreign lender", kind="lender", country="FR")
    ps.participation_add(
        actor=w.other_owner, agreement=w.other_agreement, party=other_side, role="lender"
    )
    objs["foreign_commitment"] = ps.commitment_create(
        actor=w.other_owner,
        agreement=w.other_agreement,
        owed_by=w.party_z,
        owed_to=[other_side],
        title="Foreign",
        category="technical",
        due_on=date(2025, 6, 1),
        duration_optimistic=1,
        duration_likely=2,
        duration_pessimistic=3,
    )
    return objs


EXPECTED_VIEWERS = {
    "blackout": EVERYONE,
    "milestone": EVERYONE,
    "commitment": EVERYONE,
    "status_change": EVERYONE,
    "objective": EVERYONE,
    "shared_interaction": EVERYONE,
    "internal_interaction": TEAM,
    "restricted_interaction": {"owner", "counsellor"},  # named user + its author
    "internal_note": TEAM,
    "topic": EVERYONE,
    "expectation": EVERYONE,
    "pulse": EVERYONE,
    # A colleague's pulse answer is the team's alone: a representative reads only the answers
    # they gave themselves (test_pulse_anonymity covers their own), others as aggregates.
    "response_x": TEAM,
    "response_y": TEAM,
    "grievance": EVERYONE,
    "risk": EVERYONE,
    "requirement": EVERYONE,
    "indicator": EVERYONE,
    "observation": EVERYONE,
    "shared_warning": EVERYONE,
    "internal_warning": TEAM,
    "foreign_commitment": set(),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VIEWERS))
def test_each_actor_sees_exactly_what_the_policy_allows(world, full, name):
    obj = full[name]
    seen_by = {actor for actor, user in world.actors.items() if policy.can_see(user, obj)}
    assert seen_by == EXPECTED_VIEWERS[name]


def test_outsider_sees_nothing_of_any_model(world, full):
    for model in policy.VISIBLE:
        assert not policy.visible_to(world.outsider, model).exists(), model.__name__


def test_administrator_sees_everything(world, full):
    for obj in full.values():
        assert policy.can_see(world.admin, obj)


def test_every_domain_model_has_a_policy_queryset():
    domain = [
        m
        for label in ("accounts", "partnerships", "engagement", "risks")
        for m in apps.get_app_config(label).get_models()
        if not m._meta.auto_created and m.__name__ != "CommitmentDependency"
    ]
    assert sorted(m.__name__ for m in domain if m not in policy.VISIBLE) == []


def test_party_representative_sees_only_the_parties_of_their_agreements(world, full):
    assert set(policy.parties_visible_to(world.rep_x)) == {world.party_x, world.party_y}
    assert world.party_z not in policy.parties_visible_to(world.owner)
    assert set(policy.people_visible_to(world.rep_y)) == {world.person_x, world.person_y}


def test_invisible_object_is_a_404_like_a_missing_one(world, full):
    from alliance.engagement.models import Interaction

    hidden = full["internal_interaction"]
    with pytest.raises(Http404):
        policy.get_visible_or_404(world.rep_x, Interaction, uuid=hidden.uuid)
    with pytest.raises(Http404):
        policy.get_visible_or_404(world.rep_x, Interaction, uuid="not-a-uuid")
    assert policy.get_visible_or_404(world.counsellor, Interaction, uuid=hidden.uuid) == hidden


@pytest.mark.parametrize(
    ("actor", "may"),
    [
        ("owner", True),
        ("counsellor", True),
        ("editor", True),
        ("rep_x", True),
        ("rep_y", False),
        ("viewer", False),
        ("outsider", False),
    ],
)
def test_who_may_change_a_commitment_owed_by_x(world, full, actor, may):
    assert policy.can_change(world.actors[actor], full["commitment"]) is may


@pytest.mark.parametrize("actor", ["rep_x", "viewer", "outsider"])
def test_only_the_team_changes_interactions_and_risks(world, full, actor):
    user = world.actors[actor]
    assert not policy.can_change(user, full["shared_interaction"])
    assert not policy.can_change(user, full["risk"])


def test_restricted_item_cannot_be_changed_by_team_member_not_named(world, full):
    assert not policy.can_change(world.editor, full["restricted_interaction"])
    assert policy.can_change(world.counsellor, full["restricted_interaction"])


def test_audit_trail_is_for_owners(world, full):
    assert policy.audit_events_visible_to(world.owner).exists()
    for name in ("counsellor", "editor", "rep_x", "viewer", "outsider"):
        assert not policy.audit_events_visible_to(world.actors[name]).exists()


def test_inactive_user_sees_nothing(world, full):
    world.owner.is_active = False
    world.owner.save()
    assert not policy.agreements_visible_to(world.owner).exists()


def test_a_batch_may_be_changed_exactly_when_each_of_its_objects_may(world, full):
    """``can_change_all`` (the batched write paths) reads the roles once and applies the same
    rules as ``can_change``: for every actor, each object alone, every pair, and all."""
    from itertools import combinations

    objs = [o for o in full.values() if hasattr(o, "pk")]
    for name, user in world.actors.items():
        alone = {id(o): policy.can_change(user, o) for o in objs}
        for obj in objs:
            assert policy.can_change_all(user, [obj]) is alone[id(obj)], (name, obj)
        for pair in combinations(objs, 2):
            assert policy.can_change_all(user, list(pair)) is all(alone[id(o)] for o in pair)
        assert policy.can_change_all(user, objs) is all(alone.values()), name
