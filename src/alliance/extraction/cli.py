"""``alliance extract FILE [--lang auto|fr|en|de] [--agreement REF] [--json]``

Reads an agreement (PDF, DOCX, ODT, plain text, or a scan through Tesseract OCR) and prints
its candidate commitments. Without ``--agreement`` nothing touches the database; with it,
parties are resolved to the agreement's registered parties (by reference, UUID or title).
The JSON schema is in docs/extraction.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from alliance.extraction.engine import documents
from alliance.extraction.engine.parties import PartyRef
from alliance.extraction.engine.pipeline import Candidate, extract


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="alliance extract",
        description="Candidate commitments drawn from an agreement's text, each with the "
        "clause, the words and the rule that made it.",
    )
    p.add_argument("file", help="PDF, DOCX, ODT, text file, or a scanned PDF / image (OCR)")
    p.add_argument("--lang", choices=("auto", "fr", "en", "de"), default="auto")
    p.add_argument(
        "--agreement",
        metavar="REF",
        help="resolve parties to this agreement's registered parties (reference, UUID or title)",
    )
    p.add_argument("--json", action="store_true", help="print the candidates as JSON")
    return p


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """One candidate in the documented shape (docs/extraction.md)."""

    def party(p: Any) -> dict[str, Any]:
        return {"name": p.name, "id": p.id}

    return {
        "owed_by": party(candidate.owed_by) if candidate.owed_by else None,
        "owed_to": [party(p) for p in candidate.owed_to],
        "action": candidate.action,
        "clause": candidate.clause,
        "due": candidate.due,
        "recurrence": candidate.recurrence,
        "conditions": candidate.conditions,
        "span": {"start": candidate.span[0], "end": candidate.span[1]},
        "rule": candidate.rule,
        "confidence": round(candidate.confidence, 2),
    }


def _agreement_parties(ref: str) -> list[PartyRef]:
    """The registered parties of an agreement (needs the database)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()
    from alliance.extraction.selectors import agreement_by_ref, party_refs

    agreement = agreement_by_ref(ref)
    if agreement is None:
        raise SystemExit(f"alliance extract: no agreement with reference, UUID or title {ref!r}")
    return party_refs(agreement)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        document = documents.read_path(args.file)
    except documents.DocumentError as exc:
        print(f"alliance extract: {exc}", file=sys.stderr)
        return 2
    parties = _agreement_parties(args.agreement) if args.agreement else []
    result = extract(document, language=args.lang, parties=parties)
    if args.json:
        json.dump(
            [candidate_json(c) for c in result.candidates], sys.stdout, ensure_ascii=False, indent=2
        )
        sys.stdout.write("\n")
        return 0
    for note in result.notes:
        print(f"note: {note}")
    print(
        f"{len(result.candidates)} candidate commitments "
        f"({result.language}, {result.pages} page(s))"
    )
    for c in result.candidates:
        by = c.owed_by.name if c.owed_by else "?"
        due = json.dumps(c.due, ensure_ascii=False) if c.due else "-"
        print(f"[{c.clause or '-'}] {by}: {c.action[:100]}")
        print(
            f"    due {due}; recurrence {c.recurrence or '-'}; rule {c.rule} ({c.confidence:.2f})"
        )
    return 0
