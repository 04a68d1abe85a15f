"""Reads for the insights engine: its plain inputs built from the ORM, and the stored snapshots.

:func:`agreement_inputs` turns one agreement's rows into the engine's dataclasses
(:class:`~alliance.insights.inputs.AgreementData` and the schedule's
:class:`~alliance.insights.schedule.ScheduleInput`) in a fixed number of queries, whatever the
number of rows: every table is read once with ``values()``, and the rows are joined in Python.
Every object keeps its UUID as its engine id, so results point back at the database.

DISCRETION RULE. Snapshots are seen by every member of the agreement (party representatives
and viewers included), so they are computed from **shared data only**:

* interactions whose confidentiality is internal or restricted are left out entirely (no date,
  no party, no person, no tone of theirs reaches the engine), and of shared interactions only
  the kind, date, tone, parties and people present are read — never the summary;
* notes about people (``PersonNote``) are never read;
* early warnings are the rules' own results, computed from the data above; a warning whose
  confidentiality was later raised is left out of the ``warnings`` snapshot (services);
* trust pulse answers reach the engine without the respondent's name, and the stored evidence
  merges them per pulse round and pair of parties (services);
* free texts are not read: grievances by their reference (not the complainant or summary),
  requirements by their instrument, commitments by their title, expectations by their figures.

HISTORY RULE. A snapshot dated ``as_of`` uses only what was known on that date, so that past
snapshots are honest: commitments recorded by then, each with the status it had on that day
and its last dispute settled by then (replayed from ``CommitmentStatusChange``), its
delivery confirmed or not by each party owed as answered by then (``DeliveryConfirmation``),
interactions, pulse answers, expectations and grievances dated on or before it, requirements
recorded by then, and each commitment's due date as it was in force on that date (on its
delivery date for a delivered one) from the dated history of renegotiations
(``CommitmentDueChange``). Parties and their participations are taken as they are now (they
are the structure, not events), and so are a commitment's estimates and a requirement's
alignment status (the database keeps no dated history of those).

One adapter convention: a field office counts as local only when its parent party is local
too (a foreign contractor's site office is still the foreign contractor). A party's
``decision_cycle_days`` is stored in working days, as the engine reads it
(``decision_cycle_working_days``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import RowNumber
from django.tasks.base import TaskResultStatus
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from alliance.analytics import snapshot_cache
from alliance.analytics.models import InsightSnapshot
from alliance.core import messages
from alliance.core.models import Confidentiality
from alliance.engagement.choices import Priority
from alliance.engagement.models import Expectation as ExpectationRow
from alliance.engagement.models import Grievance as GrievanceRow
from alliance.engagement.models import Interaction as InteractionRow
from alliance.engagement.models import TrustResponse
from alliance.insights import inputs as engine
from alliance.insights.calendars import UnknownCalendarError, WorkingCalendar
from alliance.insights.parameters import CALENDAR, SCHEDULE
from alliance.insights.schedule import PartyHistory, ScheduleInput, ScheduleRisk, ScheduleTask
from alliance.partnerships.choices import CommitmentStatus, ConfirmationStatus
from alliance.partnerships.models import (
    Agreement,
    BlackoutPeriod,
    Commitment,
    CommitmentDependency,
    CommitmentDueChange,
    CommitmentStatusChange,
    DeliveryConfirmation,
    Milestone,
    Participation,
    due_in_force,
)
from alliance.risks.choices import AlignmentStatus, RiskStatus
from alliance.risks.models import RegulatoryRequirement, Risk

STARTED = {CommitmentStatus.IN_PROGRESS, CommitmentStatus.LATE, CommitmentStatus.DISPUTED}
FIXED = {CommitmentStatus.DELIVERED, CommitmentStatus.WAIVED}
# The domain's priority scale: 1 (low) .. 4 (critical), the larger number ranking higher. The
# engine reads it as it is (AlignmentParameters.priority_levels / priority_one_is_highest).
PRIORITY_LEVELS = len(Priority.choices)
PRIORITY_ONE_IS_HIGHEST = Priority.CRITICAL == 1
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


# --------------------------------------------------------------------------
# What the services get
# --------------------------------------------------------------------------


@dataclass
class Names:
    """How results name what they point at: ``{"uuid", "name"}`` references by engine id."""

    parties: dict[str, dict[str, str]] = field(default_factory=dict)
    commitments: dict[str, dict[str, str]] = field(default_factory=dict)
    milestones: dict[str, dict[str, str]] = field(default_factory=dict)
    topics: dict[str, dict[str, str]] = field(default_factory=dict)
    interactions: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    requirements: dict[str, dict[str, str]] = field(default_factory=dict)
    grievances: dict[str, dict[str, str]] = field(default_factory=dict)
    # pulse answer id -> the pulse round it belongs to
    pulse_of: dict[str, dict[str, str]] = field(default_factory=dict)
    # id, and name as typed -> the name with its translations, as a message parameter
    # (``messages.named``): the engine names some objects by id, others by their label
    translated: dict[str, Any] = field(default_factory=dict)
    translated_text: dict[str, Any] = field(default_factory=dict)

    def party(self, uuid: str) -> dict[str, str]:
        return self.parties.get(uuid, {"uuid": uuid, "name": uuid})

    def commitment(self, uuid: str) -> dict[str, str]:
        return self.commitments.get(uuid, {"uuid": uuid, "title": uuid})

    def readable(self, text: str) -> str:
        """``text`` with every UUID the engine wrote replaced by the name of its object."""
        return _UUID.sub(lambda m: self._name_of(m.group(0)), text)

    def message(self, message: dict | None) -> dict | None:
        """A message of the engine with every id among its parameters replaced by the name
        of its object, with the object's translations of it where it has some (the reader
        sees a commitment's or a topic's title in their language)."""
        if not message:
            return message
        return {"msg": message["msg"], "params": self._named(message.get("params") or {})}

    def _named(self, value: Any) -> Any:
        if isinstance(value, str):
            if not _UUID.fullmatch(value):
                return self.translated_text.get(value, value)
            return self.translated.get(value) or self._name_of(value)
        if isinstance(value, dict):
            if "msg" in value:
                return self.message(value)
            return {k: self._named(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._named(v) for v in value]
        return value

    def _name_of(self, uuid: str) -> str:
        for table in (self.parties, self.topics, self.people, self.requirements, self.grievances):
            if uuid in table:
                return table[uuid]["name"]
        for table in (self.commitments, self.milestones):
            if uuid in table:
                return table[uuid]["title"]
        return uuid


@dataclass
class AgreementInputs:
    """Everything the engine reads about one agreement at ``as_of``, and how to name it."""

    agreement: Agreement
    as_of: date
    data: engine.AgreementData
    schedule: ScheduleInput
    host_calendar: WorkingCalendar
    people: dict[str, str]  # person uuid -> party uuid, for the graph of people
    names: Names


def agreement_inputs(agreement: Agreement, as_of: date) -> AgreementInputs:
    """The engine's inputs for ``agreement`` as known on ``as_of`` (16 queries, however many
    rows; see the module docstring for what is read and what is not)."""
    reader = _Reader(agreement, as_of, _One(agreement))
    return reader.build()


def agreements_inputs(agreements: Sequence[Agreement], as_of: date) -> list[AgreementInputs]:
    """:func:`agreement_inputs` of each of ``agreements``, read together: the same 16 queries
    for all of them (each for every agreement at once, grouped in Python), so the cost of a
    query is paid once per batch, not once per agreement. Give a bounded batch (the rows of
    all of them are in memory together; ``services.insights_recompute_portfolio`` reads 100
    at a time)."""
    source = _Batch(agreements)
    return [_Reader(agreement, as_of, source).build() for agreement in agreements]


class _One:
    """Where a reader's rows come from: one agreement's queries."""

    def __init__(self, agreement: Agreement) -> None:
        self.agreement = agreement

    def rows(self, queryset: QuerySet, path: str, fields: Sequence[str], flat: bool) -> list:
        """The rows of ``queryset`` whose ``path`` is the agreement, as ``values(*fields)``
        dicts or (``flat``) ``values_list(*fields)`` tuples."""
        found = queryset.filter(**{path: self.agreement})
        return list(found.values_list(*fields) if flat else found.values(*fields))

    def blackouts(self, party_ids: Iterable[int]) -> list[tuple[int, date, date]]:
        periods = BlackoutPeriod.objects.filter(party_id__in=list(party_ids))
        return list(periods.values_list("party_id", "starts_on", "ends_on"))


class _Batch:
    """Where the readers of a batch of agreements take their rows: each query runs once for
    all of them (the first reader that needs it), with the agreement's id added to each row,
    and every reader takes its agreement's rows in the query's order."""

    def __init__(self, agreements: Sequence[Agreement]) -> None:
        self.ids = [a.pk for a in agreements]
        self.agreement: Agreement | None = None
        self.cache: dict[tuple, dict[int, list]] = {}

    def rows(self, queryset: QuerySet, path: str, fields: Sequence[str], flat: bool) -> list:
        assert self.agreement is not None
        # One query per table and columns (a batch has one date: the filters are the same).
        key = (queryset.model, path, tuple(fields), flat)
        if key not in self.cache:
            grouped: dict[int, list] = defaultdict(list)
            found = queryset.filter(**{f"{path}__in": self.ids})
            if flat:
                for row in found.values_list(path, *fields):
                    grouped[row[0]].append(row[1:])
            else:
                for row in found.values(*fields, batch_agreement=F(path)):
                    grouped[row.pop("batch_agreement")].append(row)
            self.cache[key] = grouped
        return self.cache[key].get(self.agreement.pk, [])

    def blackouts(self, party_ids: Iterable[int]) -> list[tuple[int, date, date]]:
        key = ("blackouts",)
        if key not in self.cache:
            parties = Participation.objects.filter(agreement__in=self.ids).values("party_id")
            periods = BlackoutPeriod.objects.filter(party_id__in=parties)
            grouped: dict[int, list] = defaultdict(list)
            for row in periods.values_list("party_id", "starts_on", "ends_on"):
                grouped[row[0]].append(row)
            self.cache[key] = grouped
        return [row for party in party_ids for row in self.cache[key].get(party, [])]


# --------------------------------------------------------------------------
# The reader: one query per table, joins in Python
# --------------------------------------------------------------------------


def _end_of(day: date) -> datetime:
    """The first moment after ``day`` in the site's time zone (``created_at < end``)."""
    return datetime.combine(
        day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )


def _s(value: Any) -> str:
    return str(value)


class _Reader:
    def __init__(self, agreement: Agreement, as_of: date, source: _One | _Batch) -> None:
        self.agreement = agreement
        self.source = source
        self.as_of = as_of
        self.end = _end_of(as_of)
        self.names = Names()
        self.party_uuid: dict[int, str] = {}

    def build(self) -> AgreementInputs:
        if isinstance(self.source, _Batch):
            self.source.agreement = self.agreement
        participations = self._participations()
        commitments = self._commitment_rows()
        states = self._states(commitments)
        self._due_dates_in_force(commitments, states)
        calendars = self._calendars(participations, commitments)
        parties = self._parties(participations, calendars)
        owed_to = self._owed_to()
        interactions, people = self._interactions()
        depends = self._dependencies(commitments)
        data = engine.AgreementData(
            id=_s(self.agreement.uuid),
            parties=parties,
            participations=self._engine_participations(participations),
            commitments=self._commitments(
                commitments, states, owed_to, self._answers(states), depends
            ),
            interactions=interactions,
            follow_ups=self._follow_ups(commitments, states, owed_to),
            pulses=self._pulses(),
            expectations=self._expectations(),
            regulatory=self._regulatory(),
            grievances=self._grievances(),
            host_country=self.agreement.host_country,
            kind=self.agreement.kind,
        )
        schedule = self._schedule(commitments, states, calendars, depends)
        return AgreementInputs(
            agreement=self.agreement,
            as_of=self.as_of,
            data=data,
            schedule=schedule,
            host_calendar=self._host_calendar(),
            people=people,
            names=self.names,
        )

    # ----- parties and their rhythms ---------------------------------------------------------

    def _participations(self) -> list[dict[str, Any]]:
        rows = self.source.rows(
            Participation.objects.order_by("party__name"),
            "agreement",
            (
                "role", "power", "legitimacy", "urgency", "interest", "party_id",
                "party__uuid", "party__name", "party__short_name", "party__kind",
                "party__country", "party__decision_cycle_days", "party__working_week",
                "party__holiday_country", "party__holiday_subdivision", "party__parent__country",
            ),
            flat=False,
        )  # fmt: skip
        for row in rows:
            uuid = _s(row["party__uuid"])
            self.party_uuid[row["party_id"]] = uuid
            self.names.parties[uuid] = {
                "uuid": uuid,
                "name": row["party__short_name"] or row["party__name"],
            }
        return rows

    def _calendars(self, participations, commitments) -> dict[int, WorkingCalendar]:
        blackouts: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for party_id, starts, ends in self.source.blackouts(self.party_uuid):
            blackouts[party_id].append((starts, ends))
        years = self._years(commitments)
        return {
            row["party_id"]: working_calendar(
                row["party__working_week"],
                row["party__holiday_country"],
                row["party__holiday_subdivision"],
                years,
                tuple(sorted(blackouts[row["party_id"]])),
            )
            for row in participations
        }

    def _years(self, commitments) -> tuple[int, int]:
        """Holiday years: from the year before signature to a few years past the last due date."""
        last_due = max((c["due_on"] for c in commitments), default=self.as_of)
        first = min(self.agreement.signed_on, self.as_of).year - 1
        return first, max(self.as_of, last_due).year + CALENDAR.holiday_years_ahead

    def _host_calendar(self) -> WorkingCalendar:
        return working_calendar(None, self.agreement.host_country, "", self._host_years, ())

    @property
    def _host_years(self) -> tuple[int, int]:
        return self.agreement.signed_on.year - 1, self.as_of.year + CALENDAR.holiday_years_ahead

    def _parties(self, participations, calendars) -> tuple[engine.Party, ...]:
        host = self.agreement.host_country
        return tuple(
            engine.Party(
                id=_s(row["party__uuid"]),
                name=row["party__short_name"] or row["party__name"],
                kind=row["party__kind"],
                country=row["party__country"],
                is_local=row["party__country"] == host
                and row["party__parent__country"] in (None, host),
                decision_cycle_working_days=row["party__decision_cycle_days"],
                calendar=calendars[row["party_id"]],
            )
            for row in participations
        )

    def _engine_participations(self, participations) -> tuple[engine.Participation, ...]:
        return tuple(
            engine.Participation(
                party=_s(row["party__uuid"]),
                role=row["role"],
                power=float(row["power"]),
                legitimacy=float(row["legitimacy"]),
                urgency=float(row["urgency"]),
                interest=float(row["interest"]),
            )
            for row in participations
        )

    # ----- commitments, replayed to their status on as_of --------------------------------

    def _commitment_rows(self) -> list[dict[str, Any]]:
        rows = self.source.rows(
            Commitment.objects.filter(created_at__lt=self.end).order_by("pk"),
            "agreement",
            (
                "id", "uuid", "title", "category", "importance", "owed_by_id", "due_on",
                "start_on",
                "duration_optimistic", "duration_likely", "duration_pessimistic",
                "milestone_id", "status", "delivered_on", "created_at",
                "source_interaction_id", "source_interaction__occurred_on",
                "source_interaction__confidentiality", "translations",
            ),
            flat=False,
        )  # fmt: skip
        for row in rows:
            uuid = _s(row["uuid"])
            self.names.commitments[uuid] = {"uuid": uuid, "title": row["title"]}
            self._translated(uuid, row["title"], row["translations"], "title")
        return rows

    def _due_dates_in_force(self, commitments, states: dict[int, _State]) -> None:
        """Each row's ``due_on`` becomes the due date in force on ``as_of`` — for a delivered
        commitment, on the day it was delivered (a date agreed afterwards excuses nothing) —
        from the dated history of renegotiations and changes (``CommitmentDueChange``)."""
        changes: dict[int, list[tuple[date, date, date]]] = defaultdict(list)
        rows = self.source.rows(
            CommitmentDueChange.objects.order_by(
                "commitment_id", "in_force_from", "created_at", "pk"
            ),
            "commitment__agreement",
            ("commitment_id", "in_force_from", "from_due_on", "to_due_on"),
            flat=True,
        )
        for commitment_id, *change in rows:
            changes[commitment_id].append(tuple(change))
        for c in commitments:
            if c["id"] in changes:
                on = states[c["id"]].delivered or self.as_of
                c["due_on"] = due_in_force(c["due_on"], changes[c["id"]], on)
                # Moved after the date had already passed: trust counts the breach of that
                # first date, and its repair if the new one is met (docs/insights.md, "Trust").
                c["renegotiated_from"] = next(
                    (old for when, old, new in changes[c["id"]]
                     if when <= on and when > old and new > old),
                    None,
                )  # fmt: skip

    def _states(self, commitments) -> dict[int, _State]:
        """Each commitment's status on ``as_of``, from its status history."""
        changes: dict[int, list[tuple[str, date]]] = defaultdict(list)
        rows = self.source.rows(
            CommitmentStatusChange.objects.order_by(
                "commitment_id", "happened_on", "created_at", "pk"
            ),
            "commitment__agreement",
            ("commitment_id", "to_status", "happened_on"),
            flat=True,
        )
        for commitment_id, status, on in rows:
            changes[commitment_id].append((status, on))
        return {c["id"]: _state(c, changes.get(c["id"], []), self.as_of) for c in commitments}

    def _owed_to(self) -> dict[int, list[str]]:
        through = Commitment.owed_to.through
        rows = self.source.rows(
            through.objects.order_by("pk"),
            "commitment__agreement",
            ("commitment_id", "party_id"),
            flat=True,
        )
        owed: dict[int, list[str]] = defaultdict(list)
        for commitment_id, party_id in rows:
            if party_id in self.party_uuid:
                owed[commitment_id].append(self.party_uuid[party_id])
        return owed

    def _answers(self, states: dict[int, _State]) -> dict[int, tuple[list[str], list[str]]]:
        """For each commitment delivered on ``as_of``: the parties owed that had confirmed
        that delivery by then, and those asked that had not (yet)."""
        rows = self.source.rows(
            DeliveryConfirmation.objects.filter(delivery__happened_on__lte=self.as_of).order_by(
                "pk"
            ),
            "commitment__agreement",
            ("commitment_id", "delivery__happened_on", "party_id", "status", "answered_on"),
            flat=True,
        )
        answers: dict[int, tuple[list[str], list[str]]] = {}
        for commitment_id, delivered_on, party_id, status, answered_on in rows:
            state = states.get(commitment_id)
            if state is None or state.delivered != delivered_on or party_id not in self.party_uuid:
                continue
            confirmed, unconfirmed = answers.setdefault(commitment_id, ([], []))
            done = status == ConfirmationStatus.CONFIRMED and answered_on <= self.as_of
            (confirmed if done else unconfirmed).append(self.party_uuid[party_id])
        return answers

    def _commitments(
        self, commitments, states, owed_to, answers, depends
    ) -> tuple[engine.Commitment, ...]:
        out = []
        for c in commitments:
            if c["owed_by_id"] not in self.party_uuid:
                continue
            state = states[c["id"]]
            confirmed, unconfirmed = answers.get(c["id"], ((), ()))
            out.append(
                engine.Commitment(
                    id=_s(c["uuid"]),
                    owed_by=self.party_uuid[c["owed_by_id"]],
                    owed_to=tuple(owed_to.get(c["id"], ())),
                    due=c["due_on"],
                    delivered=state.delivered,
                    status=state.status,
                    label=c["title"],
                    category=c["category"],
                    disputed_from=state.disputed_from,
                    disputed_until=state.disputed_until,
                    confirmed_by=tuple(confirmed),
                    unconfirmed_by=tuple(unconfirmed),
                    importance=c["importance"],
                    depends_on=tuple(depends.get(c["id"], ())),
                    renegotiated_from=c.get("renegotiated_from"),
                )
            )
        return tuple(out)

    def _follow_ups(self, commitments, states, owed_to) -> tuple[engine.FollowUp, ...]:
        """Actions agreed in a meeting: each creditor asked the owing party for them."""
        out = []
        for c in commitments:
            if c["source_interaction_id"] is None or c["owed_by_id"] not in self.party_uuid:
                continue
            asked = c["created_at"].date()
            if c["source_interaction__confidentiality"] == Confidentiality.SHARED:
                asked = min(asked, c["source_interaction__occurred_on"])
            debtor = self.party_uuid[c["owed_by_id"]]
            for creditor in owed_to.get(c["id"], ()):
                if creditor != debtor:
                    out.append(
                        engine.FollowUp(
                            id=f"{c['uuid']}>{creditor}",
                            asked_by=creditor,
                            owed_by=debtor,
                            asked=asked,
                            answered=states[c["id"]].delivered,
                            label=c["title"],
                        )
                    )
        return tuple(out)

    # ----- interactions (shared only) ----------------------------------------------------

    def _interactions(self) -> tuple[tuple[engine.Interaction, ...], dict[str, str]]:
        shared = {
            "interaction__confidentiality": Confidentiality.SHARED,
            "interaction__occurred_on__lte": self.as_of,
        }
        present: dict[int, list[str]] = defaultdict(list)
        through = InteractionRow.parties.through
        for ix, party in self.source.rows(
            through.objects.filter(**shared).order_by("pk"),
            "interaction__agreement",
            ("interaction_id", "party_id"),
            flat=True,
        ):
            if party in self.party_uuid:
                present[ix].append(self.party_uuid[party])
        people, person_of = self._people_present(shared)
        out = []
        for row in self.source.rows(
            InteractionRow.objects.filter(
                confidentiality=Confidentiality.SHARED, occurred_on__lte=self.as_of
            ).order_by("occurred_on", "pk"),
            "agreement",
            ("id", "uuid", "kind", "occurred_on", "tone"),
            flat=False,
        ):
            uuid = _s(row["uuid"])
            self.names.interactions[uuid] = {
                "uuid": uuid,
                "kind": row["kind"],
                "date": row["occurred_on"].isoformat(),
            }
            out.append(
                engine.Interaction(
                    id=uuid,
                    date=row["occurred_on"],
                    parties=tuple(present.get(row["id"], ())),
                    people=tuple(people.get(row["id"], ())),
                    tone=row["tone"],
                    kind=row["kind"],
                )
            )
        return tuple(out), person_of

    def _people_present(
        self, shared: dict[str, Any]
    ) -> tuple[dict[int, list[str]], dict[str, str]]:
        through = InteractionRow.people.through
        rows = self.source.rows(
            through.objects.filter(**shared).order_by("pk"),
            "interaction__agreement",
            ("interaction_id", "person_id", "person__uuid", "person__name", "person__party_id"),
            flat=True,
        )
        people: dict[int, list[str]] = defaultdict(list)
        person_of: dict[str, str] = {}
        for ix, _pk, uuid, name, party in rows:
            if party not in self.party_uuid:
                continue
            uuid = _s(uuid)
            people[ix].append(uuid)
            person_of[uuid] = self.party_uuid[party]
            self.names.people[uuid] = {"uuid": uuid, "name": name}
        return people, person_of

    # ----- pulses, expectations, requirements, grievances --------------------------------

    def _pulses(self) -> tuple[engine.PulseResponse, ...]:
        rows = self.source.rows(
            TrustResponse.objects.filter(submitted_on__lte=self.as_of).order_by("pk"),
            "pulse__agreement",
            (
                "uuid", "pulse__uuid", "pulse__title", "respondent_party_id", "about_party_id",
                "submitted_on", *engine.PULSE_DIMENSIONS,
            ),
            flat=False,
        )  # fmt: skip
        out = []
        for row in rows:
            if not {row["respondent_party_id"], row["about_party_id"]} <= set(self.party_uuid):
                continue
            uuid = _s(row["uuid"])
            self.names.pulse_of[uuid] = {
                "uuid": _s(row["pulse__uuid"]),
                "title": row["pulse__title"],
            }
            out.append(
                engine.PulseResponse(
                    id=uuid,
                    respondent_party=self.party_uuid[row["respondent_party_id"]],
                    about_party=self.party_uuid[row["about_party_id"]],
                    date=row["submitted_on"],
                    **{d: row[d] for d in engine.PULSE_DIMENSIONS},
                )
            )
        return tuple(out)

    def _expectations(self) -> tuple[engine.Expectation, ...]:
        rows = self.source.rows(
            ExpectationRow.objects.filter(recorded_on__lte=self.as_of).order_by("pk"),
            "topic__agreement",
            (
                "uuid", "topic__uuid", "topic__name", "party_id", "target_date", "priority",
                "target_value", "recorded_on", "topic__translations",
            ),
            flat=False,
        )  # fmt: skip
        out = []
        for row in rows:
            if row["party_id"] not in self.party_uuid:
                continue
            topic = _s(row["topic__uuid"])
            self.names.topics[topic] = {"uuid": topic, "name": row["topic__name"]}
            self._translated(topic, row["topic__name"], row["topic__translations"], "name")
            value = row["target_value"]
            out.append(
                engine.Expectation(
                    party=self.party_uuid[row["party_id"]],
                    topic=topic,
                    target_date=row["target_date"],
                    priority=row["priority"],
                    target_value=None if value is None else float(value),
                    recorded=row["recorded_on"],
                    id=_s(row["uuid"]),
                )
            )
        return tuple(out)

    def _regulatory(self) -> tuple[engine.RegulatoryRequirement, ...]:
        rows = self.source.rows(
            RegulatoryRequirement.objects.filter(created_at__lt=self.end).order_by("pk"),
            "agreement",
            (
                "uuid", "instrument", "deadline", "alignment_status", "authority__uuid",
                "translations",
            ),
            flat=False,
        )  # fmt: skip
        out = []
        for row in rows:
            uuid = _s(row["uuid"])
            self.names.requirements[uuid] = {"uuid": uuid, "name": row["instrument"]}
            self._translated(uuid, row["instrument"], row["translations"], "instrument")
            out.append(
                engine.RegulatoryRequirement(
                    id=uuid,
                    due=row["deadline"],
                    aligned=row["alignment_status"] == AlignmentStatus.ALIGNED,
                    label=row["instrument"],
                    authority=_s(row["authority__uuid"] or ""),
                )
            )
        return tuple(out)

    def _grievances(self) -> tuple[engine.Grievance, ...]:
        rows = self.source.rows(
            GrievanceRow.objects.filter(received_on__lte=self.as_of).order_by("pk"),
            "agreement",
            ("uuid", "reference", "received_on", "response_due_on", "responded_on", "resolved_on"),
            flat=False,
        )
        out = []
        for row in rows:
            uuid = _s(row["uuid"])
            self.names.grievances[uuid] = {"uuid": uuid, "name": row["reference"]}
            # Resolved counts as answered (alliance.attention.counts.unanswered_grievance_q).
            answers = [d for d in (row["responded_on"], row["resolved_on"]) if d]
            responded = min(answers) if answers else None
            out.append(
                engine.Grievance(
                    id=uuid,
                    received=row["received_on"],
                    response_due=row["response_due_on"],
                    responded=responded if responded and responded <= self.as_of else None,
                    label=row["reference"],
                )
            )
        return tuple(out)

    # ----- the schedule's input -----------------------------------------------------------

    def _dependencies(self, commitments) -> dict[int, list[str]]:
        """Each commitment's prerequisites (ids of commitments whose owing party takes part)."""
        known = {c["id"]: _s(c["uuid"]) for c in commitments if c["owed_by_id"] in self.party_uuid}
        depends: dict[int, list[str]] = defaultdict(list)
        links = self.source.rows(
            CommitmentDependency.objects.order_by("pk"),
            "commitment__agreement",
            ("commitment_id", "prerequisite_id"),
            flat=True,
        )
        for child, parent in links:
            if child in known and parent in known:
                depends[child].append(known[parent])
        return depends

    def _schedule(self, commitments, states, calendars, depends) -> ScheduleInput:
        milestones = self._milestones()
        known = {c["id"]: _s(c["uuid"]) for c in commitments if c["owed_by_id"] in self.party_uuid}
        tasks, histories = [], defaultdict(lambda: ([], []))
        for c in commitments:
            if c["id"] not in known:
                continue
            state = states[c["id"]]
            tasks.append(_task(c, state, known[c["id"]], depends, milestones, self.party_uuid))
            if state.delivered is not None and state.started is not None:
                planned, actual = histories[self.party_uuid[c["owed_by_id"]]]
                planned.append(float(c["duration_likely"]))
                actual.append(_worked(calendars[c["owed_by_id"]], state.started, state.delivered))
        return ScheduleInput(
            tasks=tuple(tasks),
            as_of=self.as_of,
            calendars={self.party_uuid[pk]: cal for pk, cal in calendars.items()},
            histories=tuple(
                PartyHistory(party, tuple(p), tuple(a)) for party, (p, a) in histories.items()
            ),
            milestone_dues={uuid: due for uuid, due in milestones.values()},
            risks=self._schedule_risks(known),
        )

    def _schedule_risks(self, known: dict[int, str]) -> tuple[ScheduleRisk, ...]:
        """Open risks with a delay and linked commitments, as risk events of the forecast; a
        risk without its own probability takes the one its likelihood (1-5) stands for."""
        rows = self.source.rows(
            Risk.objects.filter(
                status=RiskStatus.OPEN,
                delay_working_days__gt=0,
                confidentiality=Confidentiality.SHARED,  # snapshots are every member's
                created_at__lt=self.end,
            ).order_by("pk"),
            "agreement",
            ("id", "uuid", "title", "probability", "likelihood", "delay_working_days"),
            flat=False,
        )
        if not rows:
            return ()
        links: dict[int, list[str]] = defaultdict(list)
        for risk_id, commitment_id in self.source.rows(
            Risk.commitments.through.objects.order_by("pk"),
            "risk__agreement",
            ("risk_id", "commitment_id"),
            flat=True,
        ):
            if commitment_id in known:
                links[risk_id].append(known[commitment_id])
        scale = SCHEDULE.likelihood_probability
        return tuple(
            ScheduleRisk(
                id=_s(row["uuid"]),
                probability=(
                    row["probability"]
                    if row["probability"] is not None
                    else scale[min(max(row["likelihood"], 1), len(scale)) - 1]
                ),
                impact=float(row["delay_working_days"]),
                tasks=tuple(links[row["id"]]),
                label=row["title"],
            )
            for row in rows
            if links[row["id"]]
        )

    def _translated(self, uuid: str, text: str, translations: Any, field: str) -> None:
        """Keep the translations of a name, for the messages that name its object."""
        value = messages.named(text, translations, field)
        if value is not text:
            self.names.translated[uuid] = value
            self.names.translated_text.setdefault(text, value)

    def _milestones(self) -> dict[int, tuple[str, date]]:
        rows = self.source.rows(
            Milestone.objects.order_by("due_on", "title", "pk"),
            "agreement",
            ("id", "uuid", "title", "due_on", "translations"),
            flat=False,
        )
        out = {}
        for row in rows:
            uuid = _s(row["uuid"])
            self.names.milestones[uuid] = {"uuid": uuid, "title": row["title"]}
            self._translated(uuid, row["title"], row["translations"], "title")
            out[row["id"]] = (uuid, row["due_on"])
        return out


# --------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    """A commitment as it stood on ``as_of``."""

    status: str
    delivered: date | None  # delivery date, when delivered by then
    finished: date | None  # delivery or waiver date (a fixed task in the schedule)
    started: date | None  # when work began, if it had
    # Its last dispute settled by then: from the day it was disputed to the next change.
    disputed_from: date | None = None
    disputed_until: date | None = None


def _state(row: dict[str, Any], changes: list[tuple[str, date]], as_of: date) -> _State:
    """Replay the status history up to ``as_of``; a commitment without any history (bulk
    imports) keeps its current status unless its delivery came after ``as_of``."""
    if not changes:
        delivered = row["delivered_on"]
        if delivered is not None and delivered > as_of:
            return _State(CommitmentStatus.IN_PROGRESS, None, None, row["start_on"])
        status = row["status"]
        finished = delivered if status in FIXED else None
        return _State(status, delivered, finished, row["start_on"] or delivered)
    seen = [(status, on) for status, on in changes if on <= as_of]
    status, on = seen[-1] if seen else (CommitmentStatus.PLANNED, None)
    started = next((d for s, d in seen if s in STARTED), None)
    delivered = on if status == CommitmentStatus.DELIVERED else None
    finished = on if status in FIXED else None
    if delivered is not None and started is None:
        started = row["start_on"] if row["start_on"] and row["start_on"] <= delivered else None
    return _State(status, delivered, finished, started, *_last_dispute(seen))


def _last_dispute(seen: list[tuple[str, date]]) -> tuple[date | None, date | None]:
    """The last settled dispute in a replayed history: (disputed on, next change on)."""
    for k in range(len(seen) - 2, -1, -1):
        if seen[k][0] == CommitmentStatus.DISPUTED:
            return seen[k][1], seen[k + 1][1]
    return None, None


def _task(c, state: _State, uuid: str, depends, milestones, party_uuid) -> ScheduleTask:
    milestone = milestones.get(c["milestone_id"])
    status = state.status
    if status == CommitmentStatus.WAIVED and state.finished is None:
        status = CommitmentStatus.PLANNED  # waived without a date: nothing to pin it to
    return ScheduleTask(
        id=uuid,
        party=party_uuid[c["owed_by_id"]],
        optimistic=float(c["duration_optimistic"]),
        most_likely=float(c["duration_likely"]),
        pessimistic=float(c["duration_pessimistic"]),
        depends_on=tuple(depends.get(c["id"], ())),
        due=c["due_on"],
        start=state.started if status in STARTED and state.started else c["start_on"],
        milestone=milestone[0] if milestone else None,
        status=status,
        actual_finish=state.finished,
        label=c["title"],
    )


def _worked(calendar: WorkingCalendar, started: date, delivered: date) -> float:
    """Working days from the start to the delivery, both counted."""
    return float(max(calendar.working_days_between(started, delivered + timedelta(days=1)), 1))


@lru_cache(maxsize=512)
def working_calendar(
    weekmask: str | None,
    country: str,
    subdivision: str,
    years: tuple[int, int],
    blackouts: tuple[tuple[date, date], ...],
) -> WorkingCalendar:
    """A party's working calendar: its week, its country's public holidays for ``years``
    (inclusive) and its blackouts. Cached: calendars are immutable, and numpy's business-day
    calendar inside each one is built once."""
    if country:
        try:
            return WorkingCalendar.for_country(
                country,
                subdivision or None,
                years=range(years[0], years[1] + 1),
                weekmask=weekmask,
                blackouts=blackouts,
            )
        except (UnknownCalendarError, NotImplementedError):
            pass
    return WorkingCalendar(weekmask=weekmask or CALENDAR.default_weekmask, blackouts=blackouts)


# --------------------------------------------------------------------------
# Stored snapshots
# --------------------------------------------------------------------------


def snapshot_history(agreement: Agreement, kind: str) -> QuerySet[InsightSnapshot]:
    """Every stored snapshot of one kind for an agreement, oldest first."""
    return InsightSnapshot.objects.filter(agreement=agreement, kind=kind).order_by("as_of")


def with_localized_data(snapshots: Sequence[InsightSnapshot]) -> list[InsightSnapshot]:
    """``snapshots`` (rows read without their data, through the caller's access policy) with
    their data in the reader's language, in the same order.

    Generated text is stored as messages: the reader gets them in their language (in memory
    only; the stored snapshot keeps its keys). A snapshot's data in a language is the same for
    every reader, so it is read, decoded and rendered once per process
    (``analytics.snapshot_cache``): only the snapshots not yet there are read, in one query
    for all of them. One replaced by a recomputation between the two reads is left out (shown
    as not computed for this one view rather than read again half-way)."""
    shared = snapshot_cache.cache()
    language = translation.get_language() or settings.LANGUAGE_CODE
    missing: dict[int, tuple[InsightSnapshot, tuple[str, datetime, str]]] = {}
    for snapshot in snapshots:
        key = (str(snapshot.uuid), snapshot.computed_at, language)
        data = shared.get(key)
        if data is None:
            missing[snapshot.pk] = (snapshot, key)
        else:
            snapshot.data = data
    if missing:
        rows = InsightSnapshot.objects.filter(pk__in=list(missing)).values_list("pk", "data")
        for pk, data in rows:
            snapshot, key = missing.pop(pk)
            snapshot.data = messages.localized(data)
            shared.put(key, snapshot.data)
    gone = {snapshot.pk for snapshot, _key in missing.values()}
    return [snapshot for snapshot in snapshots if snapshot.pk not in gone]


def latest_snapshots_for(
    agreements: Iterable[Agreement] | QuerySet[Agreement],
    kinds: Sequence[str],
    *,
    keys: Sequence[str] | None = None,
    localize: bool = True,
) -> dict[int, dict[str, Any]]:
    """The newest snapshot of each kind for each agreement, in one query.

    Returns ``{agreement id: {kind: snapshot}}``. The portfolio lists many agreements, so with
    ``keys`` (e.g. ``("figure", "trend")``) only those top-level keys of ``data`` are read from
    the database and each value is a plain dict ``{"uuid", "as_of", "computed_at", <key>...}``
    instead of a model instance. ``agreements`` may be a queryset (it stays a subquery) or a
    list. The newest row per (agreement, kind) is found with a ``ROW_NUMBER()`` window, which
    SQLite and PostgreSQL both run. ``localize=False`` (with ``keys``): the values as stored,
    their messages not rendered, for a caller that reads only figures and identifiers.
    """
    kinds = list(kinds)
    if not kinds:
        return {}
    latest = _newest_snapshots(agreements, kinds)
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    if keys is None:
        # The rows without their data: ``with_localized_data`` reads it, or finds it already
        # in the reader's language.
        for snapshot in with_localized_data(list(latest.defer("data"))):
            found[snapshot.agreement_id][snapshot.kind] = snapshot
        return dict(found)
    extracted = {f"data__{key}": KeyTransform(key, "data") for key in keys}
    rows = latest.values("agreement_id", "kind", "uuid", "as_of", "computed_at", **extracted)
    for row in rows:
        values = {
            key: messages.localized(row[f"data__{key}"]) if localize else row[f"data__{key}"]
            for key in keys
        }
        found[row["agreement_id"]][row["kind"]] = {
            "uuid": row["uuid"],
            "as_of": row["as_of"],
            "computed_at": row["computed_at"],
            **values,
        }
    return dict(found)


def _newest_snapshots(
    agreements: Iterable[Agreement] | QuerySet[Agreement], kinds: Sequence[str]
) -> QuerySet[InsightSnapshot]:
    """The newest snapshot of each kind of each agreement (see :func:`latest_snapshots_for`)."""
    if not isinstance(agreements, QuerySet):
        agreements = [a.pk for a in agreements]
    ranked = InsightSnapshot.objects.filter(agreement__in=agreements, kind__in=kinds).annotate(
        newest=Window(
            RowNumber(),
            partition_by=[F("agreement_id"), F("kind")],
            order_by=F("as_of").desc(),
        )
    )
    # The window ranks the rows through the (agreement, kind, as_of) index alone; only the
    # newest rows are then read. Reading any column of every dated row would cost more than
    # it seems: on SQLite the columns stored after ``data`` (``agreement_id``) sit behind the
    # JSON's overflow pages, and extracting keys would parse (or de-TOAST) every row's data.
    return InsightSnapshot.objects.filter(pk__in=ranked.filter(newest=1).values("pk"))


# The rows of the newest schedule forecasts whose chance of being on time is below a bound,
# taken apart by the database: [agreement, as_of, position, commitment uuid, probability as
# the JSON has it]. The bound is loose (``%s``: a little above the caller's); the caller
# tests each probability itself, as Python reads it.
_CHANCES_SQL = {
    "postgresql": """
SELECT s.agreement_id, s.as_of, x.n, x.e -> 'commitment' ->> 'uuid',
       (x.e -> 'probability_on_time')::text
FROM {table} s CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(s.data -> 'commitments') = 'array'
    THEN s.data -> 'commitments' ELSE '[]'::jsonb END
) WITH ORDINALITY AS x(e, n)
WHERE s.id IN ({newest}) AND jsonb_typeof(x.e -> 'probability_on_time') = 'number'
  AND jsonb_typeof(x.e -> 'commitment') = 'object'
  AND (x.e ->> 'probability_on_time')::float8 < %s
ORDER BY s.agreement_id, x.n
""",
    "sqlite": """
SELECT s.agreement_id, s.as_of, x.key, x.value ->> '$.commitment.uuid',
       x.value -> '$.probability_on_time'
FROM {table} s, json_each(s.data, '$.commitments') x
WHERE s.id IN ({newest}) AND json_type(x.value, '$.probability_on_time') IN ('integer', 'real')
  AND json_type(x.value, '$.commitment') = 'object'
  AND x.value ->> '$.probability_on_time' < %s
ORDER BY s.agreement_id, x.key
""",
}


def _json_number(text: str) -> float:
    """A JSON number as ``json.loads`` reads it (an integer when it has no fraction and no
    exponent), without the decoder's cost (thousands per inbox)."""
    return float(text) if any(c in text for c in ".eE") else int(text)


def forecast_chances_below(
    agreements: Iterable[Agreement] | QuerySet[Agreement], below: float
) -> dict[str, tuple[float, date]]:
    """The commitments whose probability of being delivered on time, in their agreement's
    newest schedule forecast, is below ``below``: ``{commitment uuid: (probability, the
    forecast's as_of)}``, in one query. The database takes the forecasts' rows apart and
    keeps those: a counsellor of 300 agreements had 7,600 rows (3.6 MB of JSON) decoded
    to find 3,900, 90 ms of CPU and half a second of transfer."""
    newest = _newest_snapshots(agreements, ["schedule"]).values("pk")
    subquery, params = newest.query.sql_with_params()
    sql = _CHANCES_SQL[connection.vendor].format(
        table=connection.ops.quote_name(InsightSnapshot._meta.db_table), newest=subquery
    )
    chances: dict[str, tuple[float, date]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, below + 1e-9])
        for _agreement, as_of, _n, uuid, text in cursor.fetchall():
            p = _json_number(text)
            if uuid and p < below:
                chances[uuid] = (p, as_of if isinstance(as_of, date) else date.fromisoformat(as_of))
    return chances


# --------------------------------------------------------------------------
# Recomputations waiting or running
# --------------------------------------------------------------------------

RECOMPUTE_TASK = "alliance.analytics.tasks.recompute_agreement"


def agreements_updating(agreements: Iterable[Agreement]) -> set[str]:
    """UUIDs of the agreements (among ``agreements``) whose recomputation is queued or running
    in the task queue — the same rows the worker reads, so a page says "updating…" exactly
    while there is something left to do (one query over the few unfinished tasks)."""
    wanted = {str(a.uuid) for a in agreements}
    if not wanted:
        return set()
    pending = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], task_path=RECOMPUTE_TASK
    ).values_list("args_kwargs", flat=True)
    queued = {str(a) for row in pending for a in (row or {}).get("args", [])[:1]}
    return wanted & queued
