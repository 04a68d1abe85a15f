"""The batch path of imports: ``save_new_many`` writes the same rows and audit events as
``save_new`` one by one, and a bad row in a batch still refuses the whole import with its
row, column and reason, writing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.accounts.models import AuditEvent
from alliance.core.encryption import unseal
from alliance.interchange import tabular
from alliance.interchange.tests.helpers import load, row_counts, write
from alliance.partnerships import services as ps
from alliance.partnerships.models import Commitment, Milestone, Participation, Party
from alliance.testing import build_world

IGNORED = {"uuid", "created_at", "name", "title", "party", "id"}


@pytest.fixture
def world(db):
    return build_world()


def _event(event: AuditEvent) -> dict[str, Any]:
    """An audit event without what differs between two objects of the same data (two
    encryptions of one text differ: their texts are compared)."""
    after = {k: unseal(v) for k, v in event.after.items() if k not in IGNORED}
    return {
        "type": event.object_type,
        "action": event.action,
        "agreement": event.agreement_id,
        "actor": event.actor_id,
        "before": event.before,
        "after": after,
    }


def _last_event(obj: Any) -> AuditEvent:
    return AuditEvent.objects.filter(object_id=str(obj.uuid)).get()


def test_party_batch_writes_what_one_by_one_writes(world):
    fields = {"kind": "ngo", "country": "SN", "decision_cycle_days": 12, "short_name": "S"}
    one = ps.party_create(actor=world.owner, name="One by one", **fields)
    [many] = ps.party_create_many(actor=world.owner, items=[{"name": "In a batch", **fields}])
    many.refresh_from_db()
    for field in ("kind", "country", "decision_cycle_days", "short_name", "approval_steps"):
        assert getattr(many, field) == getattr(one, field)
    assert _event(_last_event(many)) == _event(_last_event(one))


def test_scoped_batch_writes_what_one_by_one_writes(world):
    agreement = world.agreement
    one = ps.milestone_create(
        actor=world.owner, agreement=agreement, title="One", due_on=agreement.signed_on
    )
    [many] = ps.milestone_create_many(
        actor=world.owner,
        items=[{"agreement": agreement, "title": "Many", "due_on": agreement.signed_on}],
    )
    assert _event(_last_event(many)) == _event(_last_event(one))
    assert _last_event(many).agreement_id == agreement.pk


def test_batch_refuses_a_duplicate_unique_value_and_writes_nothing(world):
    before = row_counts()
    items = [{"name": f"Dup {i % 2}", "kind": "ngo", "country": "SN"} for i in range(3)]
    with pytest.raises(Exception, match="name"):
        ps.party_create_many(actor=world.owner, items=items)
    assert row_counts() == before


def test_batch_checks_the_permission(world):
    stranger = world.rep_x  # a party representative does not add participations
    party = Party.objects.filter(participations__agreement=world.agreement).first()
    item = {"agreement": world.agreement, "party": party, "role": "observer"}
    before = Participation.objects.count()
    with pytest.raises(PermissionDenied):
        ps.participation_add_many(actor=stranger, items=[item])
    assert Participation.objects.count() == before


def _parties_csv(rows: int, bad: int | None = None) -> str:
    lines = ["name,kind,country,decision_cycle_days"]
    for i in range(rows):
        days = 400 if i == bad else 10
        lines.append(f"Batch org {i},ngo,SN,{days}")
    return "\n".join(lines) + "\n"


def test_import_in_batches_creates_every_row_and_audits_each(world, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "BATCH_SIZE", 7)
    report = load(write(tmp_path, "parties.csv", _parties_csv(30)), world.owner)
    assert report.committed, report.lines()
    assert report.counts["parties"]["created"] == 30
    made = Party.objects.filter(name__startswith="Batch org ")
    assert made.count() == 30
    uuids = {str(u) for u in made.values_list("uuid", flat=True)}
    events = AuditEvent.objects.filter(object_id__in=uuids, action="create")
    assert events.count() == 30
    again = load(write(tmp_path, "parties.csv", _parties_csv(30)), world.owner)
    assert again.counts["parties"]["unchanged"] == 30


def test_a_bad_row_in_a_batch_refuses_the_import_with_its_place(world, tmp_path, monkeypatch):
    monkeypatch.setattr(tabular, "BATCH_SIZE", 10)
    before = row_counts()
    report = load(write(tmp_path, "parties.csv", _parties_csv(25, bad=13)), world.owner)
    assert not report.committed
    assert [(e.row, e.column) for e in report.errors] == [(15, "decision_cycle_days")]
    assert row_counts() == before


def test_a_row_naming_an_object_of_the_pending_batch_is_written_after_it(world, tmp_path):
    text = "name,kind,country,parent\nMother org,ngo,SN,\nDaughter org,ngo,SN,Mother org\n"
    report = load(write(tmp_path, "parties.csv", text), world.owner)
    assert report.committed, report.lines()
    assert Party.objects.get(name="Daughter org").parent.name == "Mother org"


def test_milestones_sheet_in_batches(world, tmp_path):
    title = world.agreement.reference or world.agreement.title
    lines = ["agreement,title,due_on"] + [f"{title},Step {i},2026-01-{i + 1:02d}" for i in range(9)]
    report = load(write(tmp_path, "milestones.csv", "\n".join(lines) + "\n"), world.owner)
    assert report.committed, report.lines()
    assert Milestone.objects.filter(title__startswith="Step ").count() == 9


def _commitment_fields(world: Any, title: str) -> dict[str, Any]:
    return {
        "agreement": world.agreement,
        "owed_by": world.party_x,
        "owed_to": [world.party_y],
        "title": title,
        "category": "regulatory",
        "due_on": world.agreement.signed_on,
        "duration_optimistic": 10,
        "duration_likely": 20,
        "duration_pessimistic": 40,
    }


def test_commitment_batch_writes_what_one_by_one_writes(world):
    one = ps.commitment_create(actor=world.owner, **_commitment_fields(world, "One"))
    [many] = ps.commitment_create_many(actor=world.owner, items=[_commitment_fields(world, "Many")])
    assert _event(_last_event(many)) == _event(_last_event(one))
    assert _last_event(many).after["owed_to"] == [str(world.party_y.pk)]
    assert list(many.owed_to.all()) == [world.party_y]
    first = many.status_changes.get()
    assert (first.from_status, first.to_status) == ("", many.status)


def test_commitment_batch_refuses_a_stranger_party_and_writes_nothing(world):
    stranger = ps.party_create(actor=world.owner, name="Stranger", kind="ngo", country="SN")
    items = [_commitment_fields(world, "Good"), _commitment_fields(world, "Bad")]
    items[1]["owed_to"] = [stranger]
    before = row_counts()
    with pytest.raises(ValidationError):
        ps.commitment_create_many(actor=world.owner, items=items)
    assert row_counts() == before


def test_standards_import_falls_back_to_one_by_one(world, monkeypatch):
    """When the batch is refused, each commitment is retried alone: same result."""
    from alliance.interchange.tests.helpers import DATA

    path = DATA / "oc4ids" / "example-fictional-m75.json"

    def refuse(**_kwargs: Any) -> None:
        raise ValidationError("refused")

    monkeypatch.setattr(ps, "commitment_create_many", refuse)
    report = load(path, world.owner)
    assert report.committed, report.lines()
    assert Commitment.objects.filter(title="Grant disbursement").exists()


def _milestones_csv(title: str, start: int, count: int) -> str:
    lines = [f"{title},Step {i},2026-02-{1 + i % 28:02d}" for i in range(start, start + count)]
    return "agreement,title,due_on\n" + "\n".join(lines) + "\n"


def test_finding_existing_rows_costs_the_same_however_many_exist(world, tmp_path):
    """Matching a batch by natural key reads only the keys asked for: the queries of an
    import do not grow with the rows already in the agreement (they once fetched every
    milestone of the agreement, and its agreement, for each batch)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    title = world.agreement.title

    def queries(start: int) -> int:
        path = write(tmp_path, "milestones.csv", _milestones_csv(title, start, 40))
        with CaptureQueriesContext(connection) as captured:
            report = load(path, world.owner, entity="milestones")
        assert report.committed and report.counts["milestones"]["created"] == 40
        return len(captured)

    first = queries(0)
    more = load(
        write(tmp_path, "more.csv", _milestones_csv(title, 40, 400)),
        world.owner,
        entity="milestones",
    )
    assert more.counts["milestones"]["created"] == 400, more.lines()
    assert queries(1000) == first
    again = load(
        write(tmp_path, "same.csv", _milestones_csv(title, 0, 40)), world.owner, entity="milestones"
    )
    assert again.counts["milestones"]["unchanged"] == 40, again.lines()


def _interaction_fields(world: Any, summary: str, **extra: Any) -> dict[str, Any]:
    return {
        "agreement": world.agreement,
        "kind": "meeting",
        "occurred_on": world.agreement.signed_on,
        "parties": [world.party_x, world.party_y],
        "people": [world.person_x],
        "summary": summary,
        "tone": 1,
        **extra,
    }


def test_interaction_batch_writes_what_one_by_one_writes(world):
    from alliance.engagement import services as es

    one = es.interaction_log(actor=world.owner, **_interaction_fields(world, "Site visit"))
    items = [_interaction_fields(world, "Site visit")]
    [many] = es.interaction_log_many(actor=world.owner, items=items)
    assert _event(_last_event(many)) == _event(_last_event(one))
    assert set(many.parties.all()) == {world.party_x, world.party_y}
    assert list(many.people.all()) == [world.person_x]
    assert many.logged_by == world.owner


def test_a_restricted_interaction_in_a_batch_names_its_author(world):
    from alliance.engagement import services as es

    fields = _interaction_fields(world, "Quiet", confidentiality="restricted")
    [quiet] = es.interaction_log_many(actor=world.counsellor, items=[fields])
    assert list(quiet.restricted_to.all()) == [world.counsellor]


def test_interaction_batch_refuses_a_stranger_party_and_writes_nothing(world):
    from alliance.engagement import services as es

    items = [_interaction_fields(world, "Good"), _interaction_fields(world, "Bad")]
    items[1]["parties"] = [world.party_z]  # takes part in another agreement only
    before = row_counts()
    with pytest.raises(ValidationError, match="Only parties to the agreement"):
        es.interaction_log_many(actor=world.owner, items=items)
    assert row_counts() == before


def test_expectation_batch_refuses_a_stranger_party(world):
    from alliance.engagement import services as es

    topic = es.topic_create(actor=world.owner, agreement=world.agreement, name="Land")
    item = {
        "topic": topic,
        "party": world.party_z,
        "statement": "Fast",
        "recorded_on": topic.created_at.date(),
    }
    with pytest.raises(ValidationError, match="does not take part"):
        es.expectation_record_many(actor=world.owner, items=[item])


def test_risk_batch_links_its_commitments(world):
    from alliance.risks import services as rs

    commitment = ps.commitment_create(actor=world.owner, **_commitment_fields(world, "Land"))
    item = {"agreement": world.agreement, "title": "Land not freed", "likelihood": 3, "impact": 4,
            "category": "political", "rating": "high",
            "commitments": [commitment]}  # fmt: skip
    [risk] = rs.risk_create_many(actor=world.owner, items=[item])
    assert list(risk.commitments.all()) == [commitment]
    assert _last_event(risk).after["commitments"] == [str(commitment.pk)]


def test_batch_naming_an_existing_party_is_refused_by_the_database(world):
    """A value already in the table is the unique constraint's to refuse: the batch's
    savepoint is rolled back and nothing of it stays."""
    from django.db import IntegrityError, transaction

    items = [{"name": "Brand new", "kind": "ngo", "country": "SN"},
             {"name": world.party_x.name, "kind": "ngo", "country": "SN"}]  # fmt: skip
    before = row_counts()
    with pytest.raises(IntegrityError), transaction.atomic():
        ps.party_create_many(actor=world.owner, items=items)
    assert row_counts() == before


def test_reimporting_unchanged_rows_costs_a_few_queries_per_batch(world, tmp_path):
    """Unchanged rows are recognised from bulk reads, not replayed one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    title = world.agreement.title
    path = write(tmp_path, "milestones.csv", _milestones_csv(title, 0, 400))
    assert load(path, world.owner, entity="milestones").committed

    def reimport(count: int) -> int:
        small = write(tmp_path, "again.csv", _milestones_csv(title, 0, count))
        with CaptureQueriesContext(connection) as captured:
            report = load(small, world.owner, entity="milestones")
        assert report.counts["milestones"]["unchanged"] == count, report.lines()
        return len(captured)

    # Two lookups (new or not, unchanged or not) per 64 keys; row by row it was 800+.
    assert reimport(400) <= reimport(40) + 2 * (400 // 64 + 1)


def test_reimport_tells_changed_links_from_unchanged_rows(world, tmp_path):
    """Interactions: the parties present are links; a row that changes them is updated
    (and audited), the others are unchanged and write nothing."""
    title = world.agreement.title
    lines = ["agreement,kind,occurred_on,parties,summary"] + [
        f"{title},meeting,2025-03-{i + 1:02d},Ministry X;Lender Y,Meeting {i}" for i in range(5)
    ]
    path = write(tmp_path, "interactions.csv", "\n".join(lines) + "\n")
    assert load(path, world.owner, entity="interactions").committed
    lines[3] = lines[3].replace("Ministry X;Lender Y", "Ministry X")
    events = AuditEvent.objects.count()
    again = load(
        write(tmp_path, "i2.csv", "\n".join(lines) + "\n"), world.owner, entity="interactions"
    )
    assert again.counts["interactions"] == {
        "created": 0, "updated": 1, "unchanged": 4, "skipped": 0
    }  # fmt: skip
    assert AuditEvent.objects.count() == events + 1
    from alliance.engagement.models import Interaction

    [changed] = [i for i in Interaction.objects.all() if i.summary == "Meeting 2"]
    assert [p.name for p in changed.parties.all()] == ["Ministry X"]


def test_commitment_batch_links_existing_prerequisites(world):
    first = ps.commitment_create(actor=world.owner, **_commitment_fields(world, "Survey"))
    item = _commitment_fields(world, "Works") | {"depends_on": [first, first]}
    one = ps.commitment_create(
        actor=world.owner, **_commitment_fields(world, "Works") | {"depends_on": [first]}
    )
    [many] = ps.commitment_create_many(actor=world.owner, items=[item])
    assert list(many.depends_on.all()) == [first] == list(one.depends_on.all())
    assert _event(_last_event(many)) == _event(_last_event(one))


def test_commitment_batch_refuses_a_prerequisite_of_another_agreement(world):
    ps.participation_add(
        actor=world.other_owner, agreement=world.other_agreement, party=world.party_y, role="lender"
    )
    other = ps.commitment_create(
        actor=world.other_owner,
        **_commitment_fields(world, "Elsewhere")
        | {
            "agreement": world.other_agreement,
            "owed_by": world.party_z,
            "owed_to": [world.party_y],
        },
    )
    item = _commitment_fields(world, "Works") | {"depends_on": [other]}
    before = row_counts()
    with pytest.raises(ValidationError, match="same agreement"):
        ps.commitment_create_many(actor=world.owner, items=[item])
    assert row_counts() == before


def _commitments_csv(world: Any) -> str:
    title = world.agreement.title
    rows = [
        f"{title},,Land {i},technical,Ministry X,Lender Y,2026-0{1 + i % 9}-15,,," for i in range(6)
    ]
    rows.append(
        f"{title},C-7,Permit,regulatory,Ministry X,Lender Y,2026-05-01,delivered,2025-03-02,"
    )
    rows.append(f"{title},,Works,technical,Ministry X,Lender Y,2026-09-01,,,Land 0;Land 1")
    header = "agreement,clause,title,category,owed_by,owed_to,due_on,status,delivered_on,depends_on"
    return header + "\n" + "\n".join(rows) + "\n"


def _commitments_state() -> list[tuple]:
    return sorted(
        (c.clause, c.title, c.status, c.delivered_on, c.created_at, c.duration_optimistic,
         c.duration_likely, c.duration_pessimistic, tuple(sorted(p.name for p in c.owed_to.all())),
         tuple(sorted(d.title for d in c.depends_on.all())), c.status_changes.count())
        for c in Commitment.objects.filter(agreement__title="Corridor agreement")
    )  # fmt: skip


def test_commitments_sheet_in_batches_matches_row_by_row(world, tmp_path, monkeypatch):
    """Blank clauses, default durations, a delivered one (recorded no later than it was
    delivered) and prerequisites: the same commitments either way; a re-import changes
    nothing and duplicates nothing."""
    path = write(tmp_path, "commitments.csv", _commitments_csv(world))
    report = load(path, world.owner, entity="commitments")
    assert report.counts["commitments"]["created"] == 8, report.lines()
    batched = _commitments_state()
    again = load(path, world.owner, entity="commitments")
    assert again.counts["commitments"]["unchanged"] == 8, again.lines()
    assert _commitments_state() == batched

    Commitment.objects.filter(agreement=world.agreement).delete()
    monkeypatch.setattr(tabular, "spec_for", _without_batches(tabular.spec_for))
    assert load(path, world.owner, entity="commitments").committed
    row_by_row = _commitments_state()
    assert [r[:4] + r[5:] for r in batched] == [r[:4] + r[5:] for r in row_by_row]
    delivered = next(r for r in batched if r[1] == "Permit")
    assert delivered[4].date().isoformat() == "2025-03-02"


def _without_batches(spec_for: Any) -> Any:
    from dataclasses import replace

    def plain(name: str) -> Any:
        spec = spec_for(name)
        return replace(spec, create_many=None) if spec is not None else None

    return plain


@pytest.mark.parametrize("threshold", [20, 10**9], ids=["large", "small"])
def test_a_large_import_refreshes_postgresql_statistics(world, tmp_path, monkeypatch, threshold):
    """Past ``ANALYZE_AFTER_OBJECTS`` new objects the tables are analysed at once, so the
    planner sees the rows the import just wrote (a small import leaves it to autovacuum).
    ``ANALYZE`` writes its row estimate in place (it outlives the test's rollback), so
    the test compares with the estimate it finds, and imports a count it cannot match."""
    from django.db import connection

    from alliance.interchange import engine

    if connection.vendor != "postgresql":
        pytest.skip("statistics are PostgreSQL's")

    def estimate() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'partnerships_party'")
            return cursor.fetchone()[0]

    before = estimate()
    count = 30 if before != Party.objects.count() + 30 else 31
    monkeypatch.setattr(engine, "ANALYZE_AFTER_OBJECTS", threshold)
    assert load(write(tmp_path, "parties.csv", _parties_csv(count)), world.owner).committed
    expected = Party.objects.count() if threshold == 20 else before
    assert estimate() == expected


# Valid and invalid values of a few fields, repeated across a batch: the batch validates a
# value once, and must still refuse exactly what ``full_clean`` refuses, with its errors.
_PARTY_VALUES = st.tuples(
    st.sampled_from(["ngo", "lender", "no such kind"]),
    st.sampled_from(["SN", "FR", "XX", "sn"]),
    st.sampled_from([5, 365, 0, 400]),
    st.sampled_from(["1111100", "1111111", "12345"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(_PARTY_VALUES, min_size=1, max_size=6))
def test_batch_validation_refuses_exactly_what_full_clean_refuses(world, rows):
    from django.db import transaction

    from alliance.core.services import save_new_many

    def parties() -> list[Party]:
        return [
            Party(name=f"Batch {i}", kind=k, country=c, decision_cycle_days=d, working_week=w)
            for i, (k, c, d, w) in enumerate(rows)
        ]

    expected = None
    for party in parties():
        try:
            party.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            expected = exc.message_dict
            break
    with transaction.atomic():
        try:
            written = save_new_many(actor=world.owner, objs=parties())
        except ValidationError as exc:
            assert exc.message_dict == expected
        else:
            assert expected is None
            assert [p.country for p in written] == [c for _k, c, _d, _w in rows]
        transaction.set_rollback(True)


def test_commitment_batch_reads_each_agreements_members_once(world):
    """The parties of every agreement of a batch are read together, not per agreement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = world.other_agreement
    ps.participation_add(
        actor=world.other_owner, agreement=other, party=world.party_x, role="lender"
    )
    items = [_commitment_fields(world, f"Members {i}") for i in range(5)]
    for i in range(3):
        item = _commitment_fields(world, f"Other {i}")
        item.update(agreement=other, owed_to=[world.party_z], due_on=other.signed_on)
        items.append(item)
    with CaptureQueriesContext(connection) as captured:
        made = ps.commitment_create_many(actor=world.admin, items=items)
    assert {c.agreement_id for c in made} == {world.agreement.pk, other.pk}
    reads = [q for q in captured if 'FROM "partnerships_participation"' in q["sql"]]
    assert len(reads) == 1, [q["sql"] for q in reads]
