"""What an import did or would do: counts per entity, every error, every note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from alliance.core import clock
from alliance.interchange.errors import Problem

OUTCOMES = ("created", "updated", "unchanged", "skipped")


@lru_cache(maxsize=2048)
def _translated(message: str, language: str) -> str:
    with override(language or None):
        return _(message)


MAX_PROBLEMS = 2000


@dataclass
class ImportReport:
    """The preview of an import (``dry_run``) or its result (``committed``)."""

    file: str
    format: str = ""
    dry_run: bool = True
    committed: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    more_errors: int = 0
    # Places of projects skipped because what was imported before is newer.
    older: list[str] = field(default_factory=list)
    # The files imported together (a folder, several uploads); empty for one file.
    files: list[str] = field(default_factory=list)
    # The mapping report: per source element or field, what it became (and how many) and
    # what was dropped and why (and how many): element → {"mapped"|"dropped": {what: n}}.
    mapping: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    _repeated: dict[tuple, tuple[int, list[int]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _language: str | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        row = self.counts.setdefault(entity, dict.fromkeys(OUTCOMES, 0))
        row[outcome] += n

    def error(self, reason: str, **place: Any) -> None:
        problem = Problem(reason=reason, file=place.pop("file", self.file), **place)
        # The same wrong value in the same column (an unknown agreement every row names) is
        # one problem: said once, with the rows that depend on it, so it hides no other.
        same = (problem.file, problem.sheet, problem.column, problem.value, reason)
        if problem.value and problem.row is not None and same in self._repeated:
            index, rows = self._repeated[same]
            rows.append(problem.row)
            shown = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
            self.errors[index] = replace(
                self.errors[index],
                reason=_("%(reason)s (rows %(rows)s: %(n)s rows name it)")
                % {"reason": reason, "rows": shown, "n": len(rows)},
            )
            return
        if len(self.errors) >= MAX_PROBLEMS:
            self.more_errors += 1
            return
        if problem.value and problem.row is not None:
            self._repeated[same] = (len(self.errors), [problem.row])
        self.errors.append(problem)

    def note(self, reason: str, **place: Any) -> None:
        if len(self.notes) < MAX_PROBLEMS:
            self.notes.append(Problem(reason=reason, file=place.pop("file", self.file), **place))

    def say(self, message: str) -> str:
        """``message`` (marked with ``gettext_noop``) in the language of the import (read
        once, at the first call), translated once per language: the readers say the same
        few things for every field of every object, and ``gettext`` per call (asking the
        thread's language each time) was a sixth of an OC4IDS import's processor time."""
        if self._language is None:
            self._language = get_language() or ""
        return _translated(message, self._language)

    def mapped(self, element: str, target: str, n: int = 1) -> None:
        """``n`` of the source's ``element`` became ``target``."""
        row = self.mapping.setdefault(element, {"mapped": {}, "dropped": {}})
        row["mapped"][target] = row["mapped"].get(target, 0) + n

    def dropped(self, element: str, reason: str, n: int = 1) -> None:
        """``n`` of the source's ``element`` were not imported, for ``reason``."""
        row = self.mapping.setdefault(element, {"mapped": {}, "dropped": {}})
        row["dropped"][reason] = row["dropped"].get(reason, 0) + n

    def mapping_rows(self) -> list[tuple[str, str, str, int]]:
        """``(element, "mapped" | "dropped", target or reason, count)``, by element."""
        return [
            (element, outcome, what, n)
            for element in sorted(self.mapping)
            for outcome in ("mapped", "dropped")
            for what, n in sorted(self.mapping[element][outcome].items())
        ]

    def total(self, outcome: str) -> int:
        return sum(row[outcome] for row in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "dry_run": self.dry_run,
            "committed": self.committed,
            "counts": self.counts,
            "errors": [p.as_dict() for p in self.errors],
            "notes": [p.as_dict() for p in self.notes],
            "more_errors": self.more_errors,
            "older": self.older,
            "files": self.files,
            "mapping": self.mapping,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        report = cls(file=data.get("file", ""))
        report.format = data.get("format", "")
        report.dry_run = data.get("dry_run", True)
        report.committed = data.get("committed", False)
        report.counts = data.get("counts", {})
        report.errors = [Problem(**p) for p in data.get("errors", [])]
        report.notes = [Problem(**p) for p in data.get("notes", [])]
        report.more_errors = data.get("more_errors", 0)
        report.older = data.get("older", [])
        report.files = data.get("files", [])
        report.mapping = data.get("mapping", {})
        return report

    def lines(self) -> list[str]:
        """The report as plain text lines (command line, logs)."""
        out = []
        for entity, row in self.counts.items():
            out.append(
                _(
                    "%(entity)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged,"
                    " %(skipped)s skipped"
                )
                % {"entity": entity, **row}
            )
        if self.mapping:
            out.append(_("Mapping (source element → what it became; dropped and why):"))
        for element, outcome, what, n in self.mapping_rows():
            if outcome == "mapped":
                out.append(
                    _("  %(element)s → %(what)s: %(n)s")
                    % {"element": element, "what": what, "n": n}
                )
            else:
                out.append(
                    _("  %(element)s dropped (%(why)s): %(n)s")
                    % {"element": element, "why": what, "n": n}
                )
        out.extend(_("ERROR %(problem)s") % {"problem": p} for p in self.errors)
        if self.more_errors:
            out.append(_("… and %(n)s more errors") % {"n": self.more_errors})
        out.extend(_("note %(problem)s") % {"problem": p} for p in self.notes)
        if not self.ok:
            out.append(_("Refused: nothing was written."))
        elif self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out


Progress = Callable[[int, int], None]


@dataclass
class ImportContext:
    """Everything an importer needs: who acts, where rows go, what to report."""

    actor: Any
    report: ImportReport
    agreement: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    progress: Progress | None = None
    today: date = field(default_factory=clock.today)
    cache: dict[Any, Any] = field(default_factory=dict)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)
