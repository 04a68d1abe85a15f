"""Writes of extraction: read a document into a run of candidates, then review them —
edit, reject, merge, accept (one or in bulk). An accepted candidate becomes commitments
through ``partnerships.services.commitment_create`` (validated, audited), linked back to
the candidate and so to its words in the text. Everything is atomic and audited; a
document is read and extracted outside the transaction that writes what it found."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.core.services import audit, require_change, save_changes, save_new
from alliance.extraction import choices
from alliance.extraction.choices import CandidateChange, CandidateStatus
from alliance.extraction.engine import documents
from alliance.extraction.engine.parties import ALL
from alliance.extraction.engine.pipeline import ENGINE_VERSION, extract
from alliance.extraction.engine.pipeline import Candidate as Found
from alliance.extraction.engine.text import fold
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.extraction.selectors import party_refs
from alliance.partnerships import services as ps
from alliance.partnerships.choices import ParticipationRole
from alliance.partnerships.models import (
    Agreement,
    AgreementDocument,
    Commitment,
    Milestone,
    Party,
)

# The three-point estimate a new commitment starts with (working days), for the team to set.
DEFAULT_DURATIONS = (5, 10, 20)
CATEGORY_WORDS = [
    (
        "financial",
        r"pay|contribution|fee|loan|fund|financ|vers|redevance|paie|zahl|darlehen|steuer|kosten|budget|montant",
    ),
    (
        "reporting",
        r"report|inform|notif|communicat|rapport|transmet|declar|bericht|mitteil|unterricht",
    ),
    ("regulatory", r"licen|permit|authori|autoris|genehmig|law|legislat|reglement|comply"),
    ("local_content", r"local|nationaux|hire|train|formation|emploi|ortlich"),
    ("governance", r"committee|comite|commission|meet|reuni|consult|agree|conseil|sitzung"),
]


def _category(words: str) -> str:
    import re

    folded = fold(words)
    for category, pattern in CATEGORY_WORDS:
        if re.search(pattern, folded):
            return category
    return "technical"


def _title(found: Found) -> str:
    words = found.action if len(found.action) > 20 else found.sentence
    words = words.strip().rstrip(".;:")
    return words if len(words) <= 120 else words[:117].rsplit(" ", 1)[0] + "…"


def _party(agreement_parties: dict[str, Party], party_id: str | None) -> Party | None:
    return agreement_parties.get(party_id or "")


def _key(found: Found | Candidate) -> str:
    """What identifies an obligation across two readings: its words, folded."""
    words = found.sentence
    return " ".join(fold(words).split())


def extraction_run_create(
    *,
    actor: Any,
    agreement: Agreement,
    data: bytes,
    name: str,
    language: str = "auto",
    document: AgreementDocument | None = None,
    read: documents.Document | None = None,
) -> ExtractionRun:
    """Read a document and propose its commitments; compare with the previous reading of
    the same agreement (added, altered, unchanged, removed). Read and extracted outside any
    transaction, written in one short one (:func:`_run_store`): all or nothing."""
    require_change(actor, ExtractionRun(agreement=agreement))
    found = _extract(agreement, data, name, language, read)
    return _run_store(actor, agreement, name, found, document)


@dataclass
class _Found:
    """A document read and what the engine found in it, validated, not saved yet."""

    read: documents.Document
    language: str
    found: list[Found]
    candidates: list[tuple[Candidate, list[Party]]]


def _extract(
    agreement: Agreement,
    data: bytes,
    name: str,
    language: str,
    read: documents.Document | None = None,
) -> _Found:
    """The document's text, the engine's candidates and their rows, validated: seconds of
    parsing (or OCR) on a long agreement, in autocommit. On SQLite a transaction holds the
    one write lock from its first statement, so done inside one it kept every other writer (a
    quick log, a page saving its session) waiting for the whole reading."""
    read = read or _read(data, name)
    result = extract(read, language=language, parties=party_refs(agreement))
    parties = {str(p.uuid): p for p in agreement.parties.all()}
    made = [_candidate_from(n, found, parties) for n, found in enumerate(result.candidates)]
    return _Found(read, result.language, result.candidates, made)


@transaction.atomic
def _run_store(
    actor: Any,
    agreement: Agreement,
    name: str,
    found: _Found,
    document: AgreementDocument | None,
) -> ExtractionRun:
    """Write the run and its candidates, compared with the previous run (read here, in the
    transaction, so that two readings at once each compare with a run that exists)."""
    previous = agreement.extraction_runs.order_by("-created_at").first()
    run = ExtractionRun(
        agreement=agreement,
        document=document,
        created_by=actor if getattr(actor, "pk", None) else None,
        previous=previous,
        source_name=name[:255],
        language=found.language,
        method=found.read.method,
        text=found.read.text,
        page_starts=found.read.page_starts,
        notes=found.read.notes,
        engine_version=ENGINE_VERSION,
    )
    save_new(actor=actor, obj=run)
    before = {}
    if previous is not None:
        before = {_key(c): c for c in previous.candidates.exclude(status=CandidateStatus.MERGED)}
    seen: set[str] = set()
    for one, (candidate, _owed_to) in zip(found.found, found.candidates, strict=True):
        candidate.run = run
        if previous is not None:
            old = before.get(_key(one))
            candidate.change = CandidateChange.ADDED if old is None else CandidateChange.UNCHANGED
            if old is None:
                old = _altered_from(one, before, seen)
                candidate.change = CandidateChange.ALTERED if old is not None else candidate.change
            if old is not None:
                seen.add(_key(old))
    # In two statements rather than two per candidate: the lock is held for the writes only.
    made = found.candidates
    Candidate.objects.bulk_create([candidate for candidate, _owed_to in made])
    owed_to = Candidate.owed_to.through
    owed_to.objects.bulk_create(
        owed_to(candidate_id=candidate.pk, party_id=party.pk)
        for candidate, parties_owed in made
        for party in parties_owed
    )
    if previous is not None:
        run.removed = [
            {"clause": c.clause, "sentence": c.sentence[:300]}
            for key, c in before.items()
            if key not in seen
        ]
        run.save(update_fields=["removed"])
    return run


def _read(data: bytes, name: str) -> documents.Document:
    try:
        return documents.read_bytes(data, name)
    except documents.DocumentError as exc:
        raise ValidationError({"file": str(exc)}) from exc


def _altered_from(found: Found, before: dict[str, Candidate], seen: set[str]) -> Candidate | None:
    """The previous candidate this one rewrites: same clause and most words in common."""
    words = set(_key(found).split())
    best, best_share = None, 0.0
    for key, old in before.items():
        if key in seen or old.clause != found.clause:
            continue
        other = set(key.split())
        share = len(words & other) / max(1, len(words | other))
        if share > best_share:
            best, best_share = old, share
    return best if best_share >= 0.5 else None


def _candidate_from(
    position: int, found: Found, parties: dict[str, Party]
) -> tuple[Candidate, list[Party]]:
    """The candidate for ``found``, validated, not saved yet (nor given its run: a first
    reading until compared with the previous one), and the parties it is owed to."""
    due_on = date.fromisoformat(found.due["date"]) if found.due and "date" in found.due else None
    candidate = Candidate(
        position=position,
        change=CandidateChange.FIRST,
        title=_title(found),
        action=found.action,
        clause=found.clause[:60],
        owed_by_written=(found.owed_by.name if found.owed_by else "")[:200],
        owed_by_all=bool(found.owed_by and found.owed_by.id == ALL),
        owed_by=_party(parties, found.owed_by.id if found.owed_by else None),
        due=found.due,
        due_on=due_on,
        recurrence=found.recurrence or "",
        conditions=found.conditions,
        category=_category(found.action),
        span_start=found.span[0],
        span_end=found.span[1],
        sentence=found.sentence,
        rule=found.rule[:40],
        rule_description=found.rule_description[:200],
        confidence=found.confidence,
        negative=found.negative,
        evidence=[list(e) for e in found.evidence],
    )
    candidate.full_clean(exclude=["run"])
    owed_to = [p for p in (_party(parties, o.id) for o in found.owed_to) if p is not None]
    return candidate, list(dict.fromkeys(owed_to))


@transaction.atomic
def candidate_update(*, actor: Any, candidate: Candidate, **changes: Any) -> Candidate:
    """The reviewer corrects a candidate before accepting it."""
    _require_open(candidate)
    owed_to = changes.pop("owed_to", None)
    if "owed_by" in changes and changes["owed_by"] is not None:
        changes["owed_by_all"] = False
    m2m = {"owed_to": owed_to} if owed_to is not None else None
    return save_changes(actor=actor, obj=candidate, changes=changes, m2m=m2m)


@transaction.atomic
def candidate_reject(*, actor: Any, candidate: Candidate) -> Candidate:
    _require_open(candidate)
    return save_changes(
        actor=actor,
        obj=candidate,
        changes={"status": CandidateStatus.REJECTED},
        action=AuditAction.STATUS,
    )


@transaction.atomic
def candidate_merge(*, actor: Any, candidates: Iterable[Candidate]) -> Candidate:
    """Merge candidates of one run into the first (in text order): one obligation that the
    text states in several sentences."""
    ordered = sorted(candidates, key=lambda c: c.span_start)
    if len(ordered) < 2:
        raise ValidationError(_("Choose at least two candidates to merge."))
    if len({c.run_id for c in ordered}) != 1:
        raise ValidationError(_("Only candidates of the same reading can be merged."))
    into, others = ordered[0], ordered[1:]
    for candidate in ordered:
        _require_open(candidate)
    changes = {
        "action": " ".join([into.action, *(c.action for c in others)])[:4000],
        "sentence": " ".join([into.sentence, *(c.sentence for c in others)]),
        "conditions": [*into.conditions, *(x for c in others for x in c.conditions)],
        "evidence": [*into.evidence, *(e for c in others for e in c.evidence)],
        "span_end": max(c.span_end for c in ordered),
    }
    save_changes(actor=actor, obj=into, changes=changes)
    for candidate in others:
        save_changes(
            actor=actor,
            obj=candidate,
            changes={"status": CandidateStatus.MERGED, "merged_into": into},
            action=AuditAction.STATUS,
        )
    return into


def _require_open(candidate: Candidate) -> None:
    if candidate.status != CandidateStatus.PROPOSED:
        raise ValidationError(
            _("This candidate was already reviewed (%(status)s).")
            % {"status": candidate.get_status_display()}
        )


@dataclass(frozen=True)
class Due:
    due_on: date
    due_trigger: str = "fixed"
    due_offset_days: int | None = None


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _after(anchor: date, value: int, unit: str) -> date:
    if unit == "days":
        return anchor + timedelta(days=value)
    if unit == "working_days":
        day, left = anchor, value
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5
        return day
    if unit == "months":
        return _add_months(anchor, value)
    return _add_months(anchor, 12 * value)


def resolve_due(candidate: Candidate) -> Due | None:
    """The commitment's due date: the candidate's date, or its timeframe counted from the
    agreement's signature or effective date; None when the reviewer must give one."""
    if candidate.due_on:
        return Due(candidate.due_on)
    due = candidate.due or {}
    within = due.get("within")
    anchor_text = due.get("after")
    if not within or not anchor_text:
        return None
    from alliance.extraction.engine.timeframes import anchor_key

    trigger = choices.ANCHOR_TRIGGER.get(anchor_key(fold(anchor_text)))
    agreement = candidate.run.agreement
    anchor = {"effective": agreement.effective_on, "signed": agreement.signed_on}.get(trigger or "")
    if trigger is None or anchor is None:
        return None
    day = _after(anchor, within["value"], within["unit"])
    return Due(day, trigger, (day - anchor).days)


def anchor_of(candidate: Candidate) -> str:
    """The event a candidate's timeframe counts from, as written ("" if none)."""
    due = candidate.due or {}
    return (due.get("after") or due.get("before") or "") if due.get("within") else ""


@transaction.atomic
def anchor_milestone_create(
    *, actor: Any, run: ExtractionRun, anchor: str, title: str, due_on: date
) -> Milestone:
    """Turn an event the text counts from ("le début des travaux") into a milestone of the
    agreement, and date the open candidates counted from it."""
    milestone = ps.milestone_create(
        actor=actor, agreement=run.agreement, title=title[:300], due_on=due_on
    )
    key = fold(anchor).strip()
    for candidate in run.candidates.filter(status=CandidateStatus.PROPOSED, due_on__isnull=True):
        if fold(anchor_of(candidate)).strip() != key:
            continue
        within = candidate.due["within"]
        before = "before" in candidate.due and candidate.due["before"]
        day = _after(due_on, within["value"], within["unit"])
        if before:
            day = due_on - (day - due_on)
        save_changes(actor=actor, obj=candidate, changes={"due_on": day, "milestone": milestone})
    return milestone


def missing_for_acceptance(candidate: Candidate) -> list[str]:
    """What a candidate still lacks before it can become a commitment."""
    missing = []
    if candidate.owed_by_id is None and not candidate.owed_by_all:
        missing.append(_("the party that owes it"))
    if resolve_due(candidate) is None:
        missing.append(_("a due date"))
    return missing


@transaction.atomic
def candidate_accept(*, actor: Any, candidate: Candidate) -> list[Commitment]:
    """Register the candidate as commitments (one per owing party when "each Party" owes
    it), through the commitment service: validated, audited, linked to the candidate."""
    _require_open(candidate)
    require_change(actor, candidate)
    missing = missing_for_acceptance(candidate)
    if missing:
        raise ValidationError(
            _("Give %(what)s before accepting.") % {"what": _(" and ").join(missing)}
        )
    due = resolve_due(candidate)
    assert due is not None
    agreement = candidate.run.agreement
    members = list(agreement.parties.all())
    # A duty that names nobody is owed to the other signatories (LABELLING.md), not to an
    # organ, a lender or a beneficiary registered with the agreement.
    signed = [
        p.party
        for p in agreement.participations.select_related("party").filter(
            role=ParticipationRole.SIGNATORY, ended_on__isnull=True
        )
    ]
    owing = members if candidate.owed_by_all else [candidate.owed_by]
    named_to = list(candidate.owed_to.all())
    lo, ml, hi = DEFAULT_DURATIONS
    description = candidate.action
    if candidate.conditions:
        description += "\n" + _("Conditions: %(c)s") % {"c": "; ".join(candidate.conditions)}
    created = []
    for party in owing:
        owed_to = (
            [p for p in named_to if p != party]
            or [p for p in signed if p != party]
            or [p for p in members if p != party]
        )
        commitment = ps.commitment_create(
            actor=actor,
            agreement=agreement,
            owed_by=party,
            owed_to=owed_to,
            title=candidate.title[:300],
            description=description,
            clause=candidate.clause,
            category=candidate.category or "technical",
            milestone=candidate.milestone,
            due_on=due.due_on,
            due_trigger=due.due_trigger,
            due_offset_days=due.due_offset_days,
            recurrence=choices.RECURRENCE.get(candidate.recurrence or None, "none"),
            duration_optimistic=lo,
            duration_likely=ml,
            duration_pessimistic=hi,
        )
        created.append(commitment)
    candidate.commitments.add(*created)
    before = {"status": candidate.status}
    candidate.status = CandidateStatus.ACCEPTED
    candidate.save(update_fields=["status"])
    audit(
        actor=actor,
        obj=candidate,
        action=AuditAction.STATUS,
        before=before,
        after={"status": candidate.status, "commitments": [str(c.uuid) for c in created]},
    )
    return created


def candidates_accept_many(
    *, actor: Any, candidates: Iterable[Candidate]
) -> tuple[list[Candidate], list[tuple[Candidate, list[str]]]]:
    """Accept every complete candidate; return those accepted and those left, with what
    each lacks. Each acceptance is atomic on its own: one incomplete candidate does not
    hold back the others."""
    accepted, left = [], []
    for candidate in candidates:
        missing = missing_for_acceptance(candidate)
        if missing or candidate.status != CandidateStatus.PROPOSED:
            left.append((candidate, missing))
            continue
        candidate_accept(actor=actor, candidate=candidate)
        accepted.append(candidate)
    return accepted, left


def agreement_text_read(
    *, actor: Any, agreement: Agreement, upload: Any, title: str, language: str = "auto"
) -> ExtractionRun:
    """Keep the uploaded text with the agreement and read it into candidates, all or
    nothing: a file that cannot be read leaves no document behind. Read and extracted before
    the one short transaction that keeps the document and writes the run."""
    require_change(actor, ExtractionRun(agreement=agreement))
    upload.seek(0)
    data = upload.read()
    found = _extract(agreement, data, upload.name, language)  # before anything is kept
    document = None
    try:
        with transaction.atomic():
            document = ps.agreement_document_add(
                actor=actor, agreement=agreement, title=title, name=upload.name, content=data
            )
            return _run_store(actor, agreement, upload.name, found, document)
    except Exception:
        if document is not None:
            document.file.delete(save=False)  # its row went with the transaction
        raise


def agreement_document_read(
    *, actor: Any, document: AgreementDocument, language: str = "auto"
) -> ExtractionRun:
    """Read a document already kept with the agreement (the demo's signed text): read and
    extracted outside any transaction, the run written in one."""
    require_change(actor, ExtractionRun(agreement=document.agreement))
    with document.file.open("rb") as handle:
        data = handle.read()
    name = document.file.name.rsplit("/", 1)[-1]
    return extraction_run_create(
        actor=actor,
        agreement=document.agreement,
        data=data,
        name=name,
        language=language,
        document=document,
    )
