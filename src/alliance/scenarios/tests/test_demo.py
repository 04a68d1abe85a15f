"""The demo scenario's invariants: its size, its consistency, its story, its determinism, and
what each demo user may see.

The scenario is loaded once for the module inside an outer transaction that is rolled back at
the end, so each test runs in a savepoint over the loaded data and other modules start clean.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from statistics import mean
from typing import Any

import networkx as nx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client

from alliance.accounts import policy
from alliance.accounts.models import AuditEvent
from alliance.core import clock
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    PersonNote,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships.choices import PartyKind, PartyLevel
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    CommitmentDependency,
    CommitmentStatusChange,
    Participation,
    Party,
    Person,
    StrategicObjective,
)
from alliance.risks.models import IndicatorObservation, LocalIndicator, RegulatoryRequirement, Risk
from alliance.scenarios.demo import DEMO_PASSWORD, TODAY, load_demo, scenario_digest
from alliance.scenarios.demo_agreements import YEAR_TWO_STARTS

pytestmark = pytest.mark.django_db


@dataclass
class Loaded:
    digest: str
    output: str


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Loaded]:
    """Load the scenario once for the whole module, then roll it back."""
    # The story's own day: its figures are the ones these tests know.
    with django_db_blocker.unblock(), transaction.atomic(), clock.frozen(TODAY):
        out = io.StringIO()
        call_command("demo_load", stdout=out)
        yield Loaded(digest=scenario_digest(), output=out.getvalue())
        transaction.set_rollback(True)


def _user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


# ----- size ---------------------------------------------------------------------------------


def test_parties_cover_every_kind_with_real_rhythms(demo: Loaded) -> None:
    parties = Party.objects.all()
    assert parties.count() >= 12
    assert set(parties.values_list("kind", flat=True)) == set(PartyKind.values)
    assert all(len(c) == 2 and c.isupper() for c in parties.values_list("country", flat=True))
    field = parties.get(level=PartyLevel.FIELD, kind=PartyKind.MULTINATIONAL)
    assert field.parent.level == PartyLevel.HEADQUARTERS and field.parent.country != "CM"
    assert parties.exclude(working_week="1111100").filter(working_week="1111001").exists()
    assert parties.exclude(holiday_subdivision="").exists()
    assert parties.exclude(fiscal_year_start_month=1).exists()
    assert BlackoutPeriod.objects.filter(reason__icontains="élection").exists()
    assert BlackoutPeriod.objects.filter(reason__icontains="budg").exists()


def test_three_agreements_and_their_volumes(demo: Loaded) -> None:
    assert sorted(Agreement.objects.values_list("kind", flat=True)) == [
        "concession",
        "loan",
        "mou",
    ]
    assert Commitment.objects.count() >= 120
    assert Interaction.objects.count() >= 400
    assert CommitmentDependency.objects.count() >= 20
    assert Commitment.objects.filter(source_interaction__isnull=False).count() >= 40
    assert Commitment.objects.exclude(due_trigger="fixed").exists()
    assert Commitment.objects.exclude(recurrence="none").exists()
    assert Commitment.objects.filter(milestone__isnull=False).count() >= 15
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert {"delivered", "late", "waived", "disputed", "in_progress", "planned"} <= statuses


def test_expectations_on_ten_shared_topics(demo: Loaded) -> None:
    shared = [
        t for t in Topic.objects.all() if t.expectations.values("party").distinct().count() >= 2
    ]
    assert len(shared) >= 10
    re_recorded = Expectation.objects.values("topic", "party").distinct().count()
    assert Expectation.objects.count() > re_recorded  # some positions were recorded again


def test_pulses_answered_from_both_sides(demo: Loaded) -> None:
    pulses = TrustPulse.objects.order_by("opens_on")
    assert pulses.filter(closes_on__lt=TODAY).count() == 3
    assert pulses.filter(opens_on__lte=TODAY, closes_on__gte=TODAY).count() == 1
    for pulse in pulses:
        responses = pulse.responses.select_related("respondent_party", "about_party")
        assert any(not _foreign(r.respondent_party) and _foreign(r.about_party) for r in responses)
        assert any(_foreign(r.respondent_party) and not _foreign(r.about_party) for r in responses)
        assert any(r.respondent_party_id == r.about_party_id for r in responses)  # self-view
        assert all(pulse.opens_on <= r.submitted_on <= pulse.closes_on for r in responses)


def _foreign(party: Party) -> bool:
    """The international side: foreign parties and the contractor's field office."""
    return party.country != "CM" or party.kind == PartyKind.MULTINATIONAL


def test_risks_regulation_local_integration_grievances(demo: Loaded) -> None:
    assert Risk.objects.values("category").distinct().count() >= 7
    assert Risk.objects.filter(commitments__isnull=False).exists()
    requirements = RegulatoryRequirement.objects.all()
    assert requirements.count() >= 8 and not requirements.filter(authority__isnull=True).exists()
    assert set(requirements.values_list("alignment_status", flat=True)) >= {
        "aligned",
        "partial",
        "gap",
    }
    for indicator in LocalIndicator.objects.all():
        assert indicator.observations.count() >= 4
    assert IndicatorObservation.objects.count() >= 30
    grievances = Grievance.objects.all()
    late = [g for g in grievances if g.responded_on and g.responded_on > g.response_due_on]
    overdue = grievances.filter(responded_on__isnull=True, response_due_on__lt=TODAY)
    assert len(late) >= 3 and overdue.count() == 1
    assert StrategicObjective.objects.filter(source="sdg", code__contains="9").exists()
    assert StrategicObjective.objects.filter(source="national_plan").exists()
    assert PersonNote.objects.filter(confidentiality="internal").count() >= 5


def test_texts_are_bilingual(demo: Loaded) -> None:
    for agreement in Agreement.objects.all():
        languages = set(agreement.translations)
        assert {"de"} <= languages and languages & {"en", "fr"}
    for commitment in Commitment.objects.all():
        assert commitment.translations.get("en", {}).get("title") or commitment.translations.get(
            "fr", {}
        ).get("title")
    for interaction in Interaction.objects.all():
        other = "en" if interaction.language == "fr" else "fr"
        assert interaction.translations[other]["summary"]
    languages = set(Interaction.objects.values_list("language", flat=True))
    assert languages == {"fr", "en"}
    assert Interaction.objects.filter(confidentiality="internal").count() >= 10
    assert Interaction.objects.filter(confidentiality="restricted").exists()


# ----- consistency ------------------------------------------------------------------------------


def test_dependency_graph_is_acyclic_and_within_agreements(demo: Loaded) -> None:
    graph = nx.DiGraph()
    links = CommitmentDependency.objects.values_list(
        "prerequisite_id", "commitment_id", "prerequisite__agreement_id", "commitment__agreement_id"
    )
    for prerequisite, commitment, agreement_a, agreement_b in links:
        assert agreement_a == agreement_b
        graph.add_edge(prerequisite, commitment)
    assert nx.is_directed_acyclic_graph(graph)


def test_history_is_consistent(demo: Loaded) -> None:
    changes = defaultdict(list)
    for change in CommitmentStatusChange.objects.order_by("created_at", "id"):
        changes[change.commitment_id].append(change)
    for commitment in Commitment.objects.all():
        created = commitment.created_at.date()
        history = changes[commitment.pk]
        assert history[0].from_status == "" and history[0].happened_on == created
        assert history[-1].to_status == commitment.status
        for before, after in pairwise(history):
            assert after.from_status == before.to_status
            assert before.happened_on <= after.happened_on
        assert all(created <= c.happened_on <= TODAY for c in history)
        if commitment.status == "delivered":
            assert commitment.delivered_on >= created
            last = history[-1]
            assert last.happened_on == commitment.delivered_on and last.evidence.strip()
            assert commitment.evidence.strip()
        if commitment.source_interaction_id:
            assert created == commitment.source_interaction.occurred_on


def test_prerequisites_are_delivered_first(demo: Loaded) -> None:
    for link in CommitmentDependency.objects.select_related("commitment", "prerequisite"):
        if link.commitment.status == "delivered":
            assert link.prerequisite.status in ("delivered", "waived")
            if link.prerequisite.delivered_on:
                assert link.prerequisite.delivered_on <= link.commitment.delivered_on


def test_commitments_are_owed_between_parties_of_their_agreement(demo: Loaded) -> None:
    members = defaultdict(set)
    for agreement_id, party_id in Participation.objects.values_list("agreement_id", "party_id"):
        members[agreement_id].add(party_id)
    for commitment in Commitment.objects.prefetch_related("owed_to"):
        assert commitment.owed_by_id in members[commitment.agreement_id]
        owed_to = {p.pk for p in commitment.owed_to.all()}
        assert owed_to and owed_to <= members[commitment.agreement_id]
        assert commitment.owed_by_id not in owed_to


def test_nothing_happens_after_the_story_today(demo: Loaded) -> None:
    assert not Interaction.objects.filter(occurred_on__gt=TODAY).exists()
    assert not Commitment.objects.filter(delivered_on__gt=TODAY).exists()
    assert not Expectation.objects.filter(recorded_on__gt=TODAY).exists()
    assert not TrustResponse.objects.filter(submitted_on__gt=TODAY).exists()
    assert not Commitment.objects.filter(created_at__date__gt=TODAY).exists()


def test_every_write_is_audited_by_a_demo_user(demo: Loaded) -> None:
    created = AuditEvent.objects.filter(action="create", object_type="partnerships.commitment")
    assert created.count() == Commitment.objects.count()
    # Only answers given through a personal pulse link by someone without an account have no
    # user behind them (the link is the authority).
    anonymous = AuditEvent.objects.filter(actor__isnull=True)
    assert not anonymous.exclude(
        object_type__in=("engagement.trustresponse", "engagement.pulserespondent")
    ).exists()
    assert anonymous.exists()
    delivered_by_reps = AuditEvent.objects.filter(action="status", actor__username="paul")
    assert delivered_by_reps.exists()


# ----- the story --------------------------------------------------------------------------------


def _late_share(delivered: list[Commitment]) -> float:
    return sum(c.delivered_on > c.due_on for c in delivered) / len(delivered)


def test_first_year_is_late_and_tense_second_year_recovers(demo: Loaded) -> None:
    delivered = list(Commitment.objects.filter(status="delivered"))
    year_one = [c for c in delivered if c.delivered_on < YEAR_TWO_STARTS]
    year_two = [c for c in delivered if c.delivered_on >= YEAR_TWO_STARTS]
    assert _late_share(year_one) > 0.5 > _late_share(year_two)
    tones = Interaction.objects.values_list("occurred_on", "tone")
    tone_one = mean(t for d, t in tones if d < YEAR_TWO_STARTS)
    tone_two = mean(t for d, t in tones if d >= YEAR_TWO_STARTS)
    assert tone_one < 0 < tone_two


def test_an_open_round_waits_for_paul_through_his_link(demo: Loaded) -> None:
    from alliance.engagement import pulse_links

    pulse = TrustPulse.objects.get(opens_on__lte=TODAY, closes_on__gte=TODAY)
    sheets = pulse.respondents.select_related("person")
    pending = {s.person.name for s in sheets if s.submitted_at is None}
    assert {"Paul Mbarga", "Julien Moreau", "Anna Weber"} <= pending
    assert sheets.exclude(submitted_at=None).count() >= 3
    paul = sheets.get(person__name="Paul Mbarga")
    assert pulse_links.state_of(paul) == "open"
    assert pulse_links.sheet_by_token(pulse_links.token_for(paul)) == paul
    assert "/pulse/" + pulse_links.token_for(paul) in demo.output


def test_the_open_rounds_invitations_are_dated_on_its_opening_day(demo: Loaded) -> None:
    """The round opened four days before the load day: its people are invited that day (the
    page said "invited on" the load day), and answered on the days they gave their answers."""
    from django.urls import reverse
    from django.utils import formats, timezone, translation

    pulse = TrustPulse.objects.get(opens_on__lte=TODAY, closes_on__gte=TODAY)
    assert pulse.opens_on == TODAY - timedelta(days=4)
    sheets = list(pulse.respondents.all())
    assert {timezone.localtime(s.invited_at).date() for s in sheets} == {pulse.opens_on}
    for sheet in sheets:
        if sheet.submitted_at is not None:
            given = {r.submitted_on for r in pulse.responses.filter(respondent=sheet.person_id)}
            assert given == {timezone.localtime(sheet.submitted_at).date()}
            assert pulse.opens_on < min(given) < TODAY
    client = Client()
    client.force_login(_user("samuel"))
    response = client.get(reverse("pulse_round", args=[pulse.agreement.uuid, pulse.uuid]))
    page = response.content.decode()
    with translation.override(response.headers["Content-Language"]):
        invited = translation.gettext("invited on %(on)s, waiting")
        answered = translation.gettext("answered on %(on)s")
        opened = formats.date_format(pulse.opens_on, "SHORT_DATE_FORMAT")
        today = formats.date_format(TODAY, "SHORT_DATE_FORMAT")
    assert invited % {"on": opened} in page
    assert invited % {"on": today} not in page and answered % {"on": today} not in page


def test_pulse_scores_rise(demo: Loaded) -> None:
    means = []
    for pulse in TrustPulse.objects.filter(closes_on__lt=TODAY).order_by("opens_on"):
        others = pulse.responses.exclude(respondent_party=F("about_party"))
        means.append(mean(_score(r) for r in others))
    assert means == sorted(means) and means[-1] - means[0] > 1


def _score(response: TrustResponse) -> float:
    return mean(
        (
            response.ability,
            response.benevolence,
            response.integrity,
            response.predictability,
            response.communication,
        )
    )


def _spread_at(topic: Topic, day: date) -> float | None:
    """How far apart the parties' latest targets are on ``day`` (values, else dates)."""
    latest: dict[int, Expectation] = {}
    for expectation in topic.expectations.filter(recorded_on__lte=day).order_by("recorded_on"):
        latest[expectation.party_id] = expectation
    values = [float(e.target_value) for e in latest.values() if e.target_value is not None]
    if not values:
        values = [e.target_date.toordinal() for e in latest.values() if e.target_date]
    return max(values) - min(values) if len(values) >= 2 else None


def test_expectations_diverge_then_converge(demo: Loaded) -> None:
    narrowed = widened = 0
    before_the_retreat = date(2025, 10, 31)
    for topic in Topic.objects.all():
        before, after = _spread_at(topic, before_the_retreat), _spread_at(topic, TODAY)
        if before is None or after is None:
            continue
        assert before > 0  # year one: the parties disagree
        narrowed += after < before
        widened += after > before
    assert narrowed >= 6 and narrowed > widened


# ----- determinism and idempotence ------------------------------------------------------------


def _wipe() -> None:
    # The audit trail stays: it is append-only (PostgreSQL refuses to delete its rows).
    Agreement.objects.all().delete()
    Person.objects.all().delete()
    BlackoutPeriod.objects.all().delete()
    Party.objects.filter(parent__isnull=False).delete()
    Party.objects.all().delete()
    get_user_model().objects.all().delete()


def test_loading_again_into_an_empty_database_tells_the_same_story(demo: Loaded) -> None:
    _wipe()
    assert not Commitment.objects.exists()
    load_demo()
    assert scenario_digest() == demo.digest


def _dated() -> dict[str, list[tuple]]:
    """Every date of the main tables (comparable across two loads once sorted)."""
    users = get_user_model().objects.exclude(username="alliance-insights")
    return {
        "commitments": list(
            Commitment.objects.values_list("due_on", "delivered_on", "start_on", "created_at")
        ),
        "interactions": list(Interaction.objects.values_list("occurred_on", "created_at")),
        "expectations": list(Expectation.objects.values_list("recorded_on", "target_date")),
        "observations": list(IndicatorObservation.objects.values_list("observed_on", "value")),
        "grievances": list(Grievance.objects.values_list("received_on", "response_due_on")),
        "changes": list(CommitmentStatusChange.objects.values_list("happened_on", "to_status")),
        "users": list(users.values_list("date_joined", "username")),
    }


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row))


def _moved(rows: list[tuple], days: int) -> list[tuple]:
    delta = timedelta(days=days)
    return [tuple(v + delta if isinstance(v, date) else v for v in row) for row in rows]


def test_loaded_on_another_day_the_same_story_moves_by_whole_days(demo: Loaded) -> None:
    before = _dated()
    due = Commitment.objects.get(title__startswith="Inscrire la contrepartie nationale 2026")
    audit_after = AuditEvent.objects.filter(object_id=str(due.uuid), action="create").get().after
    _wipe()
    later = TODAY + timedelta(days=17)
    with clock.frozen(later):
        load_demo()
    for name, rows in _dated().items():
        assert _sorted(rows) == _sorted(_moved(before[name], 17)), name
    assert not Interaction.objects.filter(occurred_on__gt=later).exists()
    assert Interaction.objects.filter(occurred_on__gt=later - timedelta(days=7)).exists()
    moved = Commitment.objects.get(title__startswith="Inscrire la contrepartie nationale 2026")
    assert moved.due_on == due.due_on + timedelta(days=17)
    # The audit trail quotes the moved dates; its own stamps are the real moment of loading.
    event = AuditEvent.objects.filter(object_id=str(moved.uuid), action="create").get()
    assert event.after["due_on"] == moved.due_on.isoformat() != audit_after["due_on"]
    assert event.at.date() >= date.today() - timedelta(days=1)


def test_demo_load_twice_creates_nothing(demo: Loaded) -> None:
    before = (Commitment.objects.count(), Interaction.objects.count(), AuditEvent.objects.count())
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    assert "already loaded" in out.getvalue()
    assert "queued" not in out.getvalue()  # the insights are of the day
    after = (Commitment.objects.count(), Interaction.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_a_demo_loaded_days_ago_queues_the_insights_of_the_day(demo: Loaded) -> None:
    from django_tasks_db.models import DBTaskResult

    out = io.StringIO()
    with clock.frozen(TODAY + timedelta(days=3)):
        call_command("demo_load", stdout=out)
    assert "queued for the task worker (3 agreements)" in out.getvalue()
    queued = DBTaskResult.objects.filter(task_path__endswith="recompute_agreement")
    assert queued.count() == 3


def test_demo_load_prints_the_accounts(demo: Loaded) -> None:
    for username in ("claire", "samuel", "ines", "paul", "julien", "anna", "elise", "guest"):
        assert username in demo.output
    assert DEMO_PASSWORD in demo.output


# ----- who sees what ------------------------------------------------------------------------


def test_demo_users_log_in_and_see_their_agreements(demo: Loaded) -> None:
    expected = {
        "admin": {"concession", "loan", "mou"},
        "claire": {"concession", "loan", "mou"},
        "samuel": {"concession", "loan", "mou"},
        "ines": {"concession"},
        "paul": {"concession", "loan", "mou"},
        "julien": {"concession", "mou"},
        "anna": {"concession", "loan"},
        "elise": {"concession"},
        "guest": set(),
    }
    for username, kinds in expected.items():
        client = Client()
        assert client.login(username=username, password=DEMO_PASSWORD), username
        visible = set(policy.agreements_visible_to(_user(username)).values_list("kind", flat=True))
        assert visible == kinds, username


def test_portfolio_page_lists_the_agreements(demo: Loaded) -> None:
    client = Client()
    client.force_login(_user("anna"))
    page = client.get("/", headers={"accept-language": "en"})
    assert page.status_code == 200
    text = page.content.decode()
    for agreement in policy.agreements_visible_to(_user("anna")):
        assert agreement.reference in text
    assert "PA-CL-2025-001" not in text  # the memorandum: ERM is not a party to it


def test_representatives_see_only_agreements_of_their_party(demo: Loaded) -> None:
    for username in ("paul", "julien", "anna"):
        user = _user(username)
        party = Person.objects.get(user=user).party
        for agreement in policy.agreements_visible_to(user):
            assert agreement.participations.filter(party=party).exists()
        hidden = Agreement.objects.exclude(participations__party=party)
        assert not policy.agreements_visible_to(user).filter(pk__in=hidden).exists()


def test_representatives_and_viewers_never_see_internal_notes(demo: Loaded) -> None:
    for username in ("paul", "julien", "anna", "elise"):
        user = _user(username)
        interactions = policy.interactions_visible_to(user)
        assert interactions.exists()
        assert not interactions.exclude(confidentiality="shared").exists(), username
        assert not policy.person_notes_visible_to(user).exists(), username
    team = policy.interactions_visible_to(_user("ines"))
    assert team.filter(confidentiality="internal").exists()
    assert not team.filter(confidentiality="restricted").exists()


def test_restricted_items_reach_only_their_named_users(demo: Loaded) -> None:
    for item in Interaction.objects.filter(confidentiality="restricted"):
        names = set(item.restricted_to.values_list("username", flat=True))
        assert names == {"claire", "samuel"}
    assert (
        policy.person_notes_visible_to(_user("claire"))
        .filter(confidentiality="restricted")
        .exists()
    )
    guest = _user("guest")
    assert not policy.interactions_visible_to(guest).exists()
    assert not policy.commitments_visible_to(guest).exists()
