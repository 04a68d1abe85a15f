"""The scale generator: a synthetic portfolio of the demo's shapes at any size.

``generate(agreements=N, seed=S)`` writes N agreements (1 to 10,000) with everything that hangs
from them — participations drawn from a shared pool of parties with people and rhythms, about 50
commitments each (owed-to parties, acyclic dependencies, milestones, status history, three-point
durations), about 100 interactions (parties, people, tone, confidentiality), topics with
expectations, trust pulses with answers, risks, regulatory requirements, local indicators with
observations, strategic objectives, grievances and a few early warnings — plus a handful of
``gen-*`` users with memberships, so that pages can be load-tested (``gen-owner`` is owner of
every generated agreement).

How it stays fast and small:

- Agreements are built and written in chunks (one transaction each) as plain tuples, never as
  a whole portfolio in memory; each chunk is dropped once written.
- Primary keys are reserved before the rows are built (on PostgreSQL from each table's own
  sequence, so a concurrent writer can never collide), so parents and children are written in
  one pass without reading anything back.
- On PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg 3); elsewhere, or with
  ``method="orm"``, through ``bulk_create``.

Behaviour follows a planted truth: every directed pair of pool parties (trustee → truster) has a
**latent reliability**, the chance that the trustee delivers a commitment owed to the truster on
time (:func:`latent_reliability`, a party's own tendency plus the pair's, derived from the seed
alone and stored nowhere the product reads). Each party owes its commitments to a few
counterparts, and a commitment that falls due is delivered on time with that chance, else late,
left open, disputed or waived — so a study can check that the trust index ranks the pairs as the
truth does (``scenarios/tests/test_generator_truth.py``, ``bench/insights.py``).

What it deliberately does not do: it writes no ``AuditEvent``. The audit trail records changes
made by people through the services; generated rows are synthetic bulk data that nobody changed,
and a million fake "created" events would only drown the real trail (and double the load time).

Determinism: everything random comes from ``random.Random`` seeded with the seed (one stream for
the party pool, one per agreement), UUIDs included, and dates count back from a fixed ``as_of``
rather than from today — so the same seed and size give the same data, whatever the chunk size,
the database or the day. Names that must be unique carry the seed (``gen7-00042 …``), so runs
with different seeds append to the same database; a seed already present is refused.
"""

# Rows are tuples concatenated from a few groups of columns, so each row reads like its table's
# column list; the unpacking form that RUF005 prefers would spread every row over 15 lines.
# ruff: noqa: RUF005

from __future__ import annotations

import math
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from alliance.engagement.models import (
    Interaction,
    Topic,
    TrustPulse,
)
from alliance.partnerships.models import (
    Agreement,
    Commitment,
    Milestone,
    Party,
    Person,
    StrategicObjective,
)
from alliance.risks.models import (
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)
from alliance.scenarios import generator_vocabulary as V
from alliance.scenarios.generator_tables import (
    AGREEMENT,
    ALL_TABLES,
    BLACKOUT,
    CHUNK_TABLES,
    COMMITMENT,
    DEPENDENCY,
    EXPECTATION,
    GRIEVANCE,
    INDICATOR,
    INTERACTION,
    INTERACTION_PARTY,
    INTERACTION_PERSON,
    INTERACTION_RESTRICTED,
    MEMBERSHIP,
    MILESTONE,
    OBJECTIVE,
    OBJECTIVE_COMMITMENT,
    OBJECTIVE_INDICATOR,
    OBSERVATION,
    OWED_TO,
    PARTICIPATION,
    PARTY,
    PERSON,
    POOL_TABLES,
    PULSE,
    REQUIREMENT,
    REQUIREMENT_COMMITMENT,
    RESPONSE,
    RISK,
    RISK_COMMITMENT,
    STATUS_CHANGE,
    TOPIC,
    WARNING,
    CountingIds,
    IdSource,
    Rows,
    SequenceIds,
    bulk_create_rows,
    copy_rows,
    write_rows,
)

MAX_AGREEMENTS = 10_000
# Dates count back from here, not from today, so a seed means the same data on any day.
DEFAULT_AS_OF = date(2026, 9, 30)
DEFAULT_CHUNK_SIZE = 100
# Password of the generated users: they exist for load tests on throw-away databases.
GENERATED_PASSWORD = "generated-load-test"
METHODS = ("auto", "copy", "orm")


class GeneratorError(ValueError):
    """Bad arguments or a database the generator cannot append to; nothing was written."""


# ----- the generated world ------------------------------------------------------------------


@dataclass
class Pool:
    """The shared parties (by index) and what the agreements draw from them."""

    ids: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    short_names: list[str] = field(default_factory=list)
    people: list[list[int]] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)
    by_kind_country: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    field_office: dict[int, int] = field(default_factory=dict)


@dataclass
class Users:
    owner: int
    counsellor: int
    editor: int
    viewer: int
    reps: list[int]
    # The staff of a firm (``--counsellors`` / ``--representatives``): each agreement gets one
    # counsellor and two representatives drawn in turn, so each user's portfolio is a small
    # slice of the whole (the access policy's case at scale).
    counsellors: list[int] = field(default_factory=list)
    representatives: list[int] = field(default_factory=list)


@dataclass
class GenerationResult:
    """What a run wrote: rows per table, agreements, and how long it took."""

    agreements: int
    seed: int
    method: str
    rows: dict[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class Shape:
    """The size of each agreement; ``None`` draws it (8-12 parties, 60 days to 4 years of
    history, 40-60 commitments). Commitments start within ``plan_days`` of the signature.
    A known-truth study asks for one large agreement whose plan lies within its history."""

    parties: int | None = None
    history_days: int | None = None
    commitments: int | None = None
    plan_days: int = 3 * 365 - 60


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: date, rng: random.Random) -> datetime:
    """A working-hours moment of ``day`` (UTC)."""
    return datetime(
        day.year, day.month, day.day, 7 + rng.randrange(11), rng.randrange(60), tzinfo=UTC
    )


def _seed_prefix(seed: int) -> str:
    return f"gen{seed}-"


# The latent reliability of a pair is expit(party + pair): the trustee's own tendency
# (normal, this mean and spread, on the logit scale) plus the pair's (normal, centred).
RELIABILITY_PARTY_MEAN = 0.4
RELIABILITY_PARTY_SPREAD = 1.0
RELIABILITY_PAIR_SPREAD = 0.8
# How many counterparts each party owes its commitments to (all the others when fewer).
COUNTERPARTS = 3


def latent_reliability(seed: int, trustee: int, truster: int) -> float:
    """The planted chance that pool party ``trustee`` delivers a commitment owed to pool party
    ``truster`` on time (positions in the pool, from 0: see :func:`pool_position`). A function
    of the seed and the pair only, the same in every agreement of the run; nothing the product
    reads stores it."""
    party = random.Random(f"alliance-generate:{seed}:reliability:{trustee}")
    pair = random.Random(f"alliance-generate:{seed}:reliability:{trustee}>{truster}")
    logit = party.gauss(RELIABILITY_PARTY_MEAN, RELIABILITY_PARTY_SPREAD)
    logit += pair.gauss(0.0, RELIABILITY_PAIR_SPREAD)
    return 1.0 / (1.0 + math.exp(-logit))


def pool_position(seed: int, name: str) -> int:
    """The pool position of a generated party from its name (``gen7-00042 …`` is 41)."""
    found = re.match(rf"{re.escape(_seed_prefix(seed))}(\d+) ", name)
    if not found:
        raise ValueError(f"{name!r} is not a party generated with seed {seed}")
    return int(found.group(1)) - 1


def _users(counsellors: int = 0, representatives: int = 0) -> Users:
    """The ``gen-*`` users, shared by every run so ``gen-owner`` sees every generated agreement.
    One password hash for all: Argon2 is deliberately slow and these are throw-away accounts."""
    user_model = get_user_model()
    password = make_password(GENERATED_PASSWORD)
    staff = [f"gen-counsellor-{k}" for k in range(1, counsellors + 1)]
    staff += [f"gen-representative-{k}" for k in range(1, representatives + 1)]
    user_model.objects.bulk_create(
        [user_model(username=name, password=password, email="") for name in staff],
        batch_size=1000,
        ignore_conflicts=True,
    )
    staff_ids = dict(
        user_model.objects.filter(username__startswith="gen-").values_list("username", "pk")
    )
    ids: dict[str, int] = {}
    names = ["gen-owner", "gen-counsellor", "gen-editor", "gen-viewer"]
    names += [f"gen-rep-{k}" for k in range(1, V.REP_USERS + 1)]
    for name in names:
        user, _ = user_model.objects.get_or_create(
            username=name,
            defaults={"password": password, "is_staff": name == "gen-owner", "email": ""},
        )
        ids[name] = user.pk
    reps = [ids[f"gen-rep-{k}"] for k in range(1, V.REP_USERS + 1)]
    return Users(
        ids["gen-owner"],
        ids["gen-counsellor"],
        ids["gen-editor"],
        ids["gen-viewer"],
        reps,
        [staff_ids[f"gen-counsellor-{k}"] for k in range(1, counsellors + 1)],
        [staff_ids[f"gen-representative-{k}"] for k in range(1, representatives + 1)],
    )


def _pool_size(agreements: int) -> int:
    return max(20, 2 * agreements)


def build_pool(seed: int, size: int, ids: IdSource, as_of: date) -> tuple[Pool, Rows]:
    """The shared parties with their people and blackout periods. The first ten cover every
    kind, so even the smallest portfolio has each kind of actor."""
    rng = random.Random(f"alliance-generate:{seed}:pool")
    prefix = _seed_prefix(seed)
    rows: Rows = {PARTY: [], BLACKOUT: [], PERSON: []}
    pool = Pool(ids=ids.take(Party, size))
    kinds = list(V.PARTY_KINDS)
    weights = [V.PARTY_KINDS[k]["weight"] for k in kinds]
    for i, party_id in enumerate(pool.ids):
        kind = kinds[i] if i < len(kinds) else rng.choices(kinds, weights)[0]
        spec = V.PARTY_KINDS[kind]
        parent_id, level = None, "headquarters"
        hq = pool.by_kind.get(kind, [])
        if spec["local"]:
            country = rng.choice(V.HOST_COUNTRIES)
        elif hq and rng.random() < V.FIELD_OFFICE_SHARE and kind in V.FIELD_OFFICE_KINDS:
            # A field office in a host country, under one of its headquarters.
            parent = rng.choice(hq)
            if parent not in pool.field_office:
                pool.field_office[parent] = i
                parent_id, level = pool.ids[parent], "field"
            country = rng.choice(V.HOST_COUNTRIES)
        else:
            country = rng.choice(V.ORIGIN_COUNTRIES)
        label = rng.choice(spec["names"]).format(country=country)
        if level == "field":
            label = f"{pool.short_names[parent]} field office"
        short = f"{spec['abbr']}{i + 1}"
        low, high = spec["cycle"]
        working_week = "1111001" if country in V.SUNDAY_WEEK_COUNTRIES else "1111100"
        rows[PARTY].append(
            (party_id, _uuid(rng), _at(as_of - timedelta(days=1500), rng))
            + (f"{prefix}{i + 1:05d} {label}"[:200], short, kind, country, level, parent_id)
            + (rng.randint(low, high), rng.randint(1, spec["steps"]), working_week, country, "")
            + (rng.choice((1, 1, 1, 4, 7, 10)),)
        )
        pool.kinds.append(kind)
        pool.countries.append(country)
        pool.short_names.append(short)
        pool.by_kind.setdefault(kind, []).append(i)
        pool.by_kind_country.setdefault((kind, country), []).append(i)
        _party_people(rng, rows, pool, ids, party_id, i, prefix, as_of)
        if spec["blackouts"] and rng.random() < 0.3:
            start = as_of - timedelta(days=rng.randint(30, 900))
            reason = rng.choice(V.BLACKOUT_REASONS)
            end = start + timedelta(days=rng.randint(14, 90))
            rows[BLACKOUT].append((_uuid(rng), _at(start, rng), party_id, start, end, reason))
    return pool, rows


def _party_people(
    rng: random.Random,
    rows: Rows,
    pool: Pool,
    ids: IdSource,
    party_id: int,
    index: int,
    prefix: str,
    as_of: date,
) -> None:
    count = rng.randint(2, 4)
    person_ids = ids.take(Person, count)
    created = _at(as_of - timedelta(days=1500), rng)
    for j, person_id in enumerate(person_ids):
        name = f"{rng.choice(V.FIRST_NAMES)} {rng.choice(V.LAST_NAMES)}"
        email = f"{prefix}{index + 1}.{j + 1}@generated.example"
        langs = rng.choice(("en", "fr", "en,fr", "fr,en", "en,de", "pt,en"))
        role = rng.choice(V.ROLE_TITLES)
        rows[PERSON].append(
            (person_id, _uuid(rng), created, party_id, name, role, email, langs, None)
        )
    pool.people.append(person_ids)


# ----- one agreement ------------------------------------------------------------------------


class _AgreementBuilder:
    """Builds the rows of one agreement from its own random stream."""

    def __init__(self, *, seed: int, index: int, pool: Pool, users: Users, ids: IdSource,
                 rows: Rows, as_of: date, shape: Shape | None = None) -> None:  # fmt: skip
        self.r = random.Random(f"alliance-generate:{seed}:{index}")
        self.seed, self.index, self.pool, self.users = seed, index, pool, users
        self.ids, self.rows, self.as_of = ids, rows, as_of
        self.shape = shape or Shape()

    def build(self) -> None:
        r = self.r
        self.span = r.randint(60, 4 * 365)  # days between signature and as_of
        if self.shape.history_days is not None:
            self.span = self.shape.history_days
        self.signed = self.as_of - timedelta(days=self.span)
        self.effective = self.signed + timedelta(days=r.randint(0, 120))
        self.host = r.choice(V.HOST_COUNTRIES)
        (self.agreement_id,) = self.ids.take(Agreement, 1)
        self.parties = self._participations()
        self.counterparts = {
            p: r.sample(
                [o for o in self.parties if o != p], min(COUNTERPARTS, len(self.parties) - 1)
            )
            for p in self.parties
        }
        self._agreement_row()
        self._memberships()
        self.milestones = self._milestones()
        self.interactions = self._interactions()
        self.commitments = self._commitments()
        self._topics()
        self._pulses()
        self._risks_and_requirements()
        self._indicators_and_objectives()
        self._grievances()

    def day(self, offset: int) -> date:
        return self.signed + timedelta(days=offset)

    def _agreement_row(self) -> None:
        r = self.r
        kind = r.choice(V.AGREEMENT_KINDS)
        sector, sector_fr = r.choice(V.SECTORS)
        title = f"{sector} – {V.AGREEMENT_TITLES[kind][0]} ({self.host})"
        title_fr = f"{sector_fr} – {V.AGREEMENT_TITLES[kind][1]} ({self.host})"
        countries = sorted({self.host} | {self.pool.countries[p] for p in self.parties})
        stage = V.STAGES[min(len(V.STAGES) - 1, self.span // 300)]
        value = Decimal(r.randrange(5, 2000) * 1_000_000)
        self.rows[AGREEMENT].append(
            (self.agreement_id, _uuid(r), _at(self.signed, r), {"fr": {"title": title_fr}})
            + (title, f"GEN{self.seed}-{self.index + 1:05d}", kind, V.AGREEMENT_SUMMARY)
            + (self.signed, self.effective, self.signed + timedelta(days=365 * r.randint(5, 25)))
            + (self.host, countries, value, r.choice(("USD", "EUR", "XOF")), stage)
        )

    def _participations(self) -> list[int]:
        """8 to 12 distinct parties, the core cast first (host government, regulator, lender,
        contractor, local firms, community), drawn in the host country where the pool has one."""
        r, pool = self.r, self.pool
        target = r.randint(8, 12)
        if self.shape.parties is not None:
            target = min(self.shape.parties, len(pool.ids))
        chosen: list[int] = []
        for kind in V.CAST:
            bucket = pool.by_kind_country.get((kind, self.host)) or pool.by_kind.get(kind)
            if bucket and len(chosen) < target:
                candidate = r.choice(bucket)
                if candidate not in chosen:
                    chosen.append(candidate)
                    office = pool.field_office.get(candidate)
                    if office is not None and office not in chosen and len(chosen) < target:
                        chosen.append(office)
        while len(chosen) < target:
            candidate = r.randrange(len(pool.ids))
            if candidate not in chosen:
                chosen.append(candidate)
        created = _at(self.signed, r)
        for p in chosen:
            role, power = V.ROLE_OF_KIND[pool.kinds[p]]
            self.rows[PARTICIPATION].append(
                (_uuid(r), created, self.agreement_id, pool.ids[p], role, power)
                + (r.randint(1, 5), r.randint(1, 5), r.randint(2, 5))
            )
        return chosen

    def _memberships(self) -> None:
        users, add = self.users, self.rows[MEMBERSHIP].append
        add((users.owner, self.agreement_id, "owner", None))
        add((users.counsellor, self.agreement_id, "counsellor", None))
        if self.index % 10 == 0:
            add((users.editor, self.agreement_id, "editor", None))
        if self.index % 5 == 0:
            add((users.viewer, self.agreement_id, "viewer", None))
        # Rep k is a member of every fifth agreement, representing that agreement's k-th party:
        # a party representative's (filtered) view gets load-tested at scale too.
        k = self.index % len(users.reps)
        if k < len(self.parties):
            party = self.pool.ids[self.parties[k]]
            add((users.reps[k], self.agreement_id, "party_rep", party))
        self._staff_memberships()

    def _staff_memberships(self) -> None:
        """One of the firm's counsellors and two representatives (of two different parties)
        in turn: with 200 counsellors and 3,000 representatives over 10,000 agreements, a
        counsellor runs 50 agreements and a representative sits on about 7."""
        users, add = self.users, self.rows[MEMBERSHIP].append
        if users.counsellors:
            counsellor = users.counsellors[self.index % len(users.counsellors)]
            add((counsellor, self.agreement_id, "counsellor", None))
        count = len(users.representatives)
        chosen = (
            {users.representatives[(2 * self.index + j) % count] for j in range(2)}
            if count
            else set()
        )
        for j, rep in enumerate(sorted(chosen)):
            party = self.pool.ids[self.parties[1 + j]]
            add((rep, self.agreement_id, "party_rep", party))

    def _milestones(self) -> list[tuple[int, date]]:
        r = self.r
        names = r.sample(V.MILESTONES, r.randint(4, 6))
        ids = self.ids.take(Milestone, len(names))
        result = []
        for step, (milestone_id, (title, title_fr)) in enumerate(zip(ids, names, strict=True)):
            due = self.day(180 * (step + 1) + r.randint(-30, 30))
            reached = None
            if due < self.as_of and r.random() < 0.8:
                reached = min(self.as_of, due + timedelta(days=r.randint(-10, 60)))
            self.rows[MILESTONE].append(
                (milestone_id, _uuid(r), _at(self.signed, r), {"fr": {"title": title_fr}})
                + (self.agreement_id, title, due, reached)
            )
            result.append((milestone_id, due))
        return result

    def _interactions(self) -> list[tuple[int, date]]:
        """About 100 interactions over the agreement's life; the tone starts tense and warms
        up over the first two years (the demo's arc)."""
        r, pool, users = self.r, self.pool, self.users
        count = r.randint(80, 120)
        ids = self.ids.take(Interaction, count)
        rows, parties_m2m = self.rows[INTERACTION], self.rows[INTERACTION_PARTY]
        people_m2m, restricted = self.rows[INTERACTION_PERSON], self.rows[INTERACTION_RESTRICTED]
        kinds, kind_weights = V.INTERACTION_KINDS
        result = []
        for interaction_id in ids:
            offset = r.randint(0, self.span)
            occurred = self.day(offset)
            present = r.sample(self.parties, r.choice((2, 2, 2, 3, 3, 4)))
            kind = r.choices(kinds, kind_weights)[0]
            mood = min(0.9, -0.6 + 1.5 * offset / 730)
            tone = max(-2, min(2, round(r.gauss(mood, 0.9))))
            roll = r.random()
            confidentiality = (
                "shared" if roll < 0.88 else "internal" if roll < 0.98 else "restricted"
            )
            language = "fr" if r.random() < 0.4 else "en"
            names = " / ".join(pool.short_names[p] for p in present)
            summary = V.interaction_summary(r, language, kind, names, tone)
            rows.append(
                (interaction_id, _uuid(r), _at(occurred, r), V.NO_TRANSLATIONS, confidentiality)
                + (self.agreement_id, kind, occurred, summary, tone, language, users.counsellor)
            )
            for p in present:
                parties_m2m.append((interaction_id, pool.ids[p]))
            if r.random() < 0.6:
                for p in present[: r.randint(1, 2)]:
                    people_m2m.append((interaction_id, r.choice(pool.people[p])))
            if confidentiality == "restricted":
                restricted.append((interaction_id, users.counsellor))
            result.append((interaction_id, occurred))
        return result

    def _commitments(self) -> list[tuple[int, str, date]]:
        """About 50 commitments, sorted by due date so that dependencies, which only point to
        earlier commitments, form an acyclic graph that also respects the dates."""
        r = self.r
        count = r.randint(40, 60) if self.shape.commitments is None else self.shape.commitments
        drafts = sorted(
            (self._commitment_draft() for _ in range(count)),
            key=lambda d: (d["due"], d["n"]),
        )
        ids = self.ids.take(Commitment, len(drafts))
        result = []
        for position, (commitment_id, draft) in enumerate(zip(ids, drafts, strict=True)):
            self._commitment_rows(commitment_id, draft)
            if position >= 3 and r.random() < 0.35:
                window = ids[max(0, position - 15) : position]
                for prerequisite in r.sample(window, 1 if r.random() < 0.7 else 2):
                    self.rows[DEPENDENCY].append((commitment_id, prerequisite))
            result.append((commitment_id, draft["status"], draft["due"]))
        return result

    def _commitment_draft(self) -> dict[str, Any]:
        r = self.r
        category = r.choice(V.COMMITMENT_CATEGORIES)
        source = None
        start = self.day(r.randint(0, self.shape.plan_days))
        created = self.day(r.randint(0, min(self.span, (start - self.signed).days)))
        if r.random() < 0.15:
            # A follow-up agreed during a meeting: recorded that day, started soon after.
            source, created = r.choice(self.interactions)
            start = max(start, created + timedelta(days=r.randint(1, 20)))
        likely = r.randint(5, 90)
        optimistic = max(1, int(likely * r.uniform(0.5, 0.9)))
        pessimistic = int(likely * r.uniform(1.2, 2.5)) + 1
        due = start + timedelta(days=int(likely * 1.4) + r.randint(0, 30))
        durations = (optimistic, likely, pessimistic)
        return {"n": r.random(), "category": category, "source": source, "start": start,
                "created": created, "due": due, "durations": durations}  # fmt: skip

    def _outcome(self, created: date, due: date, reliability: float) -> tuple[str, date | None]:
        """Status as of ``as_of``: a commitment due by then is delivered on time (up to ten days
        early) with the pair's latent ``reliability``; otherwise it is delivered 1 to 90 days
        late (half the breaches; still open if that is after ``as_of``), left open, disputed or
        waived. A delivery is never before the commitment was recorded nor after ``as_of``."""
        r, as_of = self.r, self.as_of
        roll = r.random()
        if due < as_of:
            if r.random() < reliability:
                return "delivered", max(created, due - timedelta(days=r.randint(0, 10)))
            if roll < 0.5:
                delivered = due + timedelta(days=r.randint(1, 90))
                return ("delivered", delivered) if delivered <= as_of else ("late", None)
            return ("late" if roll < 0.8 else "disputed" if roll < 0.92 else "waived"), None
        if roll < 0.07 and created < as_of:
            return "delivered", created + timedelta(days=r.randint(0, (as_of - created).days))
        if roll < 0.10:
            return "disputed", None
        return ("in_progress" if roll < 0.45 else "planned"), None

    def _commitment_rows(self, commitment_id: int, d: dict[str, Any]) -> None:
        r, rows, pool = self.r, self.rows, self.pool
        owed_by = r.choice(self.parties)
        counterparts = self.counterparts[owed_by]
        owed_to = r.sample(counterparts, min(len(counterparts), 1 if r.random() < 0.6 else 2))
        # Owed to two, it is kept on time with the mean of the two pairs' chances.
        reliability = sum(
            latent_reliability(self.seed, owed_by, truster) for truster in owed_to
        ) / max(len(owed_to), 1)
        d["status"], d["delivered"] = self._outcome(d["created"], d["due"], reliability)
        trigger, offset = "fixed", None
        if r.random() < 0.2 and d["due"] >= self.effective:
            trigger, offset = "effective", (d["due"] - self.effective).days
        recurrence = "none"
        if d["category"] == "reporting" and r.random() < 0.5:
            recurrence = r.choice(("monthly", "quarterly", "quarterly", "semiannual", "annual"))
        milestone = None
        if r.random() < 0.8:
            later = [m for m, due in self.milestones if due >= d["due"]]
            milestone = later[0] if later else self.milestones[-1][0]
        title = r.choice(V.COMMITMENT_TITLES[d["category"]])
        evidence = V.EVIDENCE if d["status"] == "delivered" else ""
        clause = f"Art. {r.randint(1, 30)}.{r.randint(1, 9)}"
        d["created_at"] = _at(d["created"], r)
        rows[COMMITMENT].append(
            (commitment_id, _uuid(r), d["created_at"], V.NO_TRANSLATIONS, self.agreement_id)
            + (milestone, title, "", clause, d["category"], pool.ids[owed_by], d["start"])
            + (d["due"], trigger, offset, recurrence, *d["durations"], d["status"])
            + (d["delivered"], evidence, d["source"], "")  # importance: derived
        )
        for p in owed_to:
            rows[OWED_TO].append((commitment_id, pool.ids[p]))
        self._history(commitment_id, d)

    def _history(self, commitment_id: int, d: dict[str, Any]) -> None:
        """The status changes that lead to the current status, dates never going backwards;
        the first is recorded with the commitment, as ``commitment_create`` does."""
        r, as_of, status = self.r, self.as_of, d["status"]
        steps = [("", "planned", d["created"])]
        started = min(as_of, max(d["created"], d["start"]))
        if status == "delivered":
            started = min(started, d["delivered"])
            steps += [
                ("planned", "in_progress", started),
                ("in_progress", "delivered", d["delivered"]),
            ]
        elif status == "late":
            late = min(as_of, max(started, d["due"] + timedelta(days=1)))
            steps += [("planned", "in_progress", started), ("in_progress", "late", late)]
        elif status == "in_progress":
            steps.append(("planned", "in_progress", started))
        elif status in ("disputed", "waived"):
            steps.append(("planned", status, started))
        actor, add = self.users.counsellor, self.rows[STATUS_CHANGE].append
        moment = d["created_at"]
        for step, (old, new, day) in enumerate(steps):
            if step:  # strictly after the previous step, even on the same day
                moment = max(_at(day, r), moment + timedelta(minutes=1))
            evidence = V.EVIDENCE if new == "delivered" else ""
            add((_uuid(r), moment, commitment_id, actor, old, new, day, evidence))

    def _topics(self) -> None:
        """A few topics; several parties hold an expectation on each, some re-stated later."""
        r, pool = self.r, self.pool
        topics = r.sample(V.TOPICS, r.randint(3, 5))
        ids = self.ids.take(Topic, len(topics))
        for topic_id, (name, name_fr, unit) in zip(ids, topics, strict=True):
            self.rows[TOPIC].append(
                (topic_id, _uuid(r), _at(self.signed, r), {"fr": {"name": name_fr}})
                + (self.agreement_id, name, "", unit)
            )
            for p in r.sample(self.parties, r.randint(2, 4)):
                for offset in r.sample(range(self.span + 1), r.choice((1, 1, 2))):
                    recorded = self.day(offset)
                    target = Decimal(r.randint(5, 95)) if unit else None
                    self.rows[EXPECTATION].append(
                        (_uuid(r), _at(recorded, r), V.NO_TRANSLATIONS, topic_id, pool.ids[p])
                        + (V.EXPECTATION_STATEMENT.format(topic=name.lower()),)
                        + (recorded + timedelta(days=r.randint(60, 720)), r.randint(1, 4))
                        + (target, recorded)
                    )

    def _pulses(self) -> None:
        """One trust pulse per year of life (at least one); respondents rate other parties."""
        r, pool = self.r, self.pool
        rounds = max(1, min(3, self.span // 365))
        ids = self.ids.take(TrustPulse, rounds)
        for k, pulse_id in enumerate(ids):
            opens = self.day(min(self.span, 30 + 365 * k))
            closes = opens + timedelta(days=21)
            self.rows[PULSE].append(
                (pulse_id, _uuid(r), _at(opens, r), {"fr": {"title": f"Baromètre {k + 1}"}})
                + (self.agreement_id, f"Trust pulse {k + 1}", opens, closes)
            )
            base = 3.5 + k * 0.6  # trust recovers from one round to the next
            for p in r.sample(self.parties, r.randint(4, 6)):
                respondent = r.choice(pool.people[p])
                for about in r.sample(self.parties, r.randint(2, 3)):
                    scores = [max(1, min(7, round(r.gauss(base, 1.2)))) for _ in range(5)]
                    submitted = opens + timedelta(days=r.randint(0, 21))
                    self.rows[RESPONSE].append(
                        (_uuid(r), _at(submitted, r), pulse_id, respondent, pool.ids[p])
                        + (pool.ids[about], *scores, "", submitted)
                    )

    def _risks_and_requirements(self) -> None:
        r, pool, commitments = self.r, self.pool, self.commitments
        commitment_ids = [c[0] for c in commitments]
        for risk_id in self.ids.take(Risk, r.randint(3, 5)):
            category, title = r.choice(V.RISKS)
            likelihood, impact = r.randint(1, 5), r.randint(1, 5)
            rating = V.RISK_RATINGS[min(3, (likelihood * impact - 1) // 6)]
            owner = pool.ids[r.choice(self.parties)]
            status = r.choice(("open", "open", "open", "mitigated", "closed"))
            self.rows[RISK].append(
                (risk_id, _uuid(r), _at(self.day(r.randint(0, self.span)), r), V.NO_TRANSLATIONS)
                + (self.agreement_id, title, category, rating, likelihood, impact, owner)
                + (V.MITIGATION, status, "shared")
            )
            for c in r.sample(commitment_ids, r.randint(1, 3)):
                self.rows[RISK_COMMITMENT].append((risk_id, c))
        authorities = [p for p in self.parties if pool.kinds[p] in ("regulator", "government")]
        for req_id in self.ids.take(RegulatoryRequirement, r.randint(2, 3)):
            instrument, requirement = r.choice(V.REQUIREMENTS)
            authority = pool.ids[r.choice(authorities)] if authorities else None
            self.rows[REQUIREMENT].append(
                (req_id, _uuid(r), _at(self.signed, r), V.NO_TRANSLATIONS, self.agreement_id)
                + (self.host, authority, instrument.format(year=self.signed.year), requirement)
                + (self.day(r.randint(90, 900)), r.choice(V.ALIGNMENT_STATUSES))
            )
            for c in r.sample(commitment_ids, r.randint(1, 2)):
                self.rows[REQUIREMENT_COMMITMENT].append((req_id, c))
        late = [c for c in commitments if c[1] == "late"]
        for commitment_id, _, due in r.sample(late, min(len(late), r.randint(0, 2))):
            raised = min(self.as_of, due + timedelta(days=1))
            self.rows[WARNING].append(
                (_uuid(r), _at(raised, r), r.choice(("shared", "internal")), self.agreement_id)
                + (f"overdue_commitment:{commitment_id}", "overdue_commitment")
                + ("Commitment overdue", V.WARNING_EXPLANATION, {})  # a person's words, no message
                + ([{"commitment_due": str(due)}],)
                + (r.choice(("warning", "critical")), "open", self.users.counsellor, raised)
                + (commitment_id,)
            )

    def _indicators_and_objectives(self) -> None:
        r = self.r
        kinds = r.sample(V.INDICATORS, r.randint(2, 4))
        indicator_ids = self.ids.take(LocalIndicator, len(kinds))
        for indicator_id, (kind, name, unit, target) in zip(indicator_ids, kinds, strict=True):
            self.rows[INDICATOR].append(
                (indicator_id, _uuid(r), _at(self.signed, r), V.NO_TRANSLATIONS)
                + (self.agreement_id, kind, name, unit, Decimal(target))
                + (self.signed + timedelta(days=3 * 365),)
            )
            quarters = min(12, self.span // 91)
            for q in range(1, quarters + 1):
                observed = self.day(91 * q)
                value = Decimal(round(target * q / 12 * r.uniform(0.5, 1.2)))
                self.rows[OBSERVATION].append(
                    (_uuid(r), _at(observed, r), indicator_id, observed, value, "Site report")
                )
        commitment_ids = [c[0] for c in self.commitments]
        objectives = r.sample(V.OBJECTIVES, r.randint(1, 2))
        for objective_id, (source, code, title) in zip(
            self.ids.take(StrategicObjective, len(objectives)), objectives, strict=True
        ):
            self.rows[OBJECTIVE].append(
                (objective_id, _uuid(r), _at(self.signed, r), V.NO_TRANSLATIONS)
                + (self.agreement_id, source, code, title)
            )
            for c in r.sample(commitment_ids, r.randint(2, 3)):
                self.rows[OBJECTIVE_COMMITMENT].append((objective_id, c))
            self.rows[OBJECTIVE_INDICATOR].append((objective_id, r.choice(indicator_ids)))

    def _grievances(self) -> None:
        r, as_of = self.r, self.as_of
        for n in range(1, r.randint(1, 5) + 1):
            received = self.day(r.randint(0, self.span))
            due = received + timedelta(days=30)
            responded = resolved = None
            status, resolution = "received", ""
            if r.random() < 0.7 and received < as_of:
                responded = min(as_of, received + timedelta(days=r.randint(1, 45)))
                status = "answered"
                if r.random() < 0.6:
                    resolved = min(as_of, responded + timedelta(days=r.randint(0, 60)))
                    status, resolution = "resolved", V.RESOLUTION
            channel, category = r.choice(V.GRIEVANCE_CHANNELS), r.choice(V.GRIEVANCE_CATEGORIES)
            self.rows[GRIEVANCE].append(
                (_uuid(r), _at(received, r), self.agreement_id, f"GRV-{n:03d}", channel, category)
                + (r.choice(V.COMPLAINANTS), V.GRIEVANCE_SUMMARY[category], received, due)
                + (responded, resolved, resolution, status)
            )


# ----- the run ------------------------------------------------------------------------------


def _check_arguments(agreements: int, seed: int, chunk_size: int, method: str) -> str:
    if not 1 <= agreements <= MAX_AGREEMENTS:
        raise GeneratorError(
            f"--agreements must be between 1 and {MAX_AGREEMENTS:,}, not {agreements}."
        )
    if seed < 0:
        raise GeneratorError(f"--seed must be zero or a positive number, not {seed}.")
    if chunk_size < 1:
        raise GeneratorError(f"--chunk-size must be at least 1, not {chunk_size}.")
    if method not in METHODS:
        raise GeneratorError(f"--method must be one of {', '.join(METHODS)}, not {method!r}.")
    postgres = connection.vendor == "postgresql"
    if method == "copy" and not postgres:
        raise GeneratorError(
            f"--method copy needs PostgreSQL; this database is {connection.vendor}."
        )
    if Party.objects.filter(name__startswith=_seed_prefix(seed)).exists():
        raise GeneratorError(
            f"--seed {seed} was already generated in this database; choose another seed."
        )
    return ("copy" if postgres else "orm") if method == "auto" else method


def generate(
    *,
    agreements: int,
    seed: int = 1,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    method: str = "auto",
    as_of: date = DEFAULT_AS_OF,
    progress: Callable[[str], None] | None = None,
    counsellors: int = 0,
    representatives: int = 0,
    shape: Shape | None = None,
) -> GenerationResult:
    """Write ``agreements`` synthetic agreements (see the module docstring) and return the
    rows written per table. Raises ``GeneratorError`` before writing anything on bad input.
    ``counsellors`` and ``representatives`` add the staff of a firm (see ``Users``);
    ``shape`` fixes the size of every agreement (see ``Shape``)."""
    method = _check_arguments(agreements, seed, chunk_size, method)
    if counsellors < 0 or representatives < 0:
        raise GeneratorError("--counsellors and --representatives must be zero or more.")
    shape = shape or Shape()
    _check_shape(shape)
    say = progress or (lambda message: None)
    writer = copy_rows if method == "copy" else bulk_create_rows
    ids = SequenceIds() if connection.vendor == "postgresql" else CountingIds()
    counts = {table.name: 0 for table in ALL_TABLES}
    started = time.perf_counter()

    with transaction.atomic():
        users = _users(counsellors, representatives)
        pool, rows = build_pool(seed, max(_pool_size(agreements), shape.parties or 0), ids, as_of)
        written = write_rows(rows, POOL_TABLES, writer)
    _count(counts, rows)
    elapsed = time.perf_counter() - started
    say(f"pool: {len(pool.ids):,} parties, {written:,} rows in {elapsed:.1f} s")
    del rows

    chunks = range(0, agreements, chunk_size)
    for number, first in enumerate(chunks, start=1):
        chunk_started = time.perf_counter()
        last = min(agreements, first + chunk_size)
        with transaction.atomic():
            rows = {table: [] for table in CHUNK_TABLES}
            for index in range(first, last):
                _AgreementBuilder(
                    seed=seed, index=index, pool=pool, users=users, ids=ids, rows=rows,
                    as_of=as_of, shape=shape,
                ).build()  # fmt: skip
            built = time.perf_counter()
            written = write_rows(rows, CHUNK_TABLES, writer)
        _count(counts, rows)
        del rows  # free the chunk before building the next one
        now = time.perf_counter()
        say(
            f"chunk {number}/{len(chunks)}: agreements {first + 1:,}–{last:,}, {written:,} rows "
            f"in {now - chunk_started:.1f} s (built {built - chunk_started:.1f} s), "
            f"{written / max(now - chunk_started, 1e-9):,.0f} rows/s; "
            f"total {sum(counts.values()):,} rows, {now - started:.0f} s"
        )
    if connection.vendor == "postgresql":
        # Fresh statistics, so the first load test does not plan against empty tables.
        with connection.cursor() as cursor:
            for table in ALL_TABLES:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table.name)}")
    return GenerationResult(agreements, seed, method, counts, time.perf_counter() - started)


def _check_shape(shape: Shape) -> None:
    if shape.parties is not None and not 2 <= shape.parties <= 500:
        raise GeneratorError(f"--parties must be between 2 and 500, not {shape.parties}.")
    if shape.history_days is not None and not 30 <= shape.history_days <= 20 * 365:
        raise GeneratorError(
            f"--history-days must be between 30 and {20 * 365}, not {shape.history_days}."
        )
    if not 0 <= shape.plan_days <= 20 * 365:
        raise GeneratorError(
            f"--plan-days must be between 0 and {20 * 365}, not {shape.plan_days}."
        )
    if shape.commitments is not None and not 1 <= shape.commitments <= 100_000:
        raise GeneratorError(
            f"--commitments must be between 1 and 100,000, not {shape.commitments}."
        )


def _count(counts: dict[str, int], rows: Rows) -> None:
    for table, table_rows in rows.items():
        counts[table.name] += len(table_rows)
