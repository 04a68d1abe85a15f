"""What an import did or would do: counts per entity, every error, every note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.interchange.errors import Problem

OUTCOMES = ("created", "updated", "unchanged", "skipped")
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

    @property
    def ok(self) -> bool:
        return not self.errors and not self.more_errors

    def count(self, entity: str, outcome: str, n: int = 1) -> None:
        row = self.counts.setdefault(entity, dict.fromkeys(OUTCOMES, 0))
        row[outcome] += n

    def error(self, reason: str, **place: Any) -> None:
        if len(self.errors) >= MAX_PROBLEMS:
            self.more_errors += 1
            return
        self.errors.append(Problem(reason=reason, file=place.pop("file", self.file), **place))

    def note(self, reason: str, **place: Any) -> None:
        if len(self.notes) < MAX_PROBLEMS:
            self.notes.append(Problem(reason=reason, file=place.pop("file", self.file), **place))

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
    today: date = field(default_factory=timezone.localdate)
    cache: dict[Any, Any] = field(default_factory=dict)

    def tick(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)
