"""Reads for extraction: an agreement named on the command line and its registered parties
as the engine knows them. (The command line is an operator's tool, run with database
access; pages go through the access policy.)"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from alliance.accounts import policy
from alliance.extraction.choices import CandidateStatus
from alliance.extraction.engine.parties import PartyRef
from alliance.extraction.engine.text import fold
from alliance.extraction.engine.timeframes import anchor_key
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships.models import Agreement, Commitment


def agreement_by_ref(ref: str) -> Agreement | None:
    """The agreement whose reference, UUID or title is ``ref`` (None if none or several)."""
    condition = Q(reference__iexact=ref) | Q(title__iexact=ref)
    with contextlib.suppress(ValueError):
        condition |= Q(uuid=UUID(ref))
    found = list(Agreement.objects.filter(condition)[:2])
    return found[0] if len(found) == 1 else None


def party_refs(agreement: Agreement) -> list[PartyRef]:
    """The agreement's parties, by UUID, with names, short names, kind, country and role
    (a duty that names nobody is owed to the other signatories)."""
    participations = agreement.participations.select_related("party").order_by("party__name")
    return [
        PartyRef(
            id=str(p.party.uuid),
            name=p.party.name,
            short_name=p.party.short_name,
            kind=p.party.kind,
            country=p.party.country,
            role=p.role,
        )
        for p in participations
    ]


# ----- pages (every read starts from the access policy) -----


def runs_for(user: Any, agreement: Agreement) -> QuerySet[ExtractionRun]:
    return (
        policy.extraction_runs_visible_to(user)
        .filter(agreement=agreement)
        .select_related("created_by", "document")
        .annotate(
            proposed=Count("candidates", filter=Q(candidates__status=CandidateStatus.PROPOSED)),
            accepted=Count("candidates", filter=Q(candidates__status=CandidateStatus.ACCEPTED)),
            total=Count("candidates"),
        )
    )


def candidates_of(user: Any, run: ExtractionRun) -> list[Candidate]:
    return list(
        policy.candidates_visible_to(user)
        .filter(run=run)
        .select_related("owed_by")
        .prefetch_related("owed_to", "commitments")
        .order_by("position")
    )


def sources_of(user: Any, commitment: Commitment) -> list[Candidate]:
    """The reviewed candidates a commitment came from (team only: candidates are internal)."""
    return list(
        policy.candidates_visible_to(user)
        .filter(commitments=commitment)
        .select_related("run", "run__agreement")
    )


_EVIDENCE_CLASS = {
    "rule": "ev-rule",
    "owed by": "ev-by",
    "owed to": "ev-to",
    "time": "ev-time",
    "recurrence": "ev-time",
    "condition": "ev-condition",
}


def highlighted_text(run: ExtractionRun, candidates: list[Candidate]) -> SafeString:
    """The run's text as HTML: each candidate's sentence in a ``<mark>`` that links to its
    card, the words that made it (rule, parties, time, conditions) marked inside, page
    breaks shown. Everything else is escaped."""
    text = run.text
    opens: dict[int, list[str]] = {}
    closes: dict[int, int] = {}

    def wrap(start: int, end: int, html: str) -> None:
        if not 0 <= start < end <= len(text):
            return
        opens.setdefault(start, []).append(html)
        closes[end] = closes.get(end, 0) + 1

    shown = [c for c in candidates if c.status != CandidateStatus.MERGED]
    for c in shown:
        wrap(
            c.span_start,
            c.span_end,
            f'<mark id="src-{c.uuid}" class="candidate status-{c.status}" '
            f'data-candidate="{c.uuid}"><a class="to-card" href="#cand-{c.uuid}" '
            f'aria-label="{escape(c.title)}">{escape(c.clause or "¶")}</a>',
        )
        for start, end, what in c.evidence:
            if c.span_start <= start < end <= c.span_end:
                css = _EVIDENCE_CLASS.get(what, "ev-other")
                wrap(start, end, f'<span class="ev {css}" title="{escape(what)}">')
    pages = set(run.page_starts[1:])
    out: list[str] = []
    stack: list[str] = []
    points = sorted({0, len(text), *opens, *closes, *pages})
    for a, b in itertools.pairwise(points):
        for _ in range(closes.get(a, 0)):
            if stack:
                out.append(stack.pop())
        if a in pages:
            out.append(f'<span class="page-break">{run.page_starts.index(a) + 1}</span>')
        for html in opens.get(a, []):
            out.append(html)
            stack.append("</mark>" if html.startswith("<mark") else "</span>")
        out.append(str(escape(text[a:b])))
    out.extend(reversed(stack))
    return mark_safe("".join(out))


def open_anchors(candidates: list[Candidate]) -> list[dict[str, Any]]:
    """Events the open candidates count from that the agreement has no date for ("le
    début des travaux"): each is proposed as a milestone, with how many candidates wait."""
    from_trigger = {"effective", "signed"}
    found: dict[str, dict[str, Any]] = {}
    for c in candidates:
        due = c.due or {}
        anchor = (due.get("after") or due.get("before") or "") if due.get("within") else ""
        if c.status != CandidateStatus.PROPOSED or c.due_on or not anchor:
            continue
        if anchor_key(fold(anchor)) in from_trigger:
            continue
        entry = found.setdefault(fold(anchor).strip(), {"anchor": anchor, "count": 0})
        entry["count"] += 1
    return list(found.values())
