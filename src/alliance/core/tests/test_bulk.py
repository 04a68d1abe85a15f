"""``insert_many`` writes exactly the rows ``bulk_create`` writes, on SQLite and
PostgreSQL: JSON, encrypted text, dates, time zones, defaults and foreign keys included,
and each object gets the primary key of its own row."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, models, transaction

from alliance.accounts.models import AuditEvent
from alliance.core import bulk
from alliance.core.bulk import insert_many
from alliance.engagement.models import PersonNote
from alliance.partnerships.models import Commitment, Party

SKIP = {"id", "uuid"}
AT = datetime(2025, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)  # twins share their timestamps


def _row(obj: models.Model) -> dict[str, Any]:
    """The object as read back from the database, without what differs by design."""
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in fresh._meta.concrete_fields
        if f.attname not in SKIP
    }


def _both(make: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Insert one object with ``bulk_create`` and its twin with ``insert_many``."""
    one, two = make(), make()
    type(one)._default_manager.bulk_create([one])
    insert_many([two])
    assert two.pk is not None and two.pk != one.pk and not two._state.adding
    return _row(one), _row(two)


def test_json_and_dates_as_bulk_create_writes_them(world):
    def event() -> AuditEvent:
        return AuditEvent(
            actor=world.owner,
            agreement_id=world.agreement.pk,
            object_type="partnerships.party",
            object_id="x",
            object_repr="Été à Kribi — “quoted”",
            action="update",
            before={"name": "Avant", "n": [1, 2, {"deep": None}]},
            after={"name": "Après", "ratio": 0.5},
            at=AT,
        )

    bulk_row, fast_row = _both(event)
    assert fast_row == bulk_row
    assert fast_row["after"] == {"name": "Après", "ratio": 0.5}


def test_encrypted_text_is_encrypted_and_reads_back(world):
    def note() -> PersonNote:
        return PersonNote(
            agreement=world.agreement,
            person=world.person_x,
            text="Prefers calls after Friday prayers.",
            author=world.owner,
            confidentiality="internal",
            created_at=AT,
        )

    bulk_row, fast_row = _both(note)
    assert fast_row == bulk_row
    assert fast_row["text"] == "Prefers calls after Friday prayers."
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM engagement_personnote ORDER BY id DESC LIMIT 1")
        stored = cursor.fetchone()[0]
    assert "Friday" not in stored  # written through the field: encrypted at rest


def test_foreign_keys_decimals_and_aware_datetimes(world):
    def commitment() -> Commitment:
        return Commitment(
            agreement=world.agreement,
            owed_by=world.party_x,
            title="Hand over the land",
            category="land",
            due_on=date(2026, 1, 31),
            duration_optimistic=5,
            duration_likely=10,
            duration_pessimistic=20,
            created_at=AT,
        )

    bulk_row, fast_row = _both(commitment)
    assert fast_row == bulk_row
    assert fast_row["created_at"] == AT
    assert fast_row["agreement_id"] == world.agreement.pk


def test_many_statements_give_each_object_its_own_row(db, monkeypatch):
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 7)
    parties = [
        Party(name=f"Party {i:03d}", kind="ngo", country="SN", decision_cycle_days=1 + i % 300)
        for i in range(50)
    ]
    with transaction.atomic():
        insert_many(parties)
    assert len({p.pk for p in parties}) == 50
    stored = dict(Party.objects.values_list("pk", "name"))
    assert all(stored[p.pk] == p.name for p in parties)
    assert Party.objects.get(name="Party 049").decision_cycle_days == 50


def test_a_refused_row_writes_nothing(db):
    parties = [Party(name="Same", kind="ngo", country="SN") for _ in range(2)]
    with pytest.raises(IntegrityError), transaction.atomic():  # Django's, on both databases
        insert_many(parties)
    assert not Party.objects.exists()


def test_objects_with_a_key_go_through_bulk_create(db):
    party = Party(pk=4242, name="Keyed", kind="ngo", country="SN")
    insert_many([party])
    assert Party.objects.get(pk=4242).name == "Keyed"


def test_decimal_amounts_and_json_lists(db):
    from alliance.partnerships.models import Agreement

    def agreement() -> Agreement:
        return Agreement(
            title="Port concession",
            kind="concession",
            signed_on=date(2024, 5, 2),
            host_country="CM",
            countries=["CM", "FR"],
            value=Decimal("1234567.89"),
            currency="XAF",
            created_at=AT,
        )

    bulk_row, fast_row = _both(agreement)
    assert fast_row == bulk_row
    assert fast_row["value"] == Decimal("1234567.89")
    assert fast_row["countries"] == ["CM", "FR"]


def test_insert_values_writes_the_rows_insert_many_writes(world):
    """Plain values (no instance): JSON, foreign keys by id, defaults filled per row."""
    from django.utils import timezone

    from alliance.core.bulk import insert_values

    columns = ("actor_id", "agreement_id", "object_type", "object_id", "object_repr",
               "action", "before", "after")  # fmt: skip
    values = (world.owner.pk, world.agreement.pk, "partnerships.party", "v", "Été",
              "create", {}, {"name": "Ministère", "n": [1, None]})  # fmt: skip
    start = timezone.now()
    insert_values(AuditEvent, columns, [values, values])
    rows = list(AuditEvent.objects.filter(object_id="v"))
    assert len(rows) == 2
    for row in rows:
        assert (row.actor_id, row.agreement_id, row.object_repr) == (*values[:2], "Été")
        assert row.after == {"name": "Ministère", "n": [1, None]} and row.before == {}
        assert row.at >= start  # the default, as a new instance would have it


def test_insert_values_links_many_to_many(world):
    from alliance.core.bulk import insert_values

    commitment = Commitment.objects.create(
        agreement=world.agreement, owed_by=world.party_x, title="Link", category="land",
        due_on=date(2026, 1, 31), duration_optimistic=1, duration_likely=2,
        duration_pessimistic=3,
    )  # fmt: skip
    through = Commitment.owed_to.through
    insert_values(through, ("commitment_id", "party_id"), [(commitment.pk, world.party_y.pk)])
    assert list(commitment.owed_to.all()) == [world.party_y]
    with pytest.raises(IntegrityError), transaction.atomic():  # the same link twice
        insert_values(through, ("commitment_id", "party_id"), [(commitment.pk, world.party_y.pk)])


def test_values_written_as_they_are_only_where_that_is_the_identity(world):
    """Plain text, booleans and (except where the driver wraps them) integers and foreign
    keys skip ``get_db_prep_save``; a lazy translation, a decimal, a date, an encrypted
    or JSON field still go through it, so the rows are those ``bulk_create`` writes."""
    from django.utils.translation import gettext_lazy

    fields = {f.name: f for f in Party._meta.concrete_fields}
    kinds = dict(zip(fields, bulk._kinds(list(fields.values()), connection), strict=True))
    assert str in kinds["name"] and kinds["country"] >= {str, type(None)}
    integers = connection.vendor != "postgresql"
    event = {f.name: f for f in AuditEvent._meta.concrete_fields}
    event_kinds = dict(zip(event, bulk._kinds(list(event.values()), connection), strict=True))
    assert (int in event_kinds["actor"]) is integers
    assert event_kinds["after"] == event_kinds["at"] == frozenset()

    def event_() -> AuditEvent:
        return AuditEvent(
            actor=world.owner,
            agreement_id=world.agreement.pk,
            object_type="partnerships.party",
            object_id="x",
            object_repr=gettext_lazy("Ministry of Finance"),
            action="create",
            before={},
            after={"n": 1},
            at=AT,
        )

    bulk_row, fast_row = _both(event_)
    assert fast_row == bulk_row
    assert fast_row["object_repr"] == "Ministry of Finance"
