"""Reads for the party page, the "Before you meet…" brief and the global search.

All of them start from the access policy and issue a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import holidays as holidays_package
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from alliance.accounts import policy
from alliance.engagement.models import Expectation
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Agreement, Party
from alliance.risks.choices import RiskRating

# ----- party page -----


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str


def next_holidays(party: Party, today: date, *, days: int = 120, limit: int = 8) -> list[Holiday]:
    """The party's next public holidays (from its holiday calendar, else its country)."""
    country = party.holiday_country or party.country
    if not country:
        return []
    language = (get_language() or "en")[:2]
    years = sorted({today.year, (today + timedelta(days=days)).year})
    try:
        calendar = holidays_package.country_holidays(
            country, subdiv=party.holiday_subdivision or None, years=years, language=language
        )
    except (NotImplementedError, KeyError, ValueError):
        return []
    end = today + timedelta(days=days)
    found = sorted((d, n) for d, n in calendar.items() if today <= d <= end)
    return [Holiday(d, n) for d, n in found[:limit]]


def commitments_of_party(user: Any, party: Party, *, limit: int = 50) -> dict[str, list[Any]]:
    """Open commitments the party owes and is owed, across the agreements the user sees."""
    visible = (
        policy.commitments_visible_to(user)
        .filter(status__in=OPEN_COMMITMENT_STATUSES)
        .select_related("agreement", "owed_by")
        .prefetch_related("owed_to")
        .order_by("due_on")
    )
    return {
        "owed_by": list(visible.filter(owed_by=party)[:limit]),
        "owed_to": list(visible.filter(owed_to=party)[:limit]),
    }


def party_page(user: Any, party: Party, today: date) -> dict[str, Any]:
    people = list(
        policy.people_visible_to(user)
        .filter(party=party)
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=policy.person_notes_visible_to(user).select_related("agreement"),
                to_attr="visible_notes",
            )
        )
    )
    participations = list(
        policy.participations_visible_to(user).filter(party=party).select_related("agreement")
    )
    return {
        "people": people,
        "participations": participations,
        "blackouts": policy.blackout_periods_visible_to(user)
        .filter(party=party, ends_on__gte=today)
        .order_by("starts_on"),
        "holidays": next_holidays(party, today),
        "interactions": policy.interactions_visible_to(user)
        .filter(parties=party)
        .select_related("agreement")
        .prefetch_related("parties")
        .order_by("-occurred_on", "-created_at")[:15],
        "children": policy.parties_visible_to(user).filter(parent=party),
        **commitments_of_party(user, party),
    }


# ----- before you meet… -----


@dataclass
class Divergence:
    topic: Any
    theirs: Expectation
    others: list[Expectation]


def _differences(theirs: Expectation, other: Expectation) -> list[tuple[str, Any]]:
    """Factual differences between two statements on one topic (no score: the alignment
    index comes from the insights snapshot)."""
    found: list[tuple[str, Any]] = []
    if theirs.target_date and other.target_date and theirs.target_date != other.target_date:
        found.append(("date", (other.target_date - theirs.target_date).days))
    if theirs.priority != other.priority:
        found.append(("priority", other.priority - theirs.priority))
    values = (theirs.target_value, other.target_value)
    if None not in values and values[0] != values[1]:
        found.append(("value", other.target_value - theirs.target_value))
    return found


def expectations_compared(user: Any, agreement: Agreement, party: Party) -> list[Divergence]:
    """The party's latest expectation per topic, next to the other parties' latest ones."""
    latest: dict[tuple[int, int], Expectation] = {}
    rows = (
        policy.expectations_visible_to(user)
        .filter(topic__agreement=agreement)
        .select_related("topic", "party")
        .order_by("topic__name", "party__name", "-recorded_on")
    )
    for e in rows:
        latest.setdefault((e.topic_id, e.party_id), e)
    by_topic: dict[int, list[Expectation]] = defaultdict(list)
    for e in latest.values():
        by_topic[e.topic_id].append(e)
    result = []
    for expectations in by_topic.values():
        theirs = next((e for e in expectations if e.party_id == party.pk), None)
        if theirs is None:
            continue
        others = [e for e in expectations if e.party_id != party.pk]
        for other in others:
            other.differences = _differences(theirs, other)  # type: ignore[attr-defined]
        result.append(Divergence(theirs.topic, theirs, others))
    return sorted(result, key=lambda d: -sum(bool(o.differences) for o in d.others))


def meeting_brief(user: Any, agreement: Agreement, party: Party, today: date) -> dict[str, Any]:
    commitments = (
        policy.commitments_visible_to(user)
        .filter(agreement=agreement, status__in=OPEN_COMMITMENT_STATUSES)
        .select_related("agreement", "owed_by")
        .prefetch_related("owed_to")
        .order_by("due_on")
    )
    risks = (
        policy.risks_visible_to(user)
        .filter(agreement=agreement)
        .exclude(status="closed")
        .filter(Q(owner=party) | Q(rating__in=(RiskRating.HIGH, RiskRating.SUBSTANTIAL)))
        .select_related("owner")
    )
    grievances = (
        policy.grievances_visible_to(user)
        .filter(agreement=agreement, status__in=("received", "answered"))
        .order_by("response_due_on")
    )
    return {
        "owed_by_them": list(commitments.filter(owed_by=party)[:40]),
        "owed_to_them": list(commitments.filter(owed_to=party)[:40]),
        "interactions": policy.interactions_visible_to(user)
        .filter(agreement=agreement, parties=party)
        .prefetch_related("parties", "people")
        .order_by("-occurred_on", "-created_at")[:6],
        "expectations": expectations_compared(user, agreement, party),
        "grievances": grievances[:20],
        "risks": risks[:20],
        "people": policy.people_visible_to(user).filter(party=party),
        "blackouts": policy.blackout_periods_visible_to(user)
        .filter(party=party, ends_on__gte=today)
        .order_by("starts_on")[:3],
    }


# ----- global search -----

SEARCH_LIMIT = 20


def _text(fields: tuple[str, ...], q: str, *, translated: bool = False) -> Q:
    lang = (get_language() or "en")[:2]
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": q})
        if translated:
            condition |= Q(**{f"translations__{lang}__{name}__icontains": q})
    return condition


def search(user: Any, q: str) -> dict[str, QuerySet]:
    """Agreements, parties, people, commitments and interactions matching ``q`` that the
    user may see (five queries, at most ``SEARCH_LIMIT`` rows each)."""
    q = q.strip()
    if len(q) < 2:
        return {}
    n = SEARCH_LIMIT
    return {
        "agreements": policy.agreements_visible_to(user).filter(
            _text(("title", "reference"), q, translated=True)
        )[:n],
        "parties": policy.parties_visible_to(user).filter(_text(("name", "short_name"), q))[:n],
        "people": policy.people_visible_to(user)
        .filter(_text(("name", "role_title", "email"), q))
        .select_related("party")[:n],
        "commitments": policy.commitments_visible_to(user)
        .filter(_text(("title", "clause"), q, translated=True))
        .select_related("agreement", "owed_by")[:n],
        "interactions": policy.interactions_visible_to(user)
        .filter(_text(("summary",), q, translated=True))
        .select_related("agreement")
        .order_by("-occurred_on")[:n],
    }
