"""Recompute an agreement's insights and store them as dated snapshots.

:func:`insights_recompute` reads the agreement's shared data as it stood on ``as_of``
(``selectors.agreement_inputs``), runs every model of ``alliance.insights``, stores one
:class:`~alliance.analytics.models.InsightSnapshot` per kind, and — for the newest date only —
turns the early-warning rules' results into ``EarlyWarning`` rows (stable keys: re-running
never duplicates; warnings that stopped firing are resolved) and lets ``Agreement.stage``
follow the maturity the data shows, through explained stage changes with hysteresis
(``alliance.analytics.stages``). Those writes go through the risks and partnerships services, so
they are validated and audited like any other change.

Runs with no user behind them (the task worker after a write, ``alliance recompute``, the
demo) act as :func:`system_actor`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from alliance.accounts.choices import Role
from alliance.accounts.models import AuditEvent, Membership
from alliance.analytics import calibration, results
from alliance.analytics.choices import History, SnapshotKind
from alliance.analytics.models import InsightSnapshot, StageChange
from alliance.analytics.retention import calibration_snapshots
from alliance.analytics.selectors import (
    PRIORITY_LEVELS,
    PRIORITY_ONE_IS_HIGHEST,
    AgreementInputs,
    Names,
    agreement_inputs,
    agreements_inputs,
)
from alliance.analytics.stages import stage_follow
from alliance.core import clock
from alliance.core.bulk import insert_many
from alliance.core.models import Confidentiality
from alliance.core.services import require_change, save_changes_batched, save_changes_bulk
from alliance.insights import early_warnings as rules
from alliance.insights.alignment import agreement_alignment, alignment_widening
from alliance.insights.calendars import WorkingCalendar
from alliance.insights.inputs import canonical, frame_from_agreements
from alliance.insights.maturity import assess_maturity
from alliance.insights.network import network_analysis
from alliance.insights.parameters import (
    ALIGNMENT,
    CALENDAR,
    MATURITY,
    NETWORK,
    SALIENCE,
    SCHEDULE,
    TRUST,
    WARNINGS,
)
from alliance.insights.salience import assess_all
from alliance.insights.schedule import ScheduleInputError, forecast_schedule
from alliance.insights.trust import agreement_result, agreement_trust, portfolio_trust
from alliance.partnerships.choices import MaturityStage
from alliance.partnerships.models import Agreement, Commitment
from alliance.risks.choices import Severity, WarningStatus
from alliance.risks.models import EarlyWarning
from alliance.risks.services import (
    early_warning_raise,
    early_warning_set_status,
    warning_reraise_changes,
)

logger = logging.getLogger(__name__)

# The domain's priority scale (its number of levels and direction: an adapter fact, not a
# knob), passed to the engine as it is.
ALIGNMENT_USED = replace(
    ALIGNMENT, priority_levels=PRIORITY_LEVELS, priority_one_is_highest=PRIORITY_ONE_IS_HIGHEST
)
# The parameters each kind's figures depend on (hashed into ``parameters_digest``).
PARAMETERS: dict[str, tuple[Any, ...]] = {
    SnapshotKind.TRUST: (TRUST, SALIENCE, CALENDAR),
    SnapshotKind.ALIGNMENT: (ALIGNMENT_USED, WARNINGS, CALENDAR),
    SnapshotKind.NETWORK: (NETWORK, CALENDAR),
    SnapshotKind.SALIENCE: (SALIENCE,),
    SnapshotKind.SCHEDULE: (SCHEDULE, CALENDAR),
    SnapshotKind.WARNINGS: (WARNINGS, TRUST, ALIGNMENT_USED, SALIENCE, SCHEDULE, CALENDAR),
    SnapshotKind.MATURITY: (MATURITY, TRUST, ALIGNMENT_USED, NETWORK, SALIENCE, CALENDAR),
}
SEVERITY = {"low": Severity.INFO, "medium": Severity.WARNING, "high": Severity.CRITICAL}
SYSTEM_USERNAME = "alliance-insights"


# --------------------------------------------------------------------------
# Who acts when nobody does
# --------------------------------------------------------------------------


def system_actor() -> Any:
    """The account that background recomputations act as, elevated for this process only.

    The stored account (``alliance-insights``) is inactive, has no usable password and no
    privilege, so nobody can log in as it; audit events name it, so the trail says "the
    insights engine did this". The returned instance is made an active superuser *in memory*
    so the one access policy lets it raise warnings and set the stage on any agreement, and it
    refuses to be saved, so that elevation never reaches the database.
    """
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "first_name": "Alliance", "last_name": "insights engine"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    elif user.has_usable_password() or user.is_staff:
        raise ImproperlyConfigured(
            f"The user {SYSTEM_USERNAME!r} is a person's account; rename it so the insights "
            "engine can use that name."
        )
    user.is_active = True
    user.is_superuser = True
    user.save = _refuse_save
    return user


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("The system actor is elevated in memory only and is never saved.")


def _acting(actor: Any, agreement: Agreement) -> Any:
    """The system actor for ``None``; otherwise the user, who must be allowed to change the
    agreement (warnings and stage are writes)."""
    if actor is None:
        return system_actor()
    require_change(actor, agreement)
    return actor


# --------------------------------------------------------------------------
# Running the models
# --------------------------------------------------------------------------


@dataclass
class Computed:
    """Every kind's JSON and timing, plus what the side effects need."""

    data: dict[str, dict] = field(default_factory=dict)
    duration_ms: dict[str, int] = field(default_factory=dict)
    warnings: tuple[rules.EarlyWarning, ...] = ()
    stage: str = MaturityStage.SIGNED
    inputs: AgreementInputs | None = None
    # CPU seconds per kind, and of it the JSON's (``results``: names, messages, rounding).
    cpu: dict[str, float] = field(default_factory=dict)
    json_cpu: dict[str, float] = field(default_factory=dict)


class _Timer:
    def __init__(self, computed: Computed, kind: str) -> None:
        self.computed, self.kind = computed, kind

    def __enter__(self) -> None:
        self.started = time.perf_counter()
        self.cpu = time.process_time()

    def __exit__(self, *exc: object) -> None:
        ms = round(1000 * (time.perf_counter() - self.started))
        self.computed.duration_ms[self.kind] = self.computed.duration_ms.get(self.kind, 0) + ms
        cpu = self.computed.cpu
        cpu[self.kind] = cpu.get(self.kind, 0.0) + time.process_time() - self.cpu


class _Json:
    """The CPU of turning a model's result into its snapshot's JSON (inside its ``_Timer``)."""

    def __init__(self, computed: Computed, kind: str) -> None:
        self.computed, self.kind = computed, kind

    def __enter__(self) -> None:
        self.cpu = time.process_time()

    def __exit__(self, *exc: object) -> None:
        spent = self.computed.json_cpu
        spent[self.kind] = spent.get(self.kind, 0.0) + time.process_time() - self.cpu


def compute(inputs: AgreementInputs, *, reference: bool = False) -> Computed:
    """Run every model on ``inputs``; each kind's JSON except ``warnings``, which needs the
    stored rows (see :func:`insights_recompute`). ``reference``: the path before the
    recompute was made faster (the warnings compute their own trust), kept to check the fast
    one gives the same results and to measure it (``bench/recompute.py``)."""
    out = Computed(inputs=inputs)
    data, as_of, host = inputs.data, inputs.as_of, inputs.host_calendar
    # One frame for the models that run on one (the reference path built one per model).
    shared = {} if reference else _frame(data)
    sorted_data = shared.get("data", data)
    frame = {"frame": shared["frame"]} if shared else {}
    with _Timer(out, SnapshotKind.TRUST):
        if shared:
            # The trust at the date once: its pairs here, its indexes and events in the warnings.
            now = portfolio_trust(shared["frame"], as_of, TRUST, SALIENCE, keep_events=True)
            trust = agreement_result(sorted_data, shared["frame"], now, as_of, TRUST, SALIENCE)
        else:
            now, trust = None, agreement_trust(sorted_data, as_of, TRUST, SALIENCE)
        with _Json(out, SnapshotKind.TRUST):
            out.data[SnapshotKind.TRUST] = results.trust(trust, inputs)
    with _Timer(out, SnapshotKind.ALIGNMENT):
        alignment = agreement_alignment(sorted_data, as_of, ALIGNMENT_USED, host, **frame)
        since = as_of - timedelta(days=WARNINGS.alignment_lookback_days)
        widening = alignment_widening(sorted_data, since, as_of, ALIGNMENT_USED, host, **frame)
        with _Json(out, SnapshotKind.ALIGNMENT):
            out.data[SnapshotKind.ALIGNMENT] = results.alignment(alignment, widening, inputs)
    with _Timer(out, SnapshotKind.NETWORK):
        network = network_analysis(data, as_of, NETWORK, people=inputs.people)
        window = sum(1 for ix in data.interactions if (as_of - ix.date).days <= NETWORK.window_days)
        with _Json(out, SnapshotKind.NETWORK):
            out.data[SnapshotKind.NETWORK] = results.network(network, inputs, window)
    with _Timer(out, SnapshotKind.SALIENCE):
        salience = assess_all(data.participations, SALIENCE)
        with _Json(out, SnapshotKind.SALIENCE):
            out.data[SnapshotKind.SALIENCE] = results.salience(salience, inputs)
    with _Timer(out, SnapshotKind.SCHEDULE):
        forecast = _schedule(inputs, out)
    with _Timer(out, SnapshotKind.WARNINGS):
        out.warnings = rules.early_warnings(
            sorted_data, as_of, WARNINGS, schedule=_p80_by_task(forecast), trust=TRUST,
            alignment=ALIGNMENT_USED, salience=SALIENCE, calendar=host,
            trust_result=None if reference else trust, trust_now=now, **frame,
        )  # fmt: skip
    with _Timer(out, SnapshotKind.MATURITY):
        maturity = assess_maturity(
            data, as_of, MATURITY, salience=SALIENCE, trust_params=TRUST, trust=trust,
            alignment=alignment, network=network,
        )  # fmt: skip
        out.stage = MaturityStage(maturity.stage.lower())
        with _Json(out, SnapshotKind.MATURITY):
            out.data[SnapshotKind.MATURITY] = results.maturity(maturity, inputs, out.stage.label)
    return out


def _frame(data: Any) -> dict[str, Any]:
    """The agreement's records in the engine's canonical order and its one-agreement frame."""
    ordered = canonical(data)
    return {"data": ordered, "frame": frame_from_agreements([ordered])}


def _schedule(inputs: AgreementInputs, out: Computed) -> Any:
    try:
        forecast = forecast_schedule(inputs.schedule, SCHEDULE)
    except ScheduleInputError as error:
        out.data[SnapshotKind.SCHEDULE] = results.schedule(None, inputs, str(error))
        return None
    with _Json(out, SnapshotKind.SCHEDULE):
        out.data[SnapshotKind.SCHEDULE] = results.schedule(forecast, inputs)
    return forecast


def _p80_by_task(forecast: Any) -> dict[str, tuple[date, date]] | None:
    """Task id -> (P80 finish, due) for the open tasks with a due date (the warnings' input)."""
    if forecast is None:
        return None
    return {
        t.id: (t.quantiles["P80"], t.due)
        for t in forecast.tasks
        if t.due is not None and "P80" in t.quantiles and t.status not in results.FIXED_STATUSES
    }


def parameters_digest(kind: str) -> str:
    """SHA-256 of the parameters behind ``kind``'s figures: equal digests, same knobs."""
    document = [[type(p).__name__, _plain(p)] for p in PARAMETERS[kind]]
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------


def insights_recompute(
    *,
    actor: Any,
    agreement: Agreement,
    as_of: date | None = None,
    effects: bool | None = None,
) -> dict[str, InsightSnapshot]:
    """Compute every insight of ``agreement`` on ``as_of`` (default today) and store one
    snapshot per kind, replacing any stored for the same date. Returns them by kind.

    ``effects`` — raise / resolve the rules' warnings and update the agreement's stage — is
    by default on for the newest date only (no snapshot of the agreement is dated later), so
    computing a past date for history changes nothing but that date's snapshots. ``actor``
    None is the system (:func:`system_actor`); a user must be allowed to change the agreement.
    """
    return insights_refresh(
        actor=actor, agreement=agreement, as_of=as_of, effects=effects, incremental=False
    ).snapshots


@dataclass
class Refreshed:
    """What :func:`insights_refresh` did: the snapshots by kind (stored now, or the ones kept)
    and, per kind, why it was recomputed (empty: nothing had changed, nothing was written)."""

    snapshots: dict[str, InsightSnapshot]
    reasons: dict[str, tuple[str, ...]]

    @property
    def skipped(self) -> bool:
        return not self.reasons


def insights_refresh(
    *,
    actor: Any,
    agreement: Agreement,
    as_of: date | None = None,
    effects: bool | None = None,
    incremental: bool = True,
    reference: bool = False,
) -> Refreshed:
    """:func:`insights_recompute`, but ``incremental``: when the snapshots stored for
    ``as_of`` were computed from exactly what would be read now (:func:`fingerprint`: the
    inputs, the date, the parameters, the snapshot history the calibration reads, the warning
    and stage rows the side effects read), nothing is computed and nothing is written.

    Every model reads ``as_of`` (decay, windows, elapsed work, days overdue), so a new date
    always recomputes; what is skipped is a second computation of unchanged data on one date
    (the daily run after the worker's, a burst of writes queued as many recomputes).

    ``reference`` runs the path as it was before it was made faster (:func:`compute`,
    :func:`_sync_warnings`): same results, kept for the tests and ``bench/recompute.py``."""
    actor = _acting(actor, agreement)
    as_of = as_of or clock.today()
    inputs = agreement_inputs(agreement, as_of)
    digests: dict[str, Any] = {}
    if effects is None:
        effects = not InsightSnapshot.objects.filter(agreement=agreement, as_of__gt=as_of).exists()
    if incremental:
        same_day = InsightSnapshot.objects.filter(agreement=agreement, as_of=as_of)
        stored = {s.kind: s for s in same_day}
        now = fingerprint(agreement, inputs, effects, digests)
        reasons = _reasons(agreement, as_of, stored, now)
        if not reasons:
            return Refreshed(stored, {})
    else:
        reasons = {kind: ("full",) for kind in SnapshotKind.values}
    computed = compute(inputs, reference=reference)
    titles = {w.key: warning_title(w, computed.inputs.names) for w in computed.warnings}
    with _Timer(computed, SnapshotKind.SCHEDULE):
        # The engine checks itself against what happened (analytics.calibration): read
        # before the write transaction, from the snapshots stored before this date.
        known = calibration.outcomes(computed.inputs)
        schedules = trusts = None
        if reference:  # the snapshots read whole, as before calibration.schedule_past
            schedules, trusts = (
                past_of(calibration.histories([agreement.pk], kind, key, as_of)[agreement.pk])
                for kind, key, past_of in (
                    (SnapshotKind.SCHEDULE, "commitments", calibration.schedule_past_of),
                    (SnapshotKind.TRUST, "pairs", calibration.trust_past_of),
                )
            )
        computed.data[SnapshotKind.SCHEDULE]["calibration"] = calibration.schedule_calibration(
            agreement, computed.inputs, known, schedules
        )
        computed.data[SnapshotKind.TRUST]["calibration"] = calibration.trust_calibration(
            agreement, computed.inputs, known, trusts
        )
    _stable_digests(agreement, inputs, digests)  # before the lock: only writes below
    # Computed above, written here in one short transaction: a worker killed mid-way leaves
    # the previous insights whole, never warnings of today beside snapshots of yesterday.
    # Nothing above runs in a transaction: on SQLite a transaction takes the one write lock
    # when it begins, and the computation (1.6 s for the demo's concession) would hold every
    # other writer — a page saving its session, a user's quick log — waiting behind it.
    with transaction.atomic():
        if effects:
            rows = _sync_warnings(
                actor,
                agreement,
                computed.warnings,
                titles,
                as_of,
                computed.inputs.names,
                reference=reference,
            )
        else:
            keys = [w.key for w in computed.warnings]
            warnings = EarlyWarning.objects.filter(agreement=agreement, key__in=keys)
            rows = {w.key: w for w in warnings}
        with _Timer(computed, SnapshotKind.WARNINGS):
            computed.data[SnapshotKind.WARNINGS] = results.warnings(
                computed.warnings, titles, rows, computed.inputs
            )
        if effects:
            # The stage follows maturity through recorded, explained changes (analytics.stages):
            # up at once, down only after a sustained failure or the team's confirmation.
            stage_follow(
                actor=actor,
                agreement=agreement,
                computed=computed.stage,
                maturity=computed.data[SnapshotKind.MATURITY],
                as_of=as_of,
            )
        # The fingerprint as the rows stand after this run's own writes (warnings, stage).
        snapshots = _store(
            agreement, as_of, computed, fingerprint(agreement, inputs, effects, digests)
        )
    return Refreshed(snapshots, reasons)


# --------------------------------------------------------------------------
# Fingerprints: what a kind's snapshot was computed from
# --------------------------------------------------------------------------

FINGERPRINT_VERSION = 1
# The parts of each kind's fingerprint besides the inputs, the date and the parameters:
# the calibration reads the kind's earlier snapshots; the warnings and the stage are written
# from (and compared with) rows a person may change between two runs.
EXTRA_PARTS: dict[str, tuple[str, ...]] = {
    SnapshotKind.TRUST: ("history",),
    SnapshotKind.SCHEDULE: ("history",),
    SnapshotKind.WARNINGS: ("effects", "warnings"),
    SnapshotKind.MATURITY: ("effects", "stage"),
}


def fingerprint(
    agreement: Agreement,
    inputs: AgreementInputs,
    effects: bool,
    known: dict[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """Per kind, the digests of everything its snapshot depends on (``InsightSnapshot.
    fingerprint``): equal fingerprints, equal snapshots (``test_incremental``). ``known``
    keeps the digests this run cannot change (the inputs, the earlier snapshots) from one
    call to the next."""
    known = _stable_digests(agreement, inputs, known)
    warnings, stages = _rows_of([agreement.pk])
    return _fingerprint_of(
        inputs.as_of,
        known["inputs"],
        known["history"],
        effects,
        warnings[agreement.pk],
        stages[agreement.pk],
    )


STAGE_CHANGE_COLUMNS = (
    "pk", "from_stage", "to_stage", "status", "cause", "first_seen_on", "last_seen_on",
    "decided_on", "decided_by_id",
)  # fmt: skip


def _fingerprint_of(
    as_of: date,
    inputs: str,
    history: dict[str, str],
    effects: bool,
    warning_rows: list,
    stage_rows: list,
) -> dict[str, dict[str, Any]]:
    """:func:`fingerprint` from what it reads: the inputs' digest, the history's digests, the
    rules' warning rows and the stage followed by its changes (:func:`_rows_of`)."""
    common = {"version": FINGERPRINT_VERSION, "as_of": as_of.isoformat(), "inputs": inputs}
    extra = {"effects": effects, "warnings": _digest(warning_rows), "stage": _digest(stage_rows)}
    out = {}
    for kind in SnapshotKind.values:
        parts = {**common, "parameters": parameters_digest(kind)}
        for name in EXTRA_PARTS.get(kind, ()):
            parts[name] = history.get(kind, "") if name == "history" else extra[name]
        out[kind] = parts
    return out


def _stable_digests(
    agreement: Agreement, inputs: AgreementInputs, known: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The digests of what a run's own writes cannot change (its inputs, the earlier
    snapshots), computed once per run into ``known``."""
    known = {} if known is None else known
    if "inputs" not in known:
        known["inputs"] = inputs_digest(inputs)
        known["history"] = _history_digests(agreement, inputs.as_of)
    return known


WARNING_COLUMNS = (
    "uuid", "key", "rule", "status", "severity", "title", "explanation", "message",
    "evidence", "owner_id", "commitment_id", "raised_on", "confidentiality",
)  # fmt: skip


def _history_digests(agreement: Agreement, as_of: date) -> dict[str, str]:
    """The calibration's input besides the inputs: which earlier snapshots exist, and when
    each was computed (a history recompute replaces them)."""
    return _histories_digests([agreement.pk], as_of)[agreement.pk]


def _histories_digests(agreement_ids: list[int], as_of: date) -> dict[int, dict[str, str]]:
    """:func:`_history_digests` of several agreements in one query, by agreement id."""
    # The snapshots the calibration reads (the retention rule's), not every earlier one.
    rows = (
        calibration_snapshots(agreement_ids, [SnapshotKind.TRUST, SnapshotKind.SCHEDULE], as_of)
        .order_by("agreement_id", "kind", "as_of")
        .values_list("agreement_id", "kind", "as_of", "computed_at")
    )
    by_agreement: dict[int, dict[str, list]] = {pk: {} for pk in agreement_ids}
    for pk, kind, made, computed_at in rows:
        by_agreement[pk].setdefault(kind, []).append((made, computed_at))
    return {
        pk: {kind: _digest(items) for kind, items in by_kind.items()}
        for pk, by_kind in by_agreement.items()
    }


def _reasons(
    agreement: Agreement,
    as_of: date,
    stored: dict[str, InsightSnapshot],
    now: dict[str, dict[str, Any]],
) -> dict[str, tuple[str, ...]]:
    """Per kind whose stored snapshot of ``as_of`` is not the one ``now`` would give, the
    parts that differ (``missing``: none stored on that date; ``new date`` when earlier ones
    are)."""

    def earlier() -> bool:
        return InsightSnapshot.objects.filter(agreement=agreement, as_of__lt=as_of).exists()

    was = {kind: snapshot.fingerprint or {} for kind, snapshot in stored.items()}
    return _reasons_of(was, now, earlier)


def _reasons_of(
    stored: dict[str, dict[str, Any]],
    now: dict[str, dict[str, Any]],
    earlier: Any,
) -> dict[str, tuple[str, ...]]:
    """:func:`_reasons` from the stored fingerprints by kind; ``earlier()`` tells whether
    snapshots of earlier dates exist (asked only when a kind has none of this date)."""
    reasons: dict[str, tuple[str, ...]] = {}
    before = None
    for kind, parts in now.items():
        if kind not in stored:
            if before is None:
                before = earlier()
            reasons[kind] = ("date",) if before else ("missing",)
            continue
        was = stored[kind]
        changed = tuple(name for name, value in parts.items() if was.get(name) != value)
        if changed:
            reasons[kind] = changed
    return reasons


def inputs_digest(inputs: AgreementInputs) -> str:
    """SHA-256 of everything the models read about the agreement (its data, schedule, people,
    names and host calendar), in a canonical form: equal digests, equal inputs."""
    document = [
        inputs.data,
        inputs.schedule,
        inputs.host_calendar,
        sorted(inputs.people.items()),
        inputs.names,
    ]
    return _digest(document)


def _digest(value: Any) -> str:
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.lru_cache(maxsize=1024)
def _calendar_digest(calendar: WorkingCalendar) -> str:
    """A calendar's digest, once per calendar (they are immutable, shared through
    ``selectors.working_calendar``'s cache, and most of the inputs' dates are holidays)."""
    return _digest(
        [calendar.weekmask, [str(d) for d in calendar.holidays], _canonical(calendar.blackouts)]
    )


# The types most of the inputs' ~5,000 values are, turned canonical by their exact type (one
# dictionary look-up instead of the chain of isinstance checks of _canonical_any, ~3 times
# faster): the same canonical form, the same digests (test_fingerprint).
_AS_IS = frozenset({str, int, float, bool, type(None)})
# A dataclass's field names, by its exact type (``dataclasses.fields`` per value is slow).
_FIELDS: dict[type, tuple[str, ...]] = {}


def _canonical(value: Any) -> Any:
    """``value`` as JSON-ready data whose text does not depend on the process (sets sorted,
    dataclasses by field, numpy arrays as lists)."""
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is list or kind is tuple:
        return [_canonical(v) for v in value]
    if kind is dict:
        return [[_canonical(k), _canonical(v)] for k, v in value.items()]
    if kind is date:
        return str(value)
    names = _FIELDS.get(kind)
    if names is not None:
        return [kind.__name__, [_canonical(getattr(value, name)) for name in names]]
    return _canonical_any(value)


def _canonical_any(value: Any) -> Any:
    """:func:`_canonical` of any value, by what it is an instance of (subclasses too)."""
    if isinstance(value, WorkingCalendar):
        return _calendar_digest(value)
    if is_dataclass(value) and not isinstance(value, type):
        names = tuple(f.name for f in fields(value))
        _FIELDS[type(value)] = names
        return [type(value).__name__, [_canonical(getattr(value, name)) for name in names]]
    if isinstance(value, dict):
        return [[_canonical(k), _canonical(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_canonical(v) for v in value), key=repr)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, date | uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def _store(
    agreement: Agreement,
    as_of: date,
    computed: Computed,
    fingerprints: dict[str, dict[str, Any]],
) -> dict[str, InsightSnapshot]:
    now = timezone.now()
    stored = {}
    for kind in SnapshotKind.values:
        stored[kind], _created = InsightSnapshot.objects.update_or_create(
            agreement=agreement,
            kind=kind,
            as_of=as_of,
            defaults={
                "data": computed.data[kind],
                "computed_at": now,
                "parameters_digest": parameters_digest(kind),
                "duration_ms": computed.duration_ms.get(kind, 0),
                "fingerprint": fingerprints[kind],
            },
        )
    return stored


# --------------------------------------------------------------------------
# Warnings: the rules' results as EarlyWarning rows
# --------------------------------------------------------------------------


def _sync_warnings(
    actor: Any,
    agreement: Agreement,
    found: Iterable[rules.EarlyWarning],
    titles: dict[str, dict],
    as_of: date,
    names: Names,
    *,
    reference: bool = False,
) -> dict[str, EarlyWarning]:
    """Raise every warning found (once per key) and resolve the rules' warnings that no longer
    fire. Returns the stored warning of each key found.

    A warning already stored is refreshed here in a batch (one read of the agreement's
    warnings, only the changed columns saved, the audit events written together): the same
    rows and the same audit trail as ``early_warning_raise`` one by one (``reference``),
    which costs four queries and a full validation per warning, every day, for each of them
    whose evidence moved with the date."""
    found = list(found)
    commitments = _commitments_by_uuid(
        w.subject for w in found if w.rule in ("overdue_commitment", "schedule_p80_late")
    )
    stored = {} if reference else {w.key: w for w in agreement.warnings.all()}
    rows, events = {}, []
    lead = _lead(agreement) if found else None
    for w in found:
        # Generated text is stored as messages, never as sentences: ``title`` and
        # ``explanation`` stay blank (a warning stored before messages gets them cleared).
        fields = {
            "title": "",
            "explanation": "",
            "message": {"title": titles[w.key], "action": names.message(w.action)},
            "evidence": [results.contribution(c, names) for c in w.evidence],
            "severity": SEVERITY[w.severity],
        }
        if w.key in stored:
            rows[w.key] = stored[w.key]
            event = save_changes_batched(
                actor=actor,
                obj=stored[w.key],
                changes=warning_reraise_changes(stored[w.key], fields),
            )
            if event is not None:
                events.append(event)
            continue
        rows[w.key] = _raise_new(actor, agreement, w, fields, as_of, commitments, lead)
    AuditEvent.objects.bulk_create(events)
    stale = (
        EarlyWarning.objects.filter(agreement=agreement, rule__in=rules.RULES)
        .exclude(key__in=list(rows))
        .exclude(status=WarningStatus.RESOLVED)
    )
    for warning in stale:
        early_warning_set_status(actor=actor, warning=warning, status=WarningStatus.RESOLVED)
    return rows


def _commitments_by_uuid(uuids: Iterable[str]) -> dict[str, Commitment]:
    wanted = set(uuids)
    if not wanted:
        return {}
    return {str(c.uuid): c for c in Commitment.objects.filter(uuid__in=wanted)}


def warning_title(w: rules.EarlyWarning, names: Names) -> dict:
    """A warning's title as a message with names instead of ids (rendered when shown)."""
    return names.message(w.message) or {"msg": "warning." + w.rule, "params": {}}


def _raise_new(
    actor: Any,
    agreement: Agreement,
    found: rules.EarlyWarning,
    fields: dict[str, Any],
    as_of: date,
    commitments: dict[str, Commitment],
    lead: Any,
) -> EarlyWarning:
    """A warning the rules found and no row holds yet, raised through its service (the
    one-by-one and the portfolio recompute): shared, owned by the agreement's lead when the
    rule says so."""
    warning, _new = early_warning_raise(
        actor=actor,
        agreement=agreement,
        key=found.key,
        rule=found.rule,
        raised_on=as_of,
        commitment=commitments.get(found.subject),
        confidentiality=Confidentiality.SHARED,
        owner=lead if rules.DEFAULT_OWNERS[found.rule] == "lead" else None,
        **fields,
    )
    return warning


def _lead(agreement: Agreement) -> Any:
    """Who owns a rule's warning by default (``DEFAULT_OWNERS``: "lead"): the agreement's
    owner who joined first, else nobody."""
    membership = (
        Membership.objects.filter(agreement=agreement, role=Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


# --------------------------------------------------------------------------
# Portfolio and history
# --------------------------------------------------------------------------


@dataclass
class RecomputeReport:
    """What a batch recomputation did."""

    agreements: int = 0  # recomputed
    snapshots: int = 0  # written
    skipped: int = 0  # unchanged since their snapshots of that date: nothing written
    failed: dict[str, str] = field(default_factory=dict)  # agreement uuid -> error
    seconds: float = 0.0
    # Why agreements were recomputed: part of the fingerprint that changed -> agreements
    # ("date", "missing", "inputs", "parameters", "history", "warnings", "stage", "full").
    reasons: dict[str, int] = field(default_factory=dict)
    # Per kind, how many agreements had it recomputed (every kind of an agreement is
    # recomputed together: the kinds share their inputs and feed each other).
    kinds: dict[str, int] = field(default_factory=dict)
    # Chunks of the portfolio path that failed and were recomputed one agreement at a time.
    fallbacks: int = 0


def insights_recompute_all(
    *,
    as_of: date | None = None,
    agreements: Iterable[Agreement] | None = None,
    incremental: bool = False,
) -> RecomputeReport:
    """Recompute every agreement (or those given) as the system, one transaction each: one
    agreement's failure is reported and does not stop the others. ``incremental`` skips the
    agreements whose snapshots of that date are still what they would be
    (:func:`insights_refresh`)."""
    started = time.perf_counter()
    report = RecomputeReport()
    for agreement in agreements if agreements is not None else Agreement.objects.order_by("pk"):
        try:
            done = insights_refresh(
                actor=None, agreement=agreement, as_of=as_of, incremental=incremental
            )
        except Exception as error:
            logger.exception("recompute failed for agreement %s", agreement.uuid)
            report.failed[str(agreement.uuid)] = f"{type(error).__name__}: {error}"
            continue
        if done.skipped:
            report.skipped += 1
            continue
        report.agreements += 1
        report.snapshots += len(done.snapshots)
        for name in sorted({name for names in done.reasons.values() for name in names}):
            report.reasons[name] = report.reasons.get(name, 0) + 1
        for kind in done.reasons:
            report.kinds[kind] = report.kinds.get(kind, 0) + 1
    report.seconds = time.perf_counter() - started
    return report


# Agreements read, computed and written together by the portfolio path: their inputs, their
# computed JSON (~250 kB per agreement on the generated data) and their rows are in memory at
# once — ~3 MB per agreement measured (bench/recompute.py: 956 MiB peak with chunks of 200,
# 340 MiB with 10) — so this bounds the memory; the queries it saves are already a small
# part of the read at 100.
PORTFOLIO_CHUNK = 100
# Agreements whose writes share one transaction (a few hundred milliseconds of writing).
WRITE_CHUNK = 20


@dataclass
class PortfolioTimes:
    """CPU seconds of the portfolio path by part (``bench/recompute.py`` prints them)."""

    read: float = 0.0  # inputs, stored snapshots, warnings, stage, history
    fingerprint: float = 0.0  # the inputs' and rows' digests
    models: float = 0.0  # every model but the schedule's
    monte_carlo: float = 0.0  # forecast_schedule (the Monte Carlo and its statistics)
    json: float = 0.0  # the results turned into the snapshots' JSON (names, messages)
    calibration: float = 0.0
    write: float = 0.0  # warnings (with their audit events), stage, snapshots
    # Of ``models`` and ``monte_carlo``, each kind's CPU (without its JSON).
    kinds: dict[str, float] = field(default_factory=dict)

    def add(self, part: str, since: float) -> float:
        now = time.process_time()
        setattr(self, part, getattr(self, part) + now - since)
        return now


def insights_recompute_portfolio(
    *,
    as_of: date | None = None,
    agreements: Iterable[Agreement] | None = None,
    incremental: bool = False,
    chunk: int = PORTFOLIO_CHUNK,
    write_chunk: int = WRITE_CHUNK,
    times: PortfolioTimes | None = None,
) -> RecomputeReport:
    """:func:`insights_recompute_all` for many agreements at once, with the same results:
    ``chunk`` agreements at a time, their inputs and everything the fingerprints and the
    writes compare with are read with a few queries for the whole chunk
    (``selectors.agreements_inputs``), each agreement's models run once, and the chunk's
    snapshots, warnings and audit events are written with bulk statements, in short
    transactions of ``write_chunk`` agreements (the stage follows per agreement, as it rarely
    moves). A chunk that fails is recomputed agreement by agreement, so one agreement's
    failure is reported and does not stop the others. As the system (:func:`system_actor`):
    every write still goes through the access policy's check of the actor."""
    started = time.perf_counter()
    report = RecomputeReport()
    times = times if times is not None else PortfolioTimes()
    as_of = as_of or clock.today()
    actor = system_actor()
    todo = agreements if agreements is not None else Agreement.objects.order_by("pk").iterator()
    for batch in itertools.batched(todo, chunk):
        try:
            _portfolio_chunk(actor, list(batch), as_of, incremental, write_chunk, report, times)
        except Exception:
            logger.exception("portfolio recompute failed for a chunk; one by one instead")
            done = insights_recompute_all(as_of=as_of, agreements=batch, incremental=incremental)
            _merge(report, done)
            report.fallbacks += 1
    report.seconds = time.perf_counter() - started
    return report


def _merge(report: RecomputeReport, done: RecomputeReport) -> None:
    report.agreements += done.agreements
    report.snapshots += done.snapshots
    report.skipped += done.skipped
    report.failed.update(done.failed)
    for name, n in done.reasons.items():
        report.reasons[name] = report.reasons.get(name, 0) + n
    for kind, n in done.kinds.items():
        report.kinds[kind] = report.kinds.get(kind, 0) + n


def _grouped(rows: Iterable[tuple], ids: Iterable[int]) -> dict[int, list[tuple]]:
    """Rows whose first column is an agreement id, by agreement (that column dropped)."""
    out: dict[int, list[tuple]] = {pk: [] for pk in ids}
    for pk, *rest in rows:
        out[pk].append(tuple(rest))
    return out


def _rows_of(ids: list[int]) -> tuple[dict[int, list], dict[int, list]]:
    """Per agreement, the rules' warning rows and the stage with its changes, as
    :func:`fingerprint` reads them."""
    warnings = _grouped(
        EarlyWarning.objects.filter(agreement__in=ids, rule__in=rules.RULES)
        .order_by("agreement_id", "key")
        .values_list("agreement_id", *WARNING_COLUMNS),
        ids,
    )
    stages = dict(Agreement.objects.filter(pk__in=ids).values_list("pk", "stage"))
    changes = _grouped(
        StageChange.objects.filter(agreement__in=ids)
        .order_by("agreement_id", "pk")
        .values_list("agreement_id", *STAGE_CHANGE_COLUMNS),
        ids,
    )
    return warnings, {pk: [stages.get(pk), *changes[pk]] for pk in ids}


def _portfolio_chunk(
    actor: Any,
    chunk: list[Agreement],
    as_of: date,
    incremental: bool,
    write_chunk: int,
    report: RecomputeReport,
    times: PortfolioTimes,
) -> None:
    """Read, compute and write one chunk (see :func:`insights_recompute_portfolio`)."""
    ids = [a.pk for a in chunk]
    tick = time.process_time()
    later = set(
        InsightSnapshot.objects.filter(agreement__in=ids, as_of__gt=as_of)
        .values_list("agreement_id", flat=True)
        .distinct()
    )
    same_day: dict[int, dict[str, tuple[int, dict]]] = {pk: {} for pk in ids}
    for pk, kind, snapshot, print_ in InsightSnapshot.objects.filter(
        agreement__in=ids, as_of=as_of
    ).values_list("agreement_id", "kind", "pk", "fingerprint"):
        same_day[pk][kind] = (snapshot, print_ or {})
    inputs = dict(zip(ids, agreements_inputs(chunk, as_of), strict=True))
    history = _histories_digests(ids, as_of)
    warning_rows, stage_rows = _rows_of(ids) if incremental else ({}, {})
    tick = times.add("read", tick)
    digests = {pk: inputs_digest(inputs[pk]) for pk in ids}
    reasons: dict[int, dict[str, tuple[str, ...]]] = {}
    earlier: set[int] | None = None
    for agreement in chunk:
        pk = agreement.pk
        if not incremental:
            reasons[pk] = {kind: ("full",) for kind in SnapshotKind.values}
            continue
        now = _fingerprint_of(
            as_of, digests[pk], history[pk], pk not in later, warning_rows[pk], stage_rows[pk]
        )

        def before(pk: int = pk) -> bool:
            nonlocal earlier
            if earlier is None:
                earlier = set(
                    InsightSnapshot.objects.filter(agreement__in=ids, as_of__lt=as_of)
                    .values_list("agreement_id", flat=True)
                    .distinct()
                )
            return pk in earlier

        stored = {kind: made for kind, (_pk, made) in same_day[pk].items()}
        found = _reasons_of(stored, now, before)
        if found:
            reasons[pk] = found
        else:
            report.skipped += 1
    tick = times.add("fingerprint", tick)
    todo = [a for a in chunk if a.pk in reasons]
    if not todo:
        return
    computed = {}
    for agreement in todo:
        computed[agreement.pk], tick = _compute_timed(inputs[agreement.pk], times, tick)
    todo_ids = [a.pk for a in todo]
    known = {pk: calibration.outcomes(computed[pk].inputs) for pk in todo_ids}
    schedules = calibration.schedule_past(todo_ids, as_of, known)
    trusts = calibration.trust_past(todo_ids, as_of, known)
    for agreement in todo:
        done = computed[agreement.pk]
        started = time.perf_counter()
        done.data[SnapshotKind.SCHEDULE]["calibration"] = calibration.schedule_calibration(
            agreement, done.inputs, known[agreement.pk], schedules[agreement.pk]
        )
        done.data[SnapshotKind.TRUST]["calibration"] = calibration.trust_calibration(
            agreement, done.inputs, known[agreement.pk], trusts[agreement.pk]
        )
        ms = round(1000 * (time.perf_counter() - started))
        done.duration_ms[SnapshotKind.SCHEDULE] = (
            done.duration_ms.get(SnapshotKind.SCHEDULE, 0) + ms
        )
    tick = times.add("calibration", tick)
    # Written in short transactions of a few agreements: on SQLite a write transaction locks
    # the database, and a person's write must not wait for a whole chunk's.
    for start in range(0, len(todo), write_chunk):
        part = todo[start : start + write_chunk]
        with transaction.atomic():
            written, tick = _write_part(
                actor, part, as_of, computed, later, digests, history, same_day, times, tick
            )
        report.snapshots += written
    for agreement in todo:
        report.agreements += 1
        found = reasons[agreement.pk]
        for name in sorted({name for names in found.values() for name in names}):
            report.reasons[name] = report.reasons.get(name, 0) + 1
        for kind in found:
            report.kinds[kind] = report.kinds.get(kind, 0) + 1


def _write_part(
    actor: Any,
    todo: list[Agreement],
    as_of: date,
    computed: dict[int, Computed],
    later: set[int],
    digests: dict[int, str],
    history: dict[int, dict[str, str]],
    same_day: dict[int, dict[str, tuple[int, dict]]],
    times: PortfolioTimes,
    tick: float,
) -> tuple[int, float]:
    """Write the warnings, stage and snapshots of ``todo`` (call inside a transaction).
    Returns the number of snapshots written and the CPU clock."""
    todo_ids = [a.pk for a in todo]
    effects = [a for a in todo if a.pk not in later]
    titles = {
        a.pk: {
            w.key: warning_title(w, computed[a.pk].inputs.names) for w in computed[a.pk].warnings
        }
        for a in todo
    }
    rows = _sync_warnings_batch(actor, effects, computed, titles, as_of)
    quiet = [a for a in todo if a.pk in later]
    if quiet:
        keys = {a.pk: {w.key for w in computed[a.pk].warnings} for a in quiet}
        for warning in EarlyWarning.objects.filter(agreement__in=[a.pk for a in quiet]):
            if warning.key in keys[warning.agreement_id]:
                rows.setdefault(warning.agreement_id, {})[warning.key] = warning
    tick = times.add("write", tick)
    for agreement in todo:
        done = computed[agreement.pk]
        with _Timer(done, SnapshotKind.WARNINGS):
            done.data[SnapshotKind.WARNINGS] = results.warnings(
                done.warnings, titles[agreement.pk], rows.get(agreement.pk, {}), done.inputs
            )
    tick = times.add("json", tick)
    for agreement in effects:
        done = computed[agreement.pk]
        stage_follow(
            actor=actor,
            agreement=agreement,
            computed=done.stage,
            maturity=done.data[SnapshotKind.MATURITY],
            as_of=as_of,
        )
    tick = times.add("write", tick)
    # The fingerprints as the rows stand after this chunk's own writes.
    warning_rows, stage_rows = _rows_of(todo_ids)
    prints = {
        pk: _fingerprint_of(
            as_of, digests[pk], history[pk], pk not in later, warning_rows[pk], stage_rows[pk]
        )
        for pk in todo_ids
    }
    tick = times.add("fingerprint", tick)
    written = _store_many(todo, as_of, computed, prints, same_day)
    tick = times.add("write", tick)
    return written, tick


def _compute_timed(
    inputs: AgreementInputs, times: PortfolioTimes, tick: float
) -> tuple[Computed, float]:
    """:func:`compute`, its Monte Carlo's CPU counted apart from the other models'."""
    done = compute(inputs)
    now = time.process_time()
    json_cpu = sum(done.json_cpu.values())
    schedule = done.cpu.get(SnapshotKind.SCHEDULE, 0.0) - done.json_cpu.get(
        SnapshotKind.SCHEDULE, 0
    )
    times.monte_carlo += schedule
    times.json += json_cpu
    times.models += now - tick - schedule - json_cpu
    for kind, cpu in done.cpu.items():
        spent = cpu - done.json_cpu.get(kind, 0.0)
        times.kinds[kind] = times.kinds.get(kind, 0.0) + spent
    return done, now


def _store_many(
    agreements: list[Agreement],
    as_of: date,
    computed: dict[int, Computed],
    prints: dict[int, dict[str, dict[str, Any]]],
    same_day: dict[int, dict[str, tuple[int, dict]]],
) -> int:
    """:func:`_store` for many agreements: the snapshots of ``as_of`` already stored are
    updated in place (the same rows, as ``update_or_create`` does), the others inserted."""
    now = timezone.now()
    digests = {kind: parameters_digest(kind) for kind in SnapshotKind.values}
    updated, created = [], []
    for agreement in agreements:
        pk = agreement.pk
        for kind in SnapshotKind.values:
            snapshot = InsightSnapshot(
                agreement=agreement,
                kind=kind,
                as_of=as_of,
                data=computed[pk].data[kind],
                computed_at=now,
                parameters_digest=digests[kind],
                duration_ms=computed[pk].duration_ms.get(kind, 0),
                fingerprint=prints[pk][kind],
            )
            if kind in same_day[pk]:
                snapshot.pk = same_day[pk][kind][0]
                updated.append(snapshot)
            else:
                created.append(snapshot)
    fields = ["data", "computed_at", "parameters_digest", "duration_ms", "fingerprint"]
    InsightSnapshot.objects.bulk_update(updated, fields, batch_size=100)
    insert_many(created)
    return len(updated) + len(created)


def _sync_warnings_batch(
    actor: Any,
    agreements: list[Agreement],
    computed: dict[int, Computed],
    titles: dict[int, dict[str, dict]],
    as_of: date,
) -> dict[int, dict[str, EarlyWarning]]:
    """:func:`_sync_warnings` for many agreements: their warnings, the commitments the new
    ones name and their leads read once; the refreshed warnings validated one by one and
    written with one ``bulk_update`` per set of changed columns, their audit events with
    one insert (``core.services.save_changes_bulk``). Raising a new warning and resolving
    one that stopped firing go through the risks services one by one, as they are few."""
    ids = [a.pk for a in agreements]
    if not ids:
        return {}
    stored: dict[int, dict[str, EarlyWarning]] = {pk: {} for pk in ids}
    for warning in EarlyWarning.objects.filter(agreement__in=ids):
        stored[warning.agreement_id][warning.key] = warning
    commitments = _commitments_by_uuid(
        w.subject
        for pk in ids
        for w in computed[pk].warnings
        if w.rule in ("overdue_commitment", "schedule_p80_late")
    )
    leads: dict[int, Any] = {}
    for membership in (
        Membership.objects.filter(agreement__in=ids, role=Role.OWNER, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    ):
        leads.setdefault(membership.agreement_id, membership.user)
    rows: dict[int, dict[str, EarlyWarning]] = {pk: {} for pk in ids}
    changes, stale = [], []
    for agreement in agreements:
        pk = agreement.pk
        names = computed[pk].inputs.names
        for w in computed[pk].warnings:
            fields = {
                "title": "",
                "explanation": "",
                "message": {"title": titles[pk][w.key], "action": names.message(w.action)},
                "evidence": [results.contribution(c, names) for c in w.evidence],
                "severity": SEVERITY[w.severity],
            }
            if w.key in stored[pk]:
                rows[pk][w.key] = stored[pk][w.key]
                changes.append(
                    (stored[pk][w.key], warning_reraise_changes(stored[pk][w.key], fields))
                )
                continue
            rows[pk][w.key] = _raise_new(
                actor, agreement, w, fields, as_of, commitments, leads.get(pk)
            )
        stale.extend(
            warning
            for key, warning in stored[pk].items()
            if warning.rule in rules.RULES
            and key not in rows[pk]
            and warning.status != WarningStatus.RESOLVED
        )
    insert_many(save_changes_bulk(actor=actor, changes=changes))
    for warning in sorted(stale, key=lambda w: w.pk):
        early_warning_set_status(actor=actor, warning=warning, status=WarningStatus.RESOLVED)
    return rows


def history_dates(start: date, until: date, every: str = History.QUARTERLY) -> list[date]:
    """Period ends strictly after ``start`` and before ``until``, then ``until`` itself."""
    months = 3 if every == History.QUARTERLY else 1
    dates, year, month = [], start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if (month - 1) % months:
            continue
        end = date(year, month, 1) - timedelta(days=1)
        if end >= until:
            break
        if end > start:
            dates.append(end)
    return [*dates, until]


def insights_recompute_history(
    *,
    actor: Any,
    agreement: Agreement,
    until: date | None = None,
    every: str = History.QUARTERLY,
) -> list[date]:
    """Snapshots at every period end since signature, then at ``until`` (default today).

    Past dates only store their snapshots; the last one also raises warnings and sets the
    stage, as a normal recompute does. Returns the dates computed.
    """
    until = until or clock.today()
    dates = history_dates(agreement.signed_on, until, every)
    for when in dates[:-1]:
        insights_recompute(actor=actor, agreement=agreement, as_of=when, effects=False)
    insights_recompute(actor=actor, agreement=agreement, as_of=dates[-1])
    return dates
