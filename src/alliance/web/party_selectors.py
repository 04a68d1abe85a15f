"""Reads for the party page and the global search (the party brief, "before you meet…", is
built in ``alliance.briefings.party_selectors``).

All of them start from the access policy and issue a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import holidays as holidays_package
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from alliance.accounts import policy
from alliance.core import fulltext
from alliance.core.search import text_search
from alliance.engagement.models import Interaction
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Commitment, Party

# ----- party page -----


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    language: str = ""  # the language the name is in, when it is not the reader's


def holiday_language(supported: tuple[str, ...], default: str | None, reader: str) -> str | None:
    """The holidays package's language closest to the reader's: theirs exactly, a regional
    variant of it (``fr_SN``, ``en_US``), else None (the calendar's own language)."""
    if reader in supported:
        return reader
    variants = sorted(code for code in supported if code.split("_")[0] == reader)
    return variants[0] if variants else None


def next_holidays(party: Party, today: date, *, days: int = 120, limit: int = 8) -> list[Holiday]:
    """The party's next public holidays (from its holiday calendar, else its country), named
    in the reader's language where the calendar has it, else in its own (and marked so)."""
    country = party.holiday_country or party.country
    if not country:
        return []
    reader = (get_language() or "en")[:2]
    years = sorted({today.year, (today + timedelta(days=days)).year})
    try:
        kind = holidays_package.country_holidays(country, years=())
        default = getattr(kind, "default_language", None)
        language = holiday_language(tuple(getattr(kind, "supported_languages", ())), default,
                                    reader)  # fmt: skip
        calendar = holidays_package.country_holidays(
            country, subdiv=party.holiday_subdivision or None, years=years, language=language
        )
    except (NotImplementedError, KeyError, ValueError):
        return []
    shown = (language or default or "en").split("_")[0]
    end = today + timedelta(days=days)
    found = sorted((d, n) for d, n in calendar.items() if today <= d <= end)
    return [Holiday(d, n, "" if shown == reader else shown) for d, n in found[:limit]]


# More links than any party has: a LIMIT that changes nothing but keeps the subquery whole.
ALL_LINKS = 10**9


def linked_to(party: Party, through: Any, column: str) -> QuerySet:
    """The ids of the rows ``party`` is linked to through an m2m table (``through``), as a
    subquery for ``pk__in`` that PostgreSQL evaluates first, on the table's party index.

    Given a join on the link table (``filter(parties=party)``), PostgreSQL starts from the
    reader's agreements (it expects 8 per user) and probes every interaction or open
    commitment of each to keep the few that name this party: at 10,000 agreements, 5,000
    interactions and 1,100 commitments for a counsellor of 50 (24 and 11 ms), 200,000
    interactions for a viewer of 2,000 (560 ms). An ``IN`` subquery alone is pulled up into
    the same plan; its LIMIT (``ALL_LINKS``, never reached) keeps it apart: ~11 ms for both."""
    return through.objects.filter(party=party).values(column)[:ALL_LINKS]


def commitments_of_party(user: Any, party: Party, *, limit: int = 50) -> dict[str, list[Any]]:
    """Open commitments the party owes and is owed, across the agreements the user sees."""
    visible = (
        policy.commitments_visible_to(user)
        .filter(status__in=OPEN_COMMITMENT_STATUSES)
        .select_related("agreement", "owed_by")
        .prefetch_related("owed_to")
        .order_by("due_on")
    )
    owed_to = linked_to(party, Commitment.owed_to.through, "commitment_id")
    return {
        "owed_by": list(visible.filter(owed_by=party)[:limit]),
        "owed_to": list(visible.filter(pk__in=owed_to)[:limit]),
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
        .filter(pk__in=linked_to(party, Interaction.parties.through, "interaction_id"))
        .select_related("agreement")
        .prefetch_related("parties")
        .order_by("-occurred_on", "-created_at")[:15],
        "children": policy.parties_visible_to(user).filter(parent=party),
        **commitments_of_party(user, party),
    }


# ----- global search -----

SEARCH_LIMIT = 20
# The clear fields searched per model (agreements and commitments with their translations).
SEARCH_FIELDS = {
    "agreement": ("title", "reference"),
    "party": ("name", "short_name"),
    "person": ("name", "role_title", "email"),
    "commitment": ("title", "clause"),
}


def search(user: Any, q: str) -> dict[str, QuerySet]:
    """Agreements, parties, people, commitments and interactions matching ``q`` that the
    user may see (five queries, at most ``SEARCH_LIMIT`` rows each)."""
    q = q.strip()
    if len(q) < 2:
        return {}
    n = SEARCH_LIMIT
    # Clear text: full-text search on PostgreSQL, best first (``core.fulltext``); the
    # fields are those its indexes are built on (``alliance.web`` migration 0001).
    return {
        "agreements": fulltext.search(
            policy.agreements_visible_to(user), SEARCH_FIELDS["agreement"], q, translated=True
        )[:n],
        "parties": fulltext.search(policy.parties_visible_to(user), SEARCH_FIELDS["party"], q)[:n],
        "people": fulltext.search(
            policy.people_visible_to(user), SEARCH_FIELDS["person"], q
        ).select_related("party")[:n],
        "commitments": fulltext.search(
            policy.commitments_visible_to(user), SEARCH_FIELDS["commitment"], q, translated=True
        ).select_related("agreement", "owed_by")[:n],
        # Summaries are encrypted: decrypted and matched among the user's own interactions,
        # newest first, stopping at the limit (``core.search``).
        "interactions": text_search(
            policy.interactions_visible_to(user).order_by("-occurred_on", "-created_at"),
            ("summary",),
            q,
            language=(get_language() or "en")[:2],
            limit=n,
        ).select_related("agreement")[:n],
    }
