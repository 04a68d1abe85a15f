"""The tables the scale generator writes and how its rows reach them.

Each ``Table`` names a model and the attribute names of the row tuples the generator builds, in
order. Rows go to the database through ``COPY … FROM STDIN`` on PostgreSQL (``copy_rows``) or
through the ORM's ``bulk_create`` (``bulk_create_rows``, any database). Primary keys are reserved
before the rows are built (``SequenceIds`` / ``CountingIds``), so parents and children are
written in one pass without reading anything back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.db import connection, models

from alliance.accounts.models import Membership
from alliance.core.encryption import EncryptedTextField
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    CommitmentDependency,
    CommitmentStatusChange,
    Milestone,
    Participation,
    Party,
    Person,
    StrategicObjective,
)
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)


@dataclass(frozen=True)
class Table:
    """A table the generator writes: its model and the attribute names of each row tuple, in
    order (given as one space-separated string, so a spec reads like the table's columns)."""

    model: type[models.Model]
    columns: str

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.columns.split())

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def json_positions(self) -> tuple[int, ...]:
        meta = self.model._meta
        return tuple(
            i for i, f in enumerate(self.fields) if isinstance(meta.get_field(f), models.JSONField)
        )

    @property
    def encrypted_fields(self) -> tuple[tuple[int, models.Field], ...]:
        """Positions and fields of the encrypted columns (``core.encryption``): COPY writes
        what it is given, so these are encrypted first."""
        meta = self.model._meta
        return tuple(
            (i, meta.get_field(f))
            for i, f in enumerate(self.fields)
            if isinstance(meta.get_field(f), EncryptedTextField)
        )


PARTY = Table(
    Party,
    "id uuid created_at name short_name kind country level parent_id decision_cycle_days "
    "approval_steps working_week holiday_country holiday_subdivision fiscal_year_start_month",
)
BLACKOUT = Table(BlackoutPeriod, "uuid created_at party_id starts_on ends_on reason")
PERSON = Table(Person, "id uuid created_at party_id name role_title email languages user_id")
AGREEMENT = Table(
    Agreement,
    "id uuid created_at translations title reference kind summary signed_on effective_on "
    "ends_on host_country countries value currency stage",
)
PARTICIPATION = Table(
    Participation,
    "uuid created_at agreement_id party_id role power legitimacy urgency interest",
)
MEMBERSHIP = Table(Membership, "user_id agreement_id role party_id")
MILESTONE = Table(Milestone, "id uuid created_at translations agreement_id title due_on reached_on")
INTERACTION = Table(
    Interaction,
    "id uuid created_at translations confidentiality agreement_id kind occurred_on summary "
    "tone language logged_by_id",
)
INTERACTION_PARTY = Table(Interaction.parties.through, "interaction_id party_id")
INTERACTION_PERSON = Table(Interaction.people.through, "interaction_id person_id")
INTERACTION_RESTRICTED = Table(Interaction.restricted_to.through, "interaction_id user_id")
COMMITMENT = Table(
    Commitment,
    "id uuid created_at translations agreement_id milestone_id title description clause "
    "category owed_by_id start_on due_on due_trigger due_offset_days recurrence "
    "duration_optimistic duration_likely duration_pessimistic status delivered_on evidence "
    "source_interaction_id importance",
)
OWED_TO = Table(Commitment.owed_to.through, "commitment_id party_id")
DEPENDENCY = Table(CommitmentDependency, "commitment_id prerequisite_id")
STATUS_CHANGE = Table(
    CommitmentStatusChange,
    "uuid created_at commitment_id actor_id from_status to_status happened_on evidence",
)
TOPIC = Table(Topic, "id uuid created_at translations agreement_id name description target_unit")
EXPECTATION = Table(
    Expectation,
    "uuid created_at translations topic_id party_id statement target_date priority "
    "target_value recorded_on",
)
PULSE = Table(TrustPulse, "id uuid created_at translations agreement_id title opens_on closes_on")
RESPONSE = Table(
    TrustResponse,
    "uuid created_at pulse_id respondent_id respondent_party_id about_party_id ability "
    "benevolence integrity predictability communication comment submitted_on",
)
RISK = Table(
    Risk,
    "id uuid created_at translations agreement_id title category rating likelihood impact "
    "owner_id mitigation status confidentiality",
)
RISK_COMMITMENT = Table(Risk.commitments.through, "risk_id commitment_id")
REQUIREMENT = Table(
    RegulatoryRequirement,
    "id uuid created_at translations agreement_id jurisdiction authority_id instrument "
    "requirement deadline alignment_status",
)
REQUIREMENT_COMMITMENT = Table(
    RegulatoryRequirement.commitments.through, "regulatoryrequirement_id commitment_id"
)
INDICATOR = Table(
    LocalIndicator,
    "id uuid created_at translations agreement_id kind name unit target target_on",
)
OBSERVATION = Table(IndicatorObservation, "uuid created_at indicator_id observed_on value source")
OBJECTIVE = Table(
    StrategicObjective, "id uuid created_at translations agreement_id source code title"
)
OBJECTIVE_COMMITMENT = Table(
    StrategicObjective.commitments.through, "strategicobjective_id commitment_id"
)
OBJECTIVE_INDICATOR = Table(
    StrategicObjective.indicators.through, "strategicobjective_id localindicator_id"
)
GRIEVANCE = Table(
    Grievance,
    "uuid created_at agreement_id reference channel category complainant summary received_on "
    "response_due_on responded_on resolved_on resolution status",
)
WARNING = Table(
    EarlyWarning,
    "uuid created_at confidentiality agreement_id key rule title explanation message evidence "
    "severity status owner_id raised_on commitment_id",
)

POOL_TABLES = (PARTY, BLACKOUT, PERSON)
# Parents before children: SQLite checks some constraints row by row, and it reads well.
CHUNK_TABLES = (
    AGREEMENT, PARTICIPATION, MEMBERSHIP, MILESTONE, INTERACTION, INTERACTION_PARTY,
    INTERACTION_PERSON, INTERACTION_RESTRICTED, COMMITMENT, OWED_TO, DEPENDENCY, STATUS_CHANGE,
    TOPIC, EXPECTATION, PULSE, RESPONSE, RISK, RISK_COMMITMENT, REQUIREMENT,
    REQUIREMENT_COMMITMENT, INDICATOR, OBSERVATION, OBJECTIVE, OBJECTIVE_COMMITMENT,
    OBJECTIVE_INDICATOR, GRIEVANCE, WARNING,
)  # fmt: skip
ALL_TABLES = POOL_TABLES + CHUNK_TABLES

Rows = dict[Table, list[tuple]]


# ----- writing: primary keys reserved up front, rows through COPY or bulk_create -----------


class IdSource(Protocol):
    """Hands out primary keys no other row has or will get."""

    def take(self, model: type[models.Model], count: int) -> list[int]: ...


class SequenceIds:
    """PostgreSQL: primary keys taken from each table's own sequence, in blocks. Values taken
    by ``nextval`` are ours even if another session writes at the same time."""

    def __init__(self) -> None:
        self._free: dict[str, list[int]] = {}
        self._sequence: dict[str, str] = {}

    def take(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        free = self._free.setdefault(table, [])
        if len(free) < count:
            with connection.cursor() as cursor:
                if table not in self._sequence:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                    self._sequence[table] = cursor.fetchone()[0]
                # Over-reserve: one query serves many agreements; unused values are just gaps.
                block = max(count - len(free), 4096)
                cursor.execute(
                    "SELECT nextval(%s::regclass) FROM generate_series(1, %s)",
                    [self._sequence[table], block],
                )
                free.extend(row[0] for row in cursor.fetchall())
        taken, self._free[table] = free[:count], free[count:]
        return taken


class CountingIds:
    """Other databases (SQLite): count on from the highest key in use. SQLite has one writer at
    a time, and a collision would fail the chunk's transaction rather than corrupt anything."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def take(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        if table not in self._next:
            top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next[table] = top + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))


def _unlisted_defaults(table: Table) -> tuple[list[models.Field], tuple]:
    """The model's required columns that the table's spec does not list, with their default
    (what ``bulk_create`` would write: the field's default, or "" for a text field), taken
    once per table: a column added to a model later does not break COPY, which writes only
    what it is given and leaves the rest to the database (NULL)."""
    listed = set(table.fields)
    fields = [
        f
        for f in table.model._meta.concrete_fields
        if f.name not in listed and f.attname not in listed and not f.primary_key
        and not f.null and (f.has_default() or f.empty_strings_allowed)
    ]  # fmt: skip
    return fields, tuple(f.get_db_prep_save(f.get_default(), connection) for f in fields)


def copy_rows(table: Table, rows: list[tuple]) -> None:
    """PostgreSQL ``COPY FROM STDIN``: several times faster than INSERT for millions of rows."""
    quote = connection.ops.quote_name
    meta = table.model._meta
    extra, defaults = _unlisted_defaults(table)
    names = [meta.get_field(f).column for f in table.fields] + [f.column for f in extra]
    columns = ", ".join(quote(name) for name in names)
    json_positions = table.json_positions
    encrypted = table.encrypted_fields
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(table.name)} ({columns}) FROM STDIN") as copy,
    ):
        write = copy.write_row
        if not json_positions and not encrypted:
            for row in rows:
                write(row + defaults if defaults else row)
            return
        for row in rows:
            values = list(row) + list(defaults)
            for i in json_positions:
                values[i] = json.dumps(values[i])
            for i, field in encrypted:
                values[i] = field.get_db_prep_save(values[i], connection)
            write(values)


def bulk_create_rows(table: Table, rows: list[tuple]) -> None:
    """The portable path: model instances through the ORM's ``bulk_create``."""
    model, names = table.model, table.fields
    objects = [model(**dict(zip(names, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=2000)


def write_rows(rows: Rows, tables: Sequence[Table], writer: Callable[[Table, list], None]) -> int:
    written = 0
    for table in tables:
        if rows.get(table):
            writer(table, rows[table])
            written += len(rows[table])
    return written
