"""Recomputing: every kind stored with its evidence, warnings raised once and resolved, the
stage following maturity, history left alone, discretion kept."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection
from django.utils import timezone, translation

from alliance.accounts.models import AuditEvent
from alliance.analytics.choices import SnapshotKind
from alliance.analytics.models import InsightSnapshot
from alliance.analytics.services import (
    SYSTEM_USERNAME,
    history_dates,
    insights_recompute,
    insights_recompute_all,
    system_actor,
)
from alliance.analytics.tests.helpers import adds_up, all_json, commitment, meeting
from alliance.core import messages
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.risks.models import EarlyWarning

pytestmark = pytest.mark.django_db


def _pair(snapshot, truster, trustee):
    """The pair's entry; a pair without any event is not listed (it sits at the baseline)."""
    for p in snapshot.data["pairs"]:
        if (p["truster"]["uuid"], p["trustee"]["uuid"]) == (str(truster.uuid), str(trustee.uuid)):
            return p
    return None


def test_every_kind_is_stored_as_plain_json_with_evidence_that_adds_up(world):
    meeting(world, date(2026, 5, 4))
    commitment(world, "Permit", due=date(2026, 6, 1), created=date(2026, 5, 4))
    stored = insights_recompute(actor=None, agreement=world.agreement)
    assert set(stored) == set(SnapshotKind.values)
    for kind, snapshot in stored.items():
        snapshot.refresh_from_db()
        assert snapshot.as_of == timezone.localdate()
        assert json.loads(json.dumps(snapshot.data)) == snapshot.data
        assert snapshot.data["kind"] == kind and snapshot.data["version"] == 1
        assert adds_up(snapshot.data["evidence"]), kind
        assert len(snapshot.parameters_digest) == 64
    trust = stored["trust"].data
    assert 0 <= trust["index"] <= 100 and trust["low"] <= trust["index"] <= trust["high"]
    party = trust["pairs"][0]["truster"]
    assert set(party) == {"uuid", "name"} and party["name"] in {"Ministry X", "Lender Y"}
    # Each listed pair carries its weight in the agreement index; they share all of it.
    assert sum(p["weight"] for p in trust["pairs"]) == pytest.approx(1.0)
    assert set(trust["components"]) == {"promise", "response", "engagement", "perception"}


def test_recomputing_the_same_date_replaces_the_snapshots(world):
    first = insights_recompute(actor=None, agreement=world.agreement)
    second = insights_recompute(actor=None, agreement=world.agreement)
    assert InsightSnapshot.objects.filter(agreement=world.agreement).count() == len(first)
    assert {k: s.pk for k, s in first.items()} == {k: s.pk for k, s in second.items()}


def test_a_late_delivery_lowers_trust_in_the_owing_party_with_that_commitment_as_evidence(world):
    late = commitment(world, "Land survey", due=date(2026, 9, 1), created=date(2026, 8, 3))
    before = insights_recompute(actor=None, agreement=world.agreement, as_of=date(2026, 8, 31))
    ps.commitment_deliver(actor=world.rep_x, commitment=late, evidence="Survey filed")
    after = insights_recompute(actor=None, agreement=world.agreement)

    assert _pair(before["trust"], world.party_y, world.party_x) is None  # nothing due yet
    was = before["trust"].data["baseline"]
    now = _pair(after["trust"], world.party_y, world.party_x)
    assert now["index"] < was
    lines = [c for c in now["evidence"]["contributions"] if c["event_id"] == str(late.uuid)]
    assert lines and lines[0]["contribution"] < 0
    assert lines[0]["commitment"] == {"uuid": str(late.uuid), "title": "Land survey"}
    assert now["promise_keeping"]["n_due"] == 1 and now["promise_keeping"]["n_on_time"] == 0
    x = str(world.party_x.uuid)
    trusted = {p["party"]["uuid"]: p["trusted_by_others"] for p in after["trust"].data["parties"]}
    assert trusted[x] < was


def test_rule_warnings_are_raised_once_and_resolved_when_the_cause_goes(world):
    overdue = commitment(world, "Tariff decree", due=date(2026, 10, 1), created=date(2026, 9, 1))
    insights_recompute(actor=None, agreement=world.agreement)
    rules = EarlyWarning.objects.filter(agreement=world.agreement).exclude(rule="")
    count = rules.count()
    warning = rules.get(rule="overdue_commitment")
    assert warning.commitment == overdue and warning.status == "open"
    assert warning.confidentiality == "shared" and "Tariff decree" in warning.headline
    # Stored as a message, said in the reader's language when shown; the owner by default
    # is the agreement's lead.
    assert warning.title == "" and warning.message["title"]["msg"] == "warning.overdue_commitment"
    assert warning.owner == world.owner
    with translation.override("fr"):
        assert "Tariff decree est en retard de" in warning.headline
        assert "Demandez à Ministry X" in warning.next_action
        assert warning.evidence_lines[0]["label"].startswith("échéance")
    with translation.override("de"):
        assert "Ministry X" in warning.next_action and "Ask" not in warning.next_action

    stored = insights_recompute(actor=None, agreement=world.agreement)
    assert rules.count() == count  # same keys: nothing duplicated
    listed = {w["key"]: w for w in stored["warnings"].data["warnings"]}
    assert listed[warning.key]["warning"] == str(warning.uuid)
    assert listed[warning.key]["commitment"]["uuid"] == str(overdue.uuid)

    ps.commitment_deliver(actor=world.owner, commitment=overdue, evidence="Published")
    insights_recompute(actor=None, agreement=world.agreement)
    warning.refresh_from_db()
    assert warning.status == "resolved"
    assert AuditEvent.objects.filter(
        object_id=str(warning.uuid), actor__username=SYSTEM_USERNAME
    ).exists()


def test_the_stage_follows_maturity_and_the_change_is_audited(world):
    ps.agreement_update(actor=world.owner, agreement=world.agreement, stage="implementing")
    stored = insights_recompute(actor=None, agreement=world.agreement)
    world.agreement.refresh_from_db()
    assert world.agreement.stage == stored["maturity"].data["stage"] == "signed"
    change = AuditEvent.objects.filter(
        object_id=str(world.agreement.uuid), actor__username=SYSTEM_USERNAME
    ).get()
    assert change.before == {"stage": "implementing"} and change.after == {"stage": "signed"}


def test_a_past_date_ignores_later_events_and_changes_nothing_but_its_snapshots(world):
    c = commitment(world, "Permit", due=date(2026, 8, 1), created=date(2026, 6, 1))
    meeting(world, date(2026, 10, 10))
    ps.commitment_deliver(actor=world.owner, commitment=c, evidence="Signed", on=date(2026, 10, 15))
    insights_recompute(actor=None, agreement=world.agreement)
    warnings = list(EarlyWarning.objects.values_list("key", "status"))
    ps.agreement_update(actor=world.owner, agreement=world.agreement, stage="alliance")

    past = insights_recompute(actor=None, agreement=world.agreement, as_of=date(2026, 9, 1))
    assert past["network"].data["interactions"] == 0
    assert past["network"].data["ties"] == []
    (task,) = past["schedule"].data["commitments"]
    assert task["commitment"]["uuid"] == str(c.uuid) and task["status"] == "planned"
    assert [w["rule"] for w in past["warnings"].data["warnings"]].count("overdue_commitment") == 1
    world.agreement.refresh_from_db()
    assert world.agreement.stage == "alliance"  # only the newest date moves the stage
    assert list(EarlyWarning.objects.values_list("key", "status")) == warnings


def test_only_shared_data_reaches_the_snapshots(world):
    meeting(world, date(2026, 6, 2), summary="SHARED-SUMMARY-TEXT", people=[world.person_x])
    es.person_note_add(
        actor=world.owner, agreement=world.agreement, person=world.person_y,
        text="NOTE-ABOUT-JEAN",
    )  # fmt: skip
    pulse = es.trust_pulse_open(
        actor=world.owner, agreement=world.agreement, title="Pulse",
        opens_on=date(2026, 6, 1), closes_on=date(2026, 6, 30),
    )  # fmt: skip
    es.trust_response_submit(
        actor=world.owner, pulse=pulse, respondent=world.person_y, about_party=world.party_x,
        submitted_on=date(2026, 6, 10), ability=6, benevolence=6, integrity=6,
        predictability=6, communication=6, comment="COMMENT-OF-JEAN",
    )  # fmt: skip
    before = insights_recompute(actor=None, agreement=world.agreement)
    people = [world.person_x, world.person_y]
    hidden = [
        meeting(
            world, date(2026, 7, 1), confidentiality=level, summary=f"{level}-SECRET", people=people
        )
        for level in ("internal", "restricted")
    ]
    after = insights_recompute(actor=None, agreement=world.agreement)

    text = all_json(after.values())
    for secret in (
        "internal-SECRET", "restricted-SECRET", "SHARED-SUMMARY-TEXT", "NOTE-ABOUT-JEAN",
        "COMMENT-OF-JEAN", "Jean Martin", *(str(h.uuid) for h in hidden),
    ):  # fmt: skip
        assert secret not in text, secret
    for kind in ("network", "trust", "alignment", "maturity"):
        assert _without_time(after[kind].data) == _without_time(before[kind].data), kind


def _without_time(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "computed_at"}


def test_a_single_pulse_answer_is_never_shown_as_such(world):
    pulse = es.trust_pulse_open(
        actor=world.owner, agreement=world.agreement, title="Pulse 1",
        opens_on=date(2026, 6, 1), closes_on=date(2026, 6, 30),
    )  # fmt: skip
    es.trust_response_submit(
        actor=world.owner, pulse=pulse, respondent=world.person_y, about_party=world.party_x,
        submitted_on=date(2026, 6, 10), ability=2, benevolence=3, integrity=2,
        predictability=1, communication=2,
    )  # fmt: skip
    stored = insights_recompute(actor=None, agreement=world.agreement)
    pair = _pair(stored["trust"], world.party_y, world.party_x)
    assert pair["perception"]["n"] == 1 and pair["perception"]["general"] is None
    assert all(v["mean"] is None for v in pair["perception"]["subscales"].values())
    (line,) = [c for c in pair["evidence"]["contributions"] if c["event_kind"] == "pulse"]
    assert line["pulse"][
        "title"
    ] == "Pulse 1" and "1 answer of Lender Y about Ministry X" in messages.render(line["label"])
    with translation.override("fr"):
        assert "1 réponse de Lender Y au sujet de Ministry X" in messages.render(line["label"])


def test_a_user_recomputes_only_with_the_right_to_change_the_agreement(world):
    with pytest.raises(PermissionDenied):
        insights_recompute(actor=world.viewer, agreement=world.agreement)
    assert not InsightSnapshot.objects.exists()
    insights_recompute(actor=world.counsellor, agreement=world.agreement)
    assert InsightSnapshot.objects.filter(agreement=world.agreement).exists()


def test_the_system_actor_cannot_log_in_and_is_privileged_in_memory_only(world):
    actor = system_actor()
    stored = get_user_model().objects.get(username=SYSTEM_USERNAME)
    assert actor.is_superuser and actor.is_active
    assert not (stored.is_superuser or stored.is_staff or stored.is_active)
    assert not stored.has_usable_password()
    with pytest.raises(RuntimeError):
        actor.save()


def test_a_person_named_like_the_system_actor_is_not_taken_over(db):
    get_user_model().objects.create_user(username=SYSTEM_USERNAME, password="s3cret-Passw0rd")
    with pytest.raises(ImproperlyConfigured):
        system_actor()


def test_the_portfolio_is_recomputed_agreement_by_agreement(world):
    report = insights_recompute_all(as_of=date(2026, 6, 30))
    assert report.agreements == 2 and not report.failed
    assert report.snapshots == 2 * len(SnapshotKind.values)
    assert set(InsightSnapshot.objects.values_list("as_of", flat=True)) == {date(2026, 6, 30)}


def test_history_dates_are_period_ends_then_the_last_date():
    quarters = history_dates(date(2024, 11, 14), date(2025, 8, 20))
    assert quarters == [date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30), date(2025, 8, 20)]
    assert history_dates(date(2025, 1, 15), date(2025, 3, 31)) == [date(2025, 3, 31)]
    months = history_dates(date(2025, 1, 15), date(2025, 3, 10), "monthly")
    assert months == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 10)]


def test_an_agreement_with_a_single_party_still_gets_every_snapshot(world):
    stored = insights_recompute(actor=None, agreement=world.other_agreement)
    assert set(stored) == set(SnapshotKind.values)
    assert stored["trust"].data["figure"] is None and stored["trust"].data["pairs"] == []
    # The engine handles one party: no trust pair, but the rules run (nothing to say here).
    assert stored["warnings"].data["error"] is None
    assert stored["schedule"].data["error"] is None
    assert stored["maturity"].data["stage"] == "signed"


@pytest.mark.django_db(transaction=True)
def test_the_models_run_outside_any_transaction_and_only_the_writes_inside_one(world):
    """On SQLite a transaction holds the one write lock from its first statement: a recompute
    computed inside one kept every other writer (a page saving its session, a quick log)
    waiting for the whole computation, 1.6 s on the demo's concession. The models and the
    digests run in autocommit; the warnings, the stage and the snapshots are written in one
    transaction."""
    from alliance.analytics import services

    commitment(world, "Permit file", due=date(2026, 5, 1), created=date(2026, 2, 1))
    meeting(world, date(2026, 4, 9))
    seen: dict[str, list[bool]] = {}

    def watch(name: str) -> None:
        real = getattr(services, name)

        def watched(*args, **kwargs):
            seen.setdefault(name, []).append(connection.in_atomic_block)
            return real(*args, **kwargs)

        setattr(services, name, watched)

    originals = {n: getattr(services, n) for n in ("compute", "inputs_digest", "_store")}
    try:
        for name in originals:
            watch(name)
        services.insights_refresh(actor=None, agreement=world.agreement, as_of=date(2026, 6, 30))
    finally:
        for name, real in originals.items():
            setattr(services, name, real)
    assert seen == {"compute": [False], "inputs_digest": [False], "_store": [True]}
    assert InsightSnapshot.objects.filter(agreement=world.agreement).count() == len(
        SnapshotKind.values
    )
