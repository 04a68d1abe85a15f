"""The scale generator: the shapes, the constraints, determinism, appending, access."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from alliance.accounts.models import AuditEvent, Membership
from alliance.accounts.policy import agreements_visible_to
from alliance.engagement.models import Interaction
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    CommitmentDependency,
    CommitmentStatusChange,
    Participation,
    Party,
)
from alliance.scenarios import generator
from alliance.scenarios import generator_vocabulary as V
from alliance.scenarios.generator_tables import ALL_TABLES

pytestmark = pytest.mark.django_db

AGREEMENTS = 3
# Per agreement, from the generator's draws; the bounds are what it promises.
PER_AGREEMENT = {
    "partnerships_participation": (8, 12),
    "partnerships_milestone": (4, 6),
    "partnerships_commitment": (40, 60),
    "partnerships_commitment_owed_to": (40, 120),
    "partnerships_commitmentstatuschange": (40, 180),
    "engagement_interaction": (80, 120),
    "engagement_interaction_parties": (160, 480),
    "engagement_topic": (3, 5),
    "engagement_expectation": (6, 40),
    "engagement_trustpulse": (1, 3),
    "engagement_trustresponse": (8, 54),
    "risks_risk": (3, 5),
    "risks_regulatoryrequirement": (2, 3),
    "risks_localindicator": (2, 4),
    "engagement_grievance": (1, 5),
    "partnerships_strategicobjective": (1, 2),
}


def _generate(seed: int, agreements: int = AGREEMENTS, **options) -> generator.GenerationResult:
    return generator.generate(agreements=agreements, seed=seed, **options)


def _digest(seed: int) -> list[tuple]:
    commitments = Commitment.objects.filter(agreement__reference__startswith=f"GEN{seed}-")
    return sorted(
        (c.agreement.reference, c.title, c.due_on, c.status, str(c.uuid))
        for c in commitments.select_related("agreement")
    )


def _encrypted_digest(seed: int) -> list[tuple]:
    """The encrypted texts as the product reads them, and a check that COPY stored tokens."""
    from alliance.engagement.models import Grievance, Interaction
    from alliance.risks.models import EarlyWarning

    mine = {"agreement__reference__startswith": f"GEN{seed}-"}
    rows = [
        *(
            (str(i.uuid), i.summary, repr(i.translations))
            for i in Interaction.objects.filter(**mine)
        ),
        *((str(g.uuid), g.complainant) for g in Grievance.objects.filter(**mine)),
        *(
            (str(w.uuid), w.explanation, repr(w.evidence))
            for w in EarlyWarning.objects.filter(**mine)
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM engagement_interaction")
        assert all(value.startswith("fernet:") for (value,) in cursor.fetchall())
    return sorted(rows)


def _has_cycle(edges: list[tuple[int, int]]) -> bool:
    graph: dict[int, list[int]] = defaultdict(list)
    for commitment, prerequisite in edges:
        graph[commitment].append(prerequisite)
    state: dict[int, int] = {}  # 1 on the path, 2 done

    def visit(node: int) -> bool:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1 or (nxt not in state and visit(nxt)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(graph))


def test_counts_per_table_are_in_the_expected_ranges():
    result = _generate(seed=7)
    assert Agreement.objects.count() == AGREEMENTS
    assert result.rows["partnerships_agreement"] == AGREEMENTS
    assert Party.objects.count() == result.rows["partnerships_party"] == 20
    for table, (low, high) in PER_AGREEMENT.items():
        assert low * AGREEMENTS <= result.rows[table] <= high * AGREEMENTS, table
    # What the result reports is what the database holds.
    assert Interaction.objects.count() == result.rows["engagement_interaction"]
    assert (
        Commitment.owed_to.through.objects.count() == result.rows["partnerships_commitment_owed_to"]
    )
    # Synthetic data writes no audit trail (see the module docstring).
    assert not AuditEvent.objects.exists()


def test_dependency_graph_is_acyclic_and_within_one_agreement():
    _generate(seed=7)
    links = CommitmentDependency.objects.values_list(
        "commitment_id", "prerequisite_id", "commitment__agreement_id", "prerequisite__agreement_id"
    )
    assert links
    assert all(a == b for _, _, a, b in links)
    assert not _has_cycle([(c, p) for c, p, _, _ in links])
    # Prerequisites are due no later than what depends on them.
    for link in CommitmentDependency.objects.select_related("commitment", "prerequisite"):
        assert link.prerequisite.due_on <= link.commitment.due_on


def test_data_respects_the_domain_rules():
    _generate(seed=7, as_of=date(2026, 9, 30))
    for c in Commitment.objects.select_related("milestone"):
        assert c.duration_optimistic <= c.duration_likely <= c.duration_pessimistic
        assert c.start_on <= c.due_on
        if c.status == "delivered":
            assert c.created_at.date() <= c.delivered_on <= date(2026, 9, 30)
        c.clean()  # the model's own rules agree (full_clean queries every unique field)
    pairs = Participation.objects.values_list("agreement_id", "party_id")
    assert len(pairs) == len(set(pairs))
    for interaction in Interaction.objects.filter(confidentiality="restricted"):
        assert interaction.restricted_to.exists()  # someone may read it
    # The history ends in the current status and never goes back in time.
    history = defaultdict(list)
    for change in CommitmentStatusChange.objects.order_by("commitment_id", "created_at", "id"):
        history[change.commitment_id].append(change)
    for commitment in Commitment.objects.all():
        steps = history[commitment.pk]
        assert steps[0].from_status == "" and steps[-1].to_status == commitment.status
        assert [s.happened_on for s in steps] == sorted(s.happened_on for s in steps)
        assert steps[0].happened_on == commitment.created_at.date()
        assert steps[0].created_at == commitment.created_at


def test_every_value_is_one_of_the_models_choices():
    _generate(seed=7)
    for table in ALL_TABLES:
        fields = [f for f in table.model._meta.concrete_fields if f.choices]
        for f in fields:
            allowed = {value for value, _ in f.flatchoices} | ({""} if f.blank else set())
            used = set(table.model._default_manager.values_list(f.attname, flat=True))
            assert used <= allowed, (table.name, f.name, used - allowed)
    assert set(V.PARTY_KINDS) == {v for v, _ in Party._meta.get_field("kind").flatchoices}


def test_same_seed_gives_the_same_data():
    with transaction.atomic():
        _generate(seed=7)
        first = _digest(7)
        transaction.set_rollback(True)  # back to an empty database
    assert not Agreement.objects.exists()
    _generate(seed=7, chunk_size=2)  # the chunk size changes nothing
    assert _digest(7) == first
    assert len(first) >= 40 * AGREEMENTS


def test_another_seed_appends_and_the_same_seed_is_refused():
    _generate(seed=7)
    _generate(seed=8, agreements=2)
    assert Agreement.objects.count() == AGREEMENTS + 2
    assert _digest(7) != _digest(8)
    with pytest.raises(generator.GeneratorError, match="--seed 7 was already generated"):
        _generate(seed=7)
    assert Agreement.objects.count() == AGREEMENTS + 2


def test_generated_owner_sees_every_generated_agreement():
    _generate(seed=7)
    _generate(seed=8, agreements=2)
    users = get_user_model().objects
    owner = users.get(username="gen-owner")
    assert agreements_visible_to(owner).count() == AGREEMENTS + 2
    assert owner.check_password(generator.GENERATED_PASSWORD)
    # Party representatives are bound to a party of each agreement they are member of.
    for m in Membership.objects.filter(role="party_rep"):
        assert Participation.objects.filter(agreement=m.agreement, party=m.party).exists()
    roles = Counter(Membership.objects.values_list("user__username", flat=True))
    assert roles["gen-counsellor"] == AGREEMENTS + 2


def test_a_firms_staff_each_see_their_slice_of_the_portfolio():
    _generate(seed=7, agreements=12, counsellors=4, representatives=6)
    users = get_user_model().objects
    for k in range(1, 5):
        counsellor = users.get(username=f"gen-counsellor-{k}")
        assert agreements_visible_to(counsellor).count() == 3  # 12 agreements, 4 in turn
    for k in range(1, 7):
        rep = users.get(username=f"gen-representative-{k}")
        assert agreements_visible_to(rep).count() == 4  # 2 per agreement, 24 over 6
        for m in rep.memberships.all():
            assert m.role == "party_rep"
            assert Participation.objects.filter(agreement=m.agreement, party=m.party).exists()
    # A second run reuses the same people rather than adding more.
    _generate(seed=8, agreements=1, counsellors=4, representatives=6)
    assert users.filter(username__startswith="gen-representative-").count() == 6


def test_negative_staff_is_refused_before_writing():
    with pytest.raises(generator.GeneratorError, match="--counsellors"):
        _generate(seed=7, counsellors=-1)
    assert not Party.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_copy_and_orm_write_the_same_data():
    with transaction.atomic():
        _generate(seed=7, method="orm")
        by_orm = _digest(7), _encrypted_digest(7)
        transaction.set_rollback(True)
    _generate(seed=7, method="copy")
    assert (_digest(7), _encrypted_digest(7)) == by_orm


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"agreements": 0}, "--agreements must be between 1 and 10,000, not 0"),
        ({"agreements": 10_001}, "--agreements must be between 1 and 10,000, not 10001"),
        ({"agreements": 1, "seed": -1}, "--seed must be zero or a positive number"),
        ({"agreements": 1, "chunk_size": 0}, "--chunk-size must be at least 1"),
        ({"agreements": 1, "as_of": "yesterday"}, "--as-of must be a date"),
        ({"agreements": 1, "parties": 1}, "--parties must be between 2 and 500, not 1"),
        ({"agreements": 1, "history_days": 10}, "--history-days must be between 30 and"),
        ({"agreements": 1, "commitments": 0}, "--commitments must be between 1 and 100,000"),
    ],
)
def test_command_refuses_bad_arguments_and_writes_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", verbosity=0, **options)
    assert not Party.objects.exists()


def test_command_writes_progress_to_stderr(capsys):
    call_command("generate", agreements=1, seed=3)
    err = capsys.readouterr().err
    assert "chunk 1/1" in err and "rows/s" in err and "gen-owner" in err
    call_command("generate", agreements=1, seed=4, verbosity=0)
    assert capsys.readouterr().err == ""


def test_command_sizes_the_agreement_and_each_party_owes_to_three_counterparts():
    call_command(
        "generate", agreements=1, seed=5, parties=15, history_days=365, commitments=90,
        plan_days=200, verbosity=0,
    )  # fmt: skip
    agreement = Agreement.objects.get(reference="GEN5-00001")
    assert Participation.objects.filter(agreement=agreement).count() == 15
    commitments = Commitment.objects.filter(agreement=agreement)
    assert commitments.count() == 90
    assert (date(2026, 9, 30) - agreement.signed_on).days == 365
    planned = commitments.filter(source_interaction__isnull=True)  # not agreed in a meeting
    assert all((c.start_on - agreement.signed_on).days <= 200 for c in planned)
    owed_to = defaultdict(set)
    for c in commitments.prefetch_related("owed_to"):
        owed_to[c.owed_by_id] |= {p.pk for p in c.owed_to.all()}
    assert owed_to and all(
        1 <= len(parties) <= generator.COUNTERPARTS for parties in owed_to.values()
    )
