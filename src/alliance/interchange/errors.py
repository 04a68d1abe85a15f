"""Problems found in a file, each naming its place (file, sheet, row, column) and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Problem:
    """One error or note about a place in a file. ``row`` counts from 1 as a spreadsheet
    shows it (the header is row 1); for JSON and XML it is the line where known."""

    reason: str
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""

    def where(self) -> str:
        """The place as a person reads it: ``file.csv, sheet Parties, row 4, column name``."""
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.reason}" if where else self.reason

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportRefused(Exception):
    """The file as a whole cannot be read (wrong format, truncated, malicious …)."""

    def __init__(self, reason: str, **place: Any) -> None:
        super().__init__(reason)
        self.problem = Problem(reason=reason, **place)


class RowError(Exception):
    """One value of one row is wrong; ``column`` names it."""

    def __init__(self, reason: str, column: str = "", value: Any = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column
        self.value = "" if value is None else str(value)[:200]


def messages_of(exc: ValidationError) -> list[tuple[str, str]]:
    """``(field, message)`` pairs of a validation error (field is empty for general ones)."""
    if hasattr(exc, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    return [("", message) for message in exc.messages]
