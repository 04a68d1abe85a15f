"""The three-answer rule: outside the counsellor team, pulse answers are read only as
aggregates of at least three respondents per cell — on the trust page, in the trust "why?"
(the snapshot every member reads) — while the team sees every answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from alliance.accounts import policy
from alliance.analytics import results
from alliance.analytics.services import insights_recompute
from alliance.core import clock
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.testing import tally
from alliance.web import selectors

DAY = date(2026, 11, 20)


def _answers(w):
    """Three people of X rate Y (4, 5, 6 → mean 5.0); one person of Y rates X (2.0)."""
    pulse = es.trust_pulse_open(
        actor=w.owner,
        agreement=w.agreement,
        title="Round",
        opens_on=DAY - timedelta(days=20),
        closes_on=DAY - timedelta(days=5),
    )
    people = [w.person_x] + [
        ps.person_create(actor=w.admin, party=w.party_x, name=f"X person {i}") for i in (2, 3)
    ]
    for person, score in zip(people, (4, 5, 6), strict=True):
        es.trust_response_submit(
            actor=w.owner, pulse=pulse, respondent=person, about_party=w.party_y,
            submitted_on=DAY - timedelta(days=10),
            **dict.fromkeys(("ability", "benevolence", "integrity", "predictability",
                             "communication"), score),
        )  # fmt: skip
    es.trust_response_submit(
        actor=w.owner, pulse=pulse, respondent=w.person_y, about_party=w.party_x,
        submitted_on=DAY - timedelta(days=10),
        **dict.fromkeys(("ability", "benevolence", "integrity", "predictability",
                         "communication"), 2),
    )  # fmt: skip
    return pulse


def _cell(averages, a, b):
    for row_party, cells in averages["matrix"]:
        if row_party == a:
            return next(c for c in cells if c is not None and c.about_party == b)
    raise AssertionError


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "role", "small_cell_shown"),
    [
        ("counsellor", "counsellor", True),
        ("owner", "owner", True),
        ("rep_x", "party_rep", False),
        ("rep_y", "party_rep", False),
        ("viewer", "viewer", False),
    ],
)
def test_small_cells_are_held_back_outside_the_team(world, actor, role, small_cell_shown):
    w = world
    with clock.frozen(DAY):
        _answers(w)
        user = getattr(w, actor)
        averages = selectors.trust_pulse_averages(user, w.agreement)
        big = _cell(averages, w.party_x, w.party_y)
        small = _cell(averages, w.party_y, w.party_x)
        assert big.mean == 5.0 and big.respondents == 3
        assert small.respondents == 1
        assert (small.mean == 2.0) if small_cell_shown else (small.mean is None)
        client = Client()
        client.force_login(user)
        page = client.get(reverse("agreement_trust", args=[w.agreement.uuid])).content.decode()
        tally("pulse.role")
        assert "5.0" in page
        if not small_cell_shown:
            assert "1 answer: too few to show" in page
            assert "a mean is shown only where at least 3 people answered" in page


@pytest.mark.django_db
def test_a_representative_reads_only_their_own_answers(world):
    """rep_x answered in person (as the person linked to their account): they read that
    answer and may change it; their colleagues' answers (Awa Diop and two more of X) and
    Y's are never theirs, one by one. rep_y and the viewer read none; the team every one."""
    w = world
    with clock.frozen(DAY):
        pulse = _answers(w)
        me = ps.person_create(actor=w.admin, party=w.party_x, name="Rep X", user=w.rep_x)
        mine = es.trust_response_submit(
            actor=w.rep_x, pulse=pulse, respondent=me, about_party=w.party_y,
            submitted_on=DAY - timedelta(days=9),
            **dict.fromkeys(("ability", "benevolence", "integrity", "predictability",
                             "communication"), 7),
        )  # fmt: skip
    assert list(policy.trust_responses_visible_to(w.rep_x)) == [mine]
    tally("pulse.role", 3)  # rep_x's, rep_y's and the viewer's answers, read through the policy
    assert not policy.trust_responses_visible_to(w.rep_y).exists()
    assert not policy.trust_responses_visible_to(w.viewer).exists()
    assert policy.trust_responses_visible_to(w.counsellor).count() == 5
    colleague = pulse.responses.get(respondent=w.person_x)
    assert policy.can_change(w.rep_x, mine)
    assert not policy.can_change(w.rep_x, colleague)
    # Answering for a colleague is refused too: they answer through their own link.
    with pytest.raises(PermissionDenied):
        es.trust_response_submit(
            actor=w.rep_x, pulse=pulse, respondent=w.person_x, about_party=w.party_x,
            submitted_on=DAY - timedelta(days=9),
            **dict.fromkeys(("ability", "benevolence", "integrity", "predictability",
                             "communication"), 4),
        )  # fmt: skip
    # Who of their party answered, never what; nothing of the other party's people.
    answerers = policy.pulse_answerers_visible_to(w.rep_x)
    assert {r["respondent_party_id"] for r in answerers} == {w.party_x.pk}
    fields = {"pulse_id", "respondent_id", "respondent__name", "respondent_party_id"}
    assert set(answerers.first()) == fields


@pytest.mark.django_db
def test_a_representative_sees_who_of_their_party_answered_not_what(world):
    w = world
    with clock.frozen(DAY):
        pulse = _answers(w)
        late = ps.person_create(
            actor=w.admin, party=w.party_x, name="Moussa Faye", email="moussa@x.example"
        )
        ps.person_create(actor=w.admin, party=w.party_y, name="Claire Petit")
        es.pulse_respondent_add(actor=w.owner, pulse=pulse, person=late, language="fr")
        client = Client()
        client.force_login(w.rep_x)
        response = client.get(reverse("agreement_trust", args=[w.agreement.uuid]))
    html = response.content.decode()
    (own,) = response.context["own_rounds"]
    people = {p["name"]: p["answered"] for p in own["people"]}
    assert people == {
        "Awa Diop": True, "X person 2": True, "X person 3": True, "Moussa Faye": False
    }  # fmt: skip
    assert "Your party in the pulse rounds" in html and "Moussa Faye — <strong>not yet" in html
    assert "Jean Martin" not in html and "Claire Petit" not in html  # the other party's people
    for actor in ("rep_y", "viewer", "counsellor"):
        client.force_login(getattr(w, actor))
        page = client.get(reverse("agreement_trust", args=[w.agreement.uuid]))
        assert "Moussa Faye" not in page.content.decode() or actor == "counsellor"
        assert not page.context["own_rounds"] or actor == "rep_y"


@pytest.mark.django_db
def test_the_why_withholds_the_points_of_fewer_than_three_answers(world):
    w = world
    with clock.frozen(DAY):
        _answers(w)
        insights_recompute(actor=None, agreement=w.agreement, as_of=DAY)
    assert results.MIN_RESPONDENTS == policy.MIN_ANSWERS_PER_CELL == 3
    snapshot = w.agreement.insight_snapshots.get(kind="trust", as_of=DAY)
    pairs = {(p["truster"]["uuid"], p["trustee"]["uuid"]): p for p in snapshot.data["pairs"]}
    small = pairs[(str(w.party_y.uuid), str(w.party_x.uuid))]
    big = pairs[(str(w.party_x.uuid), str(w.party_y.uuid))]
    small_lines = [c for c in small["evidence"]["contributions"] if c["event_kind"] == "pulse"]
    big_lines = [c for c in big["evidence"]["contributions"] if c["event_kind"] == "pulse"]
    assert small_lines and all(c["contribution"] is None for c in small_lines)
    assert small["perception"]["general"] is None
    assert big_lines and all(c["contribution"] is not None for c in big_lines)
    assert big["perception"]["general"] == pytest.approx(5.0)
    for actor in (w.viewer, w.rep_x, w.counsellor):
        client = Client()
        client.force_login(actor)
        why = client.get(
            reverse("trust_why", args=[w.agreement.uuid])
            + f"?truster={w.party_y.uuid}&trustee={w.party_x.uuid}"
        )
        tally("pulse.role")
        assert why.status_code == 200
        assert "not shown (fewer than 3 answers)" in why.content.decode()
