"""Scoring the extractor against the hand-labelled development set (``tests/fixtures/
devset.json``): obligation detection per language, then, for the obligations found, how
often each field is right. Used by ``bench/extraction.py`` and the tests."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliance.extraction.engine.clauses import ref_key
from alliance.extraction.engine.parties import ALL, SIGNATORY, PartyRef, others
from alliance.extraction.engine.pipeline import Candidate, extract
from alliance.extraction.engine.text import fold

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
DEVSET = FIXTURES / "devset.json"
_STOP_WORDS = "the a an of to this that de la le les l du des d au aux der die das dem den"
_STOP = frozenset([*_STOP_WORDS.split(), "date", "presente", "present"])


def load(path: Path = DEVSET) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def text_of(devset: dict[str, Any], doc: str) -> str:
    return (FIXTURES / "agreements" / devset["documents"][doc]["path"]).read_text(encoding="utf-8")


def parties_of(devset: dict[str, Any], doc: str) -> list[PartyRef]:
    signed = set(devset["documents"][doc].get("signatories", ()))
    return [
        PartyRef(
            id=p["id"],
            name=p["name"],
            short_name=p.get("short_name", ""),
            aliases=tuple(p.get("aliases", ())),
            kind=p.get("kind", ""),
            country=p.get("country", ""),
            role=SIGNATORY if p["id"] in signed else "",
        )
        for p in devset["documents"][doc]["parties"]
    ]


def locate(text: str, quote: str) -> tuple[int, int]:
    """The span of ``quote`` in ``text``, whitespace-insensitive."""
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"quote not found: {quote!r}")
    return match.start(), match.end()


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", fold(text)) if t not in _STOP and len(t) > 1}


def _similar(gold: str, written: str) -> bool:
    want = _tokens(gold)
    return bool(want) and len(want & _tokens(written)) / len(want) >= 0.5


def party_right(gold: str, found: Any) -> bool:
    if found is None:
        return False
    if gold.startswith("new:"):
        return found.id is None and _similar(gold[4:], found.name)
    return found.id == gold


@dataclass(frozen=True)
class _Id:
    id: str | None
    name: str = ""


def _expand(owed_to: list[Any], owing: str | None, parties: list[PartyRef]) -> list[Any]:
    """`*` is the signatories other than the one owing (LABELLING.md): the other party of a
    bilateral agreement; every signatory when an organ or an actor that signs nothing owes,
    and when "each Party" owes (each to the others: all of them are owed)."""
    out: list[Any] = []
    for party in owed_to:
        if party.id == ALL and parties:
            out += [_Id(i) for i in others(parties, owing) if all(o.id != i for o in out)]
        elif party.id is None or all(o.id != party.id for o in out):
            out.append(party)
    return out


def owed_to_right(
    gold: list[str],
    found: list[Any],
    gold_by: str | None = None,
    found_by: Any = None,
    parties: list[PartyRef] | None = None,
) -> bool:
    """The same set of parties owed, `*` read as the other signatories (``parties``)."""
    parties = parties or []
    want = _expand([_Id(g) for g in gold], gold_by, parties)
    got = _expand(list(found), found_by.id if found_by is not None else None, parties)
    if len(want) != len(got):
        return False
    return all(
        any(party_right(g.id or "", f) for f in got) if g.id is not None else False for g in want
    )


def due_right(gold: dict[str, Any] | None, found: dict[str, Any] | None) -> bool:
    if gold is None or found is None:
        return gold is None and found is None
    if "date" in gold:
        return found.get("date") == gold["date"]
    if found.get("within") != gold["within"]:
        return False
    for key in ("after", "before"):
        if key in gold:
            return key in found and (
                (gold[key] is None and found[key] is None)
                or (
                    gold[key] is not None
                    and found[key] is not None
                    and _similar(gold[key], found[key])
                )
            )
    return True


def clause_right(gold: str, found: str) -> bool:
    want, got = ref_key(gold), ref_key(found)
    return bool(want) and got[-len(want) :] == want


@dataclass
class Score:
    gold: int = 0
    found: int = 0
    matched: int = 0
    fields: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        return self.fields[name] / self.matched if self.matched else 0.0

    def add(self, other: Score) -> None:
        self.gold += other.gold
        self.found += other.found
        self.matched += other.matched
        for key, value in other.fields.items():
            self.fields[key] += value
        self.errors += other.errors


FIELDS = ("owed_by", "owed_to", "timeframe", "recurrence", "clause")


def score_document(devset: dict[str, Any], doc: str) -> Score:
    info = devset["documents"][doc]
    text = text_of(devset, doc)
    parties = parties_of(devset, doc)
    result = extract(text, language=info["language"], parties=parties)
    start, end = 0, len(text)
    region = info.get("region")
    if region:
        end = text.find(region["to"]) if region.get("to") else end
    candidates = [c for c in result.candidates if start <= c.span[0] < end]
    gold = [o for o in devset["obligations"] if o["doc"] == doc]
    score = Score(gold=len(gold), found=len(candidates))
    free: list[Candidate] = list(candidates)
    for item in gold:
        a, b = locate(text, item["quote"])
        overlapping = [c for c in free if c.span[0] < b and a < c.span[1]]
        if not overlapping:
            score.errors.append(f"{doc} MISSED [{item['clause']}] {item['quote'][:70]}")
            continue
        best = max(overlapping, key=lambda c: min(b, c.span[1]) - max(a, c.span[0]))
        free.remove(best)
        score.matched += 1
        checks = {
            "owed_by": party_right(item["owed_by"], best.owed_by),
            "owed_to": owed_to_right(
                item["owed_to"], best.owed_to, item["owed_by"], best.owed_by, parties
            ),
            "timeframe": due_right(item["due"], best.due),
            "recurrence": item["recurrence"] == best.recurrence,
            "clause": clause_right(item["clause"], best.clause),
        }
        for name, ok in checks.items():
            score.fields[name] += ok
            if not ok:
                got = {
                    "owed_by": best.owed_by and (best.owed_by.name, best.owed_by.id),
                    "owed_to": [(p.name, p.id) for p in best.owed_to],
                    "timeframe": best.due,
                    "recurrence": best.recurrence,
                    "clause": best.clause,
                }[name]
                want = {"timeframe": item["due"]}.get(name, item.get(name))
                score.errors.append(f"{doc} {name}: want {want} got {got} | {item['quote'][:50]}")
    for c in free:
        score.errors.append(f"{doc} EXTRA [{c.clause}] {c.rule} {c.sentence[:80]}")
    return score


def score_all(devset: dict[str, Any] | None = None) -> dict[tuple[str, str], Score]:
    """Scores by (split, language), with ("all", language) and (split, "all") totals."""
    devset = devset or load()
    out: dict[tuple[str, str], Score] = defaultdict(Score)
    for doc, info in devset["documents"].items():
        score = score_document(devset, doc)
        for key in (
            (info["split"], info["language"]),
            ("all", info["language"]),
            (info["split"], "all"),
            ("all", "all"),
        ):
            out[key].add(score)
    return dict(out)
