"""The party brief ("before you meet…"): what it derives from the data (planted in the web
tests' world: X owes Y an overdue permit, Y owes X a tranche that waits for it, X and Y
disagree on local hiring, a grievance is past its response date, X is the authority of a
partly aligned requirement), who reads which line, and its marking."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.accounts.models import AuditEvent
from alliance.analytics.models import InsightSnapshot
from alliance.briefings import services
from alliance.briefings.models import PartyBriefNote
from alliance.briefings.party_selectors import party_brief
from alliance.core import clock
from alliance.engagement.models import Interaction
from alliance.partnerships import services as ps
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT

TEAM = ("owner", "counsellor", "editor")
OUTSIDE_TEAM = ("rep_x", "rep_y", "viewer")


def _brief(world, actor, party, lang="en"):
    with translation.override(lang):
        return party_brief(getattr(world, actor), world.agreement, party, clock.today())


def _text(brief) -> str:
    """Every sentence of the brief, to search."""
    parts = [*brief.bottom_line, *brief.background, *brief.notes]
    for item in brief.our_objectives + brief.their_objectives + brief.points:
        parts += [item.text, item.evidence]
    for a in brief.asks:
        parts += [a.ask, a.answer, a.evidence]
    for c in brief.we_owe + brief.they_owe:
        parts += [c.title, c.outlook]
    for p in brief.people:
        parts += [p.name, p.role, *p.notes]
    for i in brief.interactions:
        parts.append(i.summary)
    for t in brief.topics:
        parts += [t.topic, t.theirs, t.other, t.gap]
    for w in brief.trust:
        parts += [w.label, w.basis]
    return "\n".join(parts)


def test_a_representative_reads_what_their_party_owes_and_is_owed(world, computed):
    # rep_y (party Y) before meeting X: X owes Y the overdue permit, Y owes X the tranche.
    brief = _brief(world, "rep_y", world.party_x)
    assert brief.ours == str(world.party_y)
    assert [c.uuid for c in brief.they_owe] == [str(computed.commitment_x.uuid)]
    assert [c.uuid for c in brief.we_owe] == [str(computed.commitment_y.uuid)]
    (late,) = brief.they_owe
    assert late.days_late == 5 and late.outlook.startswith("5 days late")
    # Our first objective: a firm date for what they owe us and is late.
    assert "Issue the environmental permit" in brief.our_objectives[0].text
    assert brief.our_objectives[0].evidence.startswith("Due ")
    assert "5 days late" in brief.our_objectives[0].evidence


def test_likely_asks_come_from_what_we_owe_them_late_and_where_we_diverge(world, computed):
    # rep_x (party X) before meeting Y: X owes Y the overdue permit → Y will ask when.
    brief = _brief(world, "rep_x", world.party_y)
    kinds = [a.kind for a in brief.asks]
    assert kinds[0] == "overdue"
    first = brief.asks[0]
    assert "Issue the environmental permit" in first.ask
    assert "5 days late" in first.evidence
    assert first.answer, "an answer from the status and the forecast"
    # Local hiring: Y expects 30 %, X (us) 60 % → they press for theirs, our position answers.
    (hiring,) = [a for a in brief.asks if a.kind == "expectation"]
    assert "Thirty percent, rising with training" in hiring.ask
    assert "Our position" in hiring.answer and "Sixty percent local by year two" in hiring.answer
    # A lender carries grievances past their response date to the table.
    (grievance,) = [a for a in brief.asks if a.kind == "grievance"]
    assert "G-001" in grievance.answer


def test_a_regulator_asks_about_the_requirement_it_enforces(world, computed):
    brief = _brief(world, "owner", world.party_x)
    (requirement,) = [a for a in brief.asks if a.kind == "requirement"]
    assert "Environmental code, art. 48" in requirement.ask
    assert "Partially aligned" in requirement.answer
    assert "Issue the environmental permit" in requirement.answer


def test_a_dispute_between_us_is_a_pending_request_with_its_reason(world, computed):
    ps.commitment_change_status(
        actor=world.owner,
        commitment=computed.commitment_y,
        status="disputed",
        evidence="The tranche conditions are not met.",
    )
    brief = _brief(world, "rep_x", world.party_y)
    (dispute,) = [a for a in brief.asks if a.kind == "dispute"]
    assert "Disburse the first tranche" in dispute.ask
    assert "The tranche conditions are not met" in dispute.answer


def test_the_team_reads_the_partnership_as_us_and_each_line_names_who_owes(world, computed):
    brief = _brief(world, "counsellor", world.party_x)
    assert brief.ours is None
    assert [c.owed_to for c in brief.they_owe] == [[str(world.party_y)]]
    assert [c.owed_by for c in brief.we_owe] == [str(world.party_y)]
    labels = [w.label for w in brief.trust]
    assert labels == [
        f"{world.party_x} trusts the other parties",
        f"The other parties trust {world.party_x}",
    ]
    assert all(w.index is not None for w in brief.trust)
    assert brief.trust[0].change.startswith(("unchanged since", "+", "−"))
    assert len(brief.trust_trend) == 2, "one point a trust snapshot"


def test_their_objectives_are_their_expectations_most_important_first(world, computed):
    brief = _brief(world, "viewer", world.party_x)
    assert brief.their_objectives[0].text == "Sixty percent local by year two"
    assert "priority critical" in brief.their_objectives[0].evidence
    (topic,) = brief.topics
    assert topic.topic == "Local hiring" and topic.other_party == str(world.party_y)
    assert "targets" in topic.gap and "priorities" in topic.gap


def test_without_snapshots_the_brief_says_so_and_still_lists_the_facts(world, data):
    brief = _brief(world, "owner", world.party_x)
    assert brief.trust == [] and brief.as_of is None
    assert any("No insight has been computed" in n for n in brief.notes)
    assert brief.they_owe and brief.asks


@pytest.mark.parametrize("actor", OUTSIDE_TEAM)
def test_a_representatives_or_viewers_brief_holds_nothing_internal(world, computed, actor):
    for party in (world.party_x, world.party_y):
        brief = _brief(world, actor, party)
        text = _text(brief)
        assert INTERNAL_TEXT not in text and RESTRICTED_TEXT not in text
        assert brief.marking == "shared"
        assert not any(i.own for i in brief.asks + brief.points + brief.our_objectives)


def test_the_team_brief_shows_internal_items_and_is_marked_internal(world, computed):
    brief = _brief(world, "owner", world.party_x)
    text = _text(brief)
    assert INTERNAL_TEXT in text  # the team's own point, the note on Awa Diop, the call
    assert RESTRICTED_TEXT not in text
    assert brief.marking == "internal"
    (own,) = [a for a in brief.asks if a.own]
    assert own.answer == "Say the permit is independent of the calendar."
    # The restricted letter was with party Y, and only the counsellor is named on it.
    assert _brief(world, "counsellor", world.party_y).marking == "restricted"
    # Nothing internal concerns party Y: the owner's brief on Y is shared, and says so.
    assert _brief(world, "owner", world.party_y).marking == "shared"


def test_the_team_adds_its_points_through_the_service_audited(world, computed):
    note = services.party_brief_note_add(
        actor=world.editor,
        agreement=world.agreement,
        party=world.party_y,
        kind="point",
        text="  Thank them for the quick board approval.  ",
    )
    assert note.text == "Thank them for the quick board approval."
    assert AuditEvent.objects.filter(object_id=str(note.uuid), action="create").exists()
    brief = _brief(world, "owner", world.party_y)
    assert brief.points[-1].text == note.text and brief.points[-1].own
    services.party_brief_note_delete(actor=world.owner, note=note)
    assert not PartyBriefNote.objects.filter(pk=note.pk).exists()
    assert AuditEvent.objects.filter(object_id=str(note.uuid), action="delete").exists()


@pytest.mark.parametrize("actor", [*OUTSIDE_TEAM, "outsider"])
def test_only_the_team_may_add_or_delete_points(world, computed, actor):
    with pytest.raises(PermissionDenied):
        services.party_brief_note_add(
            actor=getattr(world, actor),
            agreement=world.agreement,
            party=world.party_x,
            kind="point",
            text="Anything",
        )
    with pytest.raises(PermissionDenied):
        services.party_brief_note_delete(actor=getattr(world, actor), note=computed.brief_note)
    assert PartyBriefNote.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "point", "text": "   "}, "text"),
        ({"kind": "point", "text": "A point", "answer": "An answer"}, "answer"),
        ({"kind": "nonsense", "text": "A point"}, "kind"),
    ],
)
def test_a_point_is_refused_with_the_field_named(world, computed, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.party_brief_note_add(
            actor=world.owner, agreement=world.agreement, party=world.party_x, **fields
        )
    assert field in refused.value.message_dict
    assert PartyBriefNote.objects.count() == 1


def test_a_point_for_a_party_outside_the_agreement_is_refused(world, computed):
    with pytest.raises(ValidationError) as refused:
        services.party_brief_note_add(
            actor=world.owner,
            agreement=world.agreement,
            party=world.party_z,
            kind="point",
            text="Meet them",
        )
    assert "party" in refused.value.message_dict


def test_points_are_encrypted_at_rest(world, computed):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text, answer FROM briefings_partybriefnote WHERE id = %s",
            [computed.brief_note.pk],
        )
        text, answer = cursor.fetchone()
    assert INTERNAL_TEXT not in text and text.startswith("fernet:")
    assert answer.startswith("fernet:")


def test_recent_deliveries_to_them_are_points_to_make(world, computed):
    ps.commitment_deliver(
        actor=world.owner,
        commitment=computed.commitment_x,
        on=clock.today(),
        evidence="Permit signed by the minister",
    )
    brief = _brief(world, "rep_x", world.party_y)
    (delivered,) = [p for p in brief.points if "was delivered" in p.text]
    assert "Issue the environmental permit" in delivered.text
    assert delivered.evidence.startswith("5 days late")
    assert "Permit signed by the minister" in delivered.evidence
    assert brief.we_owe == [] and not [a for a in brief.asks if a.kind == "overdue"]


def test_french_brief_holds_no_english_sentence_of_ours(world, computed):
    brief = _brief(world, "owner", world.party_x, "fr")
    text = _text(brief)
    for english in ("days late", "Due ", "Rests on", "Our position", "trusts the other"):
        assert english not in text, english


LEVELS = ("shared", "internal", "restricted")
RANK = {level: n for n, level in enumerate(LEVELS)}


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(levels=st.lists(st.sampled_from(LEVELS), min_size=3, max_size=3))
def test_the_marking_is_the_most_confidential_item_shown_whatever_the_levels(
    world, computed, levels
):
    """Any confidentiality of the three interactions: a representative's or a viewer's brief
    shows only shared ones and is marked shared; the owner's brief on party Y is marked with
    the most confidential interaction with Y it shows (the owner is named on no restricted
    one), on party X at least internal (the team's point and the note on Awa Diop)."""
    interactions = [
        computed.shared_interaction,  # with X and Y
        computed.internal_interaction,  # with X
        computed.restricted_interaction,  # with Y, restricted to the counsellor
    ]
    for interaction, level in zip(interactions, levels, strict=True):
        Interaction.objects.filter(pk=interaction.pk).update(confidentiality=level)
    for actor in OUTSIDE_TEAM:
        for party in (world.party_x, world.party_y):
            brief = _brief(world, actor, party)
            assert brief.marking == "shared"
            assert {i.confidentiality for i in brief.interactions} <= {"shared"}
    with_y = [levels[0], levels[2]]
    shown = [lv for lv in with_y if lv != "restricted"]
    expected = max(shown, key=RANK.get, default="shared")
    assert _brief(world, "owner", world.party_y).marking == expected
    assert RANK[_brief(world, "owner", world.party_x).marking] >= RANK["internal"]
    # The counsellor is named on the restricted letter, not on the shared meeting.
    seen = [lv for lv in (levels[0],) if lv != "restricted"] + [levels[2]]
    assert _brief(world, "counsellor", world.party_y).marking == max(seen, key=RANK.get)


def test_trust_says_the_state_of_its_evidence_where_the_snapshot_gives_it(world, computed):
    snapshot = InsightSnapshot.objects.filter(agreement=world.agreement, kind="trust").latest(
        "as_of"
    )
    data = snapshot.data
    x, y = str(world.party_x.uuid), str(world.party_y.uuid)
    for row in data["parties"]:
        if row["party"]["uuid"] == x:
            row.update(trusts_others_state="provisional", trusted_by_others_state="established")
    for pair in data["pairs"]:
        if (pair["truster"]["uuid"], pair["trustee"]["uuid"]) == (x, y):
            pair["state"] = "insufficient"
    InsightSnapshot.objects.filter(pk=snapshot.pk).update(data=data)
    team = _brief(world, "owner", world.party_x)
    assert [w.state for w in team.trust] == ["provisional", "established"]
    assert team.trust[0].state_label == "provisional: little evidence yet"
    assert "provisional: little evidence yet" in team.bottom_line[0]
    # rep_y before meeting X: "X trusts Y" is the pair X → Y.
    rep = _brief(world, "rep_y", world.party_x)
    assert rep.trust[0].label == f"{world.party_x} trusts {world.party_y}"
    assert rep.trust[0].state == "insufficient"
