"""Writes of the briefs: the counsellor team's own points for a meeting with a party
(atomic, validated, audited; the access policy lets only the team write them)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from alliance.briefings.models import PartyBriefNote
from alliance.core.services import delete_audited, save_changes, save_new
from alliance.partnerships.models import Agreement, Party


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def party_brief_note_add(
    *, actor: Any, agreement: Agreement, party: Party, kind: str, text: str, answer: str = ""
) -> PartyBriefNote:
    """Add a point of the team's own to the brief for a meeting with ``party``."""
    note = PartyBriefNote(
        agreement=agreement, party=party, kind=kind, text=text, answer=answer, author=_user(actor)
    )
    return save_new(actor=actor, obj=note)


@transaction.atomic
def party_brief_note_update(*, actor: Any, note: PartyBriefNote, **changes: Any) -> PartyBriefNote:
    """Change a point's kind, text or answer (its agreement and party stay)."""
    unknown = set(changes) - {"kind", "text", "answer"}
    if unknown:
        raise TypeError(f"a point's {', '.join(sorted(unknown))} cannot be changed")
    return save_changes(actor=actor, obj=note, changes=changes)


@transaction.atomic
def party_brief_note_delete(*, actor: Any, note: PartyBriefNote) -> None:
    delete_audited(actor=actor, obj=note)
