"""The demo scenario: a port–rail corridor in Cameroon, two years after signature.

An international consortium (a French contractor with its field office, four lenders, the
ministries, a regulator, state companies, municipalities, local firms, an NGO and two
community groups) signs a concession in November 2024. The first year is distrust and delays;
the second, after a candid retreat in Kribi, is recovery. :func:`load_demo` writes the whole
story through the services — so every object is validated and audited, by the demo user who
would have written it — with a seeded random generator and fixed dates: the same data on
every machine. The story is written as it was told, with :data:`TODAY` its "today"; loaded on
another day it is moved as a whole (``timeshift.shift_story``) so that its today is the day it
is loaded (``clock.today()``): what the story has due next week is due next week.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from alliance.accounts.services import membership_grant
from alliance.core import clock
from alliance.partnerships import services as ps
from alliance.partnerships.choices import CommitmentStatus, DueTrigger
from alliance.partnerships.models import Agreement, Commitment, Milestone, Party, Person
from alliance.scenarios import demo_agreements as agreements_data
from alliance.scenarios import demo_parties as cast
from alliance.scenarios.demo_agreements import TODAY, YEAR_TWO_STARTS, CommitmentSpec
from alliance.scenarios.demo_texts import EVIDENCE
from alliance.scenarios.timeshift import shift_story

SEED = 20241114
DOCUMENTS_DIR = Path(__file__).resolve().parent / "fixtures"
S = CommitmentStatus
# Typical most-likely duration (working days) of a commitment, by category.
LIKELY_DAYS = {
    "technical": 60,
    "regulatory": 40,
    "financial": 30,
    "governance": 20,
    "local_content": 45,
    "reporting": 10,
}

# What becomes of an action agreed in a meeting: (chance, outcome, days from, days to).
FOLLOW_UP_ODDS_YEAR_ONE = [
    (0.52, "late", 8, 70),
    (0.06, "dispute", 20, 60),
    (0.05, "waived", -5, 30),
    (0.37, "ontime", 0, 4),
]
FOLLOW_UP_ODDS_YEAR_TWO = [
    (0.14, "late", 2, 21),
    (0.05, "overdue", 0, 0),
    (0.03, "waived", -5, 10),
    (0.78, "ontime", 0, 6),
]
# From the spring of year two the recovery has set in (the tone turns warm, see
# demo_engagement.mean_tone): actions agreed in meetings are kept, the odd one a few days late.
RECOVERED = date(2026, 4, 1)
FOLLOW_UP_ODDS_RECOVERED = [
    (0.06, "late", 1, 7),
    (0.01, "overdue", 0, 0),
    (0.02, "waived", -5, 10),
    (0.91, "ontime", 0, 6),
]

__all__ = ["DEMO_PASSWORD", "SEED", "TODAY", "demo_is_loaded", "demo_users", "load_demo"]
DEMO_PASSWORD = cast.DEMO_PASSWORD


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A timezone-aware moment on ``day`` (the scenario's clock is UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def demo_is_loaded() -> bool:
    """Whether the database already holds an agreement (the demo then stays out of the way)."""
    return Agreement.objects.exists()


def demo_users() -> list[dict[str, str]]:
    """The demo accounts as printable rows: username, password, role, party, agreements."""
    rows = []
    by_key = {p.key: p for p in cast.PARTIES}
    references = {a.key: a.reference for a in agreements_data.AGREEMENTS}
    for spec in cast.USERS:
        parties = sorted({by_key[p].short_name for _a, _r, p in spec.memberships if p})
        agreements = [references[a] for a, _r, _p in spec.memberships]
        rows.append(
            {
                "username": spec.username,
                "password": cast.DEMO_PASSWORD,
                "role": spec.description,
                "party": ", ".join(parties),
                "agreements": ", ".join(agreements) if agreements else "—",
            }
        )
    return rows


@dataclass
class Step:
    """One planned status move of a commitment."""

    on: date
    status: str
    evidence: str = ""


@dataclass
class Plan:
    """A commitment's story: created, started, and what happened next."""

    commitment: Commitment
    agreement_key: str
    created: date
    start: date
    due: date
    outcome: str
    quick: bool = False  # a small action nobody marks "in progress"
    steps: list[Step] = field(default_factory=list)


class DemoBuilder:
    """Writes the scenario step by step; each step reads the specs of one data module."""

    def __init__(self, seed: int = SEED, shift: timedelta = timedelta(0)) -> None:
        self.rng = random.Random(seed)
        # How far the story moves once written (see ``shift_story``): texts that quote a
        # date quote the moved one.
        self.shift = shift
        self.users: dict[str, Any] = {}
        self.parties: dict[str, Party] = {}
        self.people: dict[str, Person] = {}
        self.people_of: dict[str, list[Person]] = {}
        self.agreements: dict[str, Agreement] = {}
        self.members: dict[str, set[str]] = {}
        self.milestones: dict[str, Milestone] = {}
        self.commitments: dict[str, Commitment] = {}
        self.plans: list[Plan] = []

    # ----- the cast ---------------------------------------------------------------------

    def build_users(self) -> None:
        """Create the demo accounts (there is no user service: accounts are not audited)."""
        user_model = get_user_model()
        for spec in cast.USERS:
            user = user_model(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@demo.alliance.example",
                is_staff=spec.is_staff,
                is_superuser=spec.is_superuser,
                date_joined=at(date(2024, 11, 4)),
            )
            user.set_password(cast.DEMO_PASSWORD)
            user.save()
            self.users[spec.username] = user

    def build_parties(self) -> None:
        admin = self.users["admin"]
        for spec in cast.PARTIES:
            self.parties[spec.key] = ps.party_create(
                actor=admin,
                name=spec.name,
                short_name=spec.short_name,
                kind=spec.kind,
                country=spec.country,
                level=spec.level,
                parent=self.parties[spec.parent] if spec.parent else None,
                decision_cycle_days=spec.decision_cycle_days,
                approval_steps=spec.approval_steps,
                working_week=spec.working_week,
                holiday_country=spec.holiday_country,
                holiday_subdivision=spec.holiday_subdivision,
                fiscal_year_start_month=spec.fiscal_year_start_month,
                created_at=at(date(2024, 11, 4), 10),
            )
        for key, starts, ends, reason in cast.BLACKOUTS:
            ps.blackout_period_add(
                actor=admin, party=self.parties[key], starts_on=starts, ends_on=ends, reason=reason
            )
        for spec in cast.PEOPLE:
            person = ps.person_create(
                actor=admin,
                party=self.parties[spec.party],
                name=spec.name,
                role_title=spec.role_title,
                languages=spec.languages,
                email=_email(spec.name, self.parties[spec.party]),
                user=self.users[spec.user] if spec.user else None,
                created_at=at(date(2024, 11, 4), 11),
            )
            self.people[spec.name] = person
            self.people_of.setdefault(spec.party, []).append(person)

    # ----- agreements, memberships, milestones -------------------------------------------

    def build_agreements(self) -> None:
        claire = self.users["claire"]
        for spec in agreements_data.AGREEMENTS:
            agreement = ps.agreement_create(
                actor=claire,
                title=spec.title,
                reference=spec.reference,
                kind=spec.kind,
                summary=spec.summary,
                signed_on=spec.signed_on,
                effective_on=spec.effective_on,
                ends_on=spec.ends_on,
                host_country="CM",
                countries=spec.countries,
                value=spec.value,
                currency=spec.currency,
                stage=spec.stage,
                translations=spec.translations,
                created_at=at(spec.signed_on, 16),
            )
            self.agreements[spec.key] = agreement
            self.members[spec.key] = set(spec.participations)
            for party_key, (
                role,
                power,
                legitimacy,
                urgency,
                interest,
            ) in spec.participations.items():
                ps.participation_add(
                    actor=claire,
                    agreement=agreement,
                    party=self.parties[party_key],
                    role=role,
                    power=power,
                    legitimacy=legitimacy,
                    urgency=urgency,
                    interest=interest,
                    created_at=at(spec.signed_on, 17),
                )
        for user_spec in cast.USERS:
            for agreement_key, role, party_key in user_spec.memberships:
                if user_spec.username == "claire":
                    continue  # she created the agreements, so she already owns them
                membership_grant(
                    actor=claire,
                    agreement=self.agreements[agreement_key],
                    user=self.users[user_spec.username],
                    role=role,
                    party=self.parties[party_key] if party_key else None,
                )

    def build_documents(self) -> None:
        """The signed text of the concession (extracts), for the counsellor to read into
        candidate commitments (a text written for the demo, consistent with its story)."""
        text = DOCUMENTS_DIR / "concession_kribi_edea.txt"
        ps.agreement_document_add(
            actor=self.users["claire"],
            agreement=self.agreements["concession"],
            title="Convention de concession – texte signé (extraits)",
            name=text.name,
            content=text.read_bytes(),
            created_at=at(date(2024, 11, 14), 18),
        )

    def build_milestones(self) -> None:
        for spec in agreements_data.MILESTONES:
            agreement = self.agreements[spec.agreement]
            translations = {"en": {"title": spec.en}}
            if spec.de:
                translations["de"] = {"title": spec.de}
            self.milestones[spec.key] = ps.milestone_create(
                actor=self.users["claire"],
                agreement=agreement,
                title=spec.fr,
                due_on=spec.due_on,
                reached_on=spec.reached_on,
                translations=translations,
                created_at=at(agreement.signed_on + timedelta(days=4), 10),
            )

    # ----- commitments -------------------------------------------------------------------

    def build_commitments(self) -> None:
        for spec in agreements_data.COMMITMENTS:
            self._contract_commitment(spec)

    def _contract_commitment(self, spec: CommitmentSpec) -> None:
        agreement = self.agreements[spec.agreement]
        created = agreement.signed_on + timedelta(days=4)
        fields: dict[str, Any] = {}
        if isinstance(spec.due, tuple):
            trigger, offset = spec.due
            fields.update(due_trigger=trigger, due_offset_days=offset)
            anchor = agreement.effective_on if trigger == DueTrigger.EFFECTIVE else None
            due = (anchor or agreement.signed_on) + timedelta(days=offset)
        else:
            due = spec.due
            fields["due_on"] = due
        ongoing = spec.outcome == "ongoing"
        if spec.durations:
            lo, ml, hi = spec.durations
        else:
            ml = LIKELY_DAYS[spec.category] + self.rng.randint(-5, 10)
            lo, hi = max(ml * 7 // 10, 1), ml * 8 // 5
        start = created + timedelta(days=30) if ongoing else due - timedelta(days=ml * 7 // 5)
        start = min(max(start, created), due)
        english_original = agreement.title.startswith(("Loan", "Memorandum of"))
        title, other = (spec.en, spec.fr) if english_original else (spec.fr, spec.en)
        translations = {"fr" if english_original else "en": {"title": other}}
        if spec.de:
            translations["de"] = {"title": spec.de}
        commitment = ps.commitment_create(
            actor=self.users["claire"],
            agreement=agreement,
            owed_by=self.parties[spec.owed_by],
            owed_to=[self.parties[k] for k in spec.owed_to],
            depends_on=[self.commitments[k] for k in spec.depends_on],
            title=title,
            clause=spec.clause,
            category=spec.category,
            milestone=self.milestones[spec.milestone] if spec.milestone else None,
            recurrence=spec.recurrence,
            start_on=start,
            duration_optimistic=lo,
            duration_likely=ml,
            duration_pessimistic=hi,
            translations=translations,
            created_at=at(created, 10, self.rng.randrange(60)),
            **fields,
        )
        self.commitments[spec.key] = commitment
        self.plans.append(Plan(commitment, spec.agreement, created, start, due, spec.outcome))

    def plan_follow_up(self, commitment: Commitment, agreement_key: str, on: date) -> None:
        """Give a follow-up commitment an outcome that fits the phase of the story."""
        due = commitment.due_on
        if due > TODAY:
            outcome = "open"
        else:
            odds = (
                FOLLOW_UP_ODDS_YEAR_ONE
                if due < YEAR_TWO_STARTS
                else FOLLOW_UP_ODDS_YEAR_TWO
                if due < RECOVERED
                else FOLLOW_UP_ODDS_RECOVERED
            )
            roll, kind, low, high = self.rng.random(), "ontime", 0, 0
            for chance, kind, low, high in odds:  # noqa: B007 - the last one drawn is kept
                roll -= chance
                if roll < 0:
                    break
            if kind == "overdue" and (TODAY - due).days > 100:
                kind, low, high = "late", 2, 21  # nothing stays overdue for months in year two
            outcome = kind if kind == "overdue" else f"{kind}:{self.rng.randint(low, high)}"
        quick = (due - on).days <= 21
        self.plans.append(Plan(commitment, agreement_key, on, on, due, outcome, quick))

    def apply_histories(self) -> None:
        """Move every commitment through its planned statuses, in the right hands."""
        delivered: dict[int, date] = {}
        for plan in self.plans:
            plan.steps = self._steps(plan, delivered)
            for step in plan.steps:
                if step.status == S.DELIVERED:
                    delivered[plan.commitment.pk] = step.on
        for plan in self.plans:
            commitment = plan.commitment
            for step in plan.steps:
                ps.commitment_change_status(
                    actor=self._actor_for(plan, step.status),
                    commitment=commitment,
                    status=step.status,
                    on=step.on,
                    evidence=step.evidence,
                )

    def answer_deliveries(self) -> None:
        """The parties owed answer the deliveries declared to them: a representative of the
        party where it has one, else the counsellor who heard it, within days in year two and
        a little slower in year one; the last week's deliveries still wait for their answer.
        Own draws (the story's other random choices stay as they were)."""
        from alliance.partnerships.models import DeliveryConfirmation

        rng = random.Random(f"{SEED}-confirmations")
        reps = self._representatives()
        pending = DeliveryConfirmation.objects.filter(status="pending").select_related(
            "commitment__agreement", "delivery"
        )
        for confirmation in pending.order_by("delivery__happened_on", "pk"):
            delivered_on = confirmation.delivery.happened_on
            slow = delivered_on < YEAR_TWO_STARTS
            on = delivered_on + timedelta(days=rng.randint(2, 21 if slow else 8))
            if on > TODAY - timedelta(days=3):
                continue
            key = (confirmation.commitment.agreement_id, confirmation.party_id)
            ps.delivery_confirm(
                actor=reps.get(key, self.users["samuel"]), confirmation=confirmation, on=on
            )

    def _representatives(self) -> dict[tuple[int, int], Any]:
        found = {}
        for spec in cast.USERS:
            for agreement_key, role, party_key in spec.memberships:
                if role == "party_rep" and party_key:
                    agreement = self.agreements[agreement_key]
                    found[(agreement.pk, self.parties[party_key].pk)] = self.users[spec.username]
        return found

    def _steps(self, plan: Plan, delivered: dict[int, date]) -> list[Step]:
        kind, _sep, arg = plan.outcome.partition(":")
        n = int(arg) if arg else 0
        due, start, rng = plan.due, plan.start, self.rng
        started = [Step(start, S.IN_PROGRESS)] if start <= TODAY and not plan.quick else []
        if kind == "open" or kind == "ongoing":
            return started
        if kind == "waived":
            return [*started, Step(min(max(due + timedelta(days=n), start), TODAY), S.WAIVED)]
        if kind == "overdue":
            return [*started, Step(min(due + timedelta(days=rng.randint(1, 4)), TODAY), S.LATE)]
        if kind == "disputed":
            return [
                *started,
                Step(max(due - timedelta(days=rng.randint(3, 15)), start), S.DISPUTED),
            ]
        on = due - timedelta(days=n) if kind == "ontime" else due + timedelta(days=n)
        prerequisites = [
            delivered[p.pk] for p in _prerequisites(plan.commitment) if p.pk in delivered
        ]
        floor = max([start, *[d + timedelta(days=1) for d in prerequisites]])
        on = _working_day(max(on, floor), self._week(plan), early=on <= due, floor=floor)
        if on > TODAY:
            return [*started, Step(min(due + timedelta(days=3), TODAY), S.LATE)]
        if on == start:
            started = []
        steps = list(started)
        if kind == "dispute":
            dispute_on = max(min(due - timedelta(days=rng.randint(2, 20)), on), start)
            steps.append(Step(dispute_on, S.DISPUTED))
        elif on > due + timedelta(days=5):
            steps.append(Step(due + timedelta(days=rng.randint(1, 5)), S.LATE))
        steps.append(Step(on, S.DELIVERED, self._evidence(plan.commitment.category, on)))
        return steps

    def _week(self, plan: Plan) -> str:
        return next(
            p.working_week for p in self.parties.values() if p.pk == plan.commitment.owed_by_id
        )

    def _actor_for(self, plan: Plan, status: str) -> Any:
        """Representatives move their own party's work; the counsellors record the rest."""
        if status in (S.IN_PROGRESS, S.DELIVERED):
            for spec in cast.USERS:
                for agreement_key, role, party_key in spec.memberships:
                    if (
                        role == "party_rep"
                        and agreement_key == plan.agreement_key
                        and self.parties[party_key].pk == plan.commitment.owed_by_id
                    ):
                        return self.users[spec.username]
        if plan.agreement_key == "concession" and self.rng.random() < 0.3:
            return self.users["ines"]
        return self.users["samuel"]

    def shifted(self, day: date | None) -> date | None:
        """``day`` as the loaded story will show it."""
        return day + self.shift if day is not None else None

    def _evidence(self, category: str, on: date) -> str:
        template = self.rng.choice(EVIDENCE[category])
        shown = on + self.shift
        return template.format(n=self.rng.randint(12, 980), y=shown.year, d=f"{shown:%d/%m/%Y}")

    # ----- everything -------------------------------------------------------------------

    def run(self, progress: Callable[[str], None] = lambda step: None) -> dict[str, int]:
        """Every step in story order; ``progress`` hears the name of each as it starts."""
        from alliance.scenarios import demo_engagement as de

        steps = (
            (_("parties and people"), (self.build_users, self.build_parties)),
            (_("agreements and commitments"),
             (self.build_agreements, self.build_milestones, self.build_documents,
              self.build_commitments)),
            (_("two years of interactions"), (lambda: de.build_interactions(self),)),
            (_("deliveries and delays"), (self.apply_histories, self.answer_deliveries)),
            (_("expectations and trust pulses"),
             (lambda: de.build_expectations(self), lambda: de.build_pulses(self))),
            (_("risks, regulation, local integration, grievances"),
             (lambda: de.build_risks_and_regulation(self),
              lambda: de.build_local_integration(self), lambda: de.build_grievances(self),
              lambda: de.build_notes(self))),
        )  # fmt: skip
        for name, calls in steps:
            progress(str(name))
            for call in calls:
                call()
        return counts()


def _working_day(day: date, week: str, *, early: bool, floor: date) -> date:
    """The owing party's working day nearest ``day``: the one before for an early delivery
    (not before ``floor``), the one after otherwise. ``week`` is a Monday-first weekmask."""
    step = timedelta(days=-1 if early else 1)
    candidate = day
    while week[candidate.weekday()] != "1":
        candidate += step
    if candidate < floor:
        return _working_day(day, week, early=False, floor=floor)
    return candidate


def _prerequisites(commitment: Commitment) -> list[Commitment]:
    return list(commitment.depends_on.all())


def _email(name: str, party: Party) -> str:
    local = "".join(c for c in name.lower().replace(" ", ".") if c.isascii() and c not in "'")
    domain = "".join(c for c in (party.short_name or party.name).lower() if c.isalnum())
    return f"{local}@{domain}.example"


@transaction.atomic
def load_demo(
    *, seed: int = SEED, today: date | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Write the whole scenario in one transaction so that its "today" is ``today`` (default
    the clock's), and return what it created, by model.

    The story is written on its own day (the clock frozen at :data:`TODAY`, so the random
    draws and every service's "not in the future" check are those of the story), then moved
    by whole days: the same story on every machine, dated relative to the day it is loaded.
    """
    today = today or clock.today()
    shift = today - TODAY
    started = clock.now()
    with clock.frozen(TODAY):
        created = DemoBuilder(seed, shift).run(progress or (lambda step: None))
    shift_story(shift.days, before=started)
    from alliance.scenarios.demo_engagement import build_open_pulse

    with clock.frozen(today):
        build_open_pulse(today)
    return created


def counts() -> dict[str, int]:
    """How many objects of each kind the database holds (the demo's headline numbers)."""
    from alliance.engagement.models import (
        Expectation,
        Grievance,
        Interaction,
        Topic,
        TrustPulse,
        TrustResponse,
    )
    from alliance.risks.models import (
        IndicatorObservation,
        LocalIndicator,
        RegulatoryRequirement,
        Risk,
    )

    models = {
        "parties": Party,
        "people": Person,
        "agreements": Agreement,
        "commitments": Commitment,
        "interactions": Interaction,
        "topics": Topic,
        "expectations": Expectation,
        "trust pulses": TrustPulse,
        "trust responses": TrustResponse,
        "risks": Risk,
        "regulatory requirements": RegulatoryRequirement,
        "local indicators": LocalIndicator,
        "indicator observations": IndicatorObservation,
        "grievances": Grievance,
    }
    return {name: model.objects.count() for name, model in models.items()}


def scenario_digest() -> str:
    """A fingerprint of the scenario's content (not of its random UUIDs): equal digests mean
    two loads told exactly the same story."""
    from alliance.engagement.models import Expectation, Interaction, TrustResponse
    from alliance.partnerships.models import CommitmentStatusChange

    rows: list[Any] = [
        *Party.objects.order_by("name").values_list("name", "kind", "country", "working_week"),
        *Agreement.objects.order_by("title").values_list("title", "signed_on", "effective_on"),
        *Commitment.objects.order_by(
            "agreement__title", "title", "due_on", "created_at"
        ).values_list("title", "owed_by__name", "due_on", "status", "delivered_on", "created_at"),
        *CommitmentStatusChange.objects.order_by(
            "commitment__title", "commitment__due_on", "happened_on", "to_status"
        ).values_list("commitment__title", "from_status", "to_status", "happened_on"),
        # Summaries are encrypted: sorted here, the database cannot.
        *sorted(
            Interaction.objects.values_list(
                "occurred_on", "kind", "tone", "language", "confidentiality", "summary"
            )
        ),
        *Expectation.objects.order_by("topic__name", "party__name", "recorded_on").values_list(
            "topic__name", "party__name", "recorded_on", "target_date", "target_value"
        ),
        *TrustResponse.objects.order_by(
            "pulse__opens_on", "respondent__name", "about_party__name"
        ).values_list(
            "respondent__name", "about_party__name", "ability", "integrity", "submitted_on"
        ),
    ]
    digest = hashlib.sha256()
    for row in rows:
        digest.update(repr(row).encode())
    return digest.hexdigest()
