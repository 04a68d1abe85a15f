"""The one clock: every "today" in Alliance comes from here.

Pages, counts, rules, forms' defaults, briefs, e-mails and exports must agree on the day
they describe, so none of them calls ``timezone.localdate()`` or ``date.today()`` itself.
By default the day is the real local date (``TIME_ZONE``). ``ALLIANCE_TODAY`` (an ISO date)
freezes it for the whole site — a reproducible demo, a rehearsal on a given day — and tests
freeze it with :func:`frozen`, the one place where time is mocked.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

_frozen: list[date] = []


def _configured() -> date | None:
    raw = os.environ.get("ALLIANCE_TODAY", "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"ALLIANCE_TODAY={raw!r} is not a date (YYYY-MM-DD).") from exc


def today() -> date:
    """The day every figure, count and default is taken on."""
    if _frozen:
        return _frozen[-1]
    return _configured() or timezone.localdate()


def now() -> datetime:
    """The current instant (aware). Timestamps stay real even when the day is frozen."""
    return timezone.now()


def is_frozen() -> bool:
    """True when the site runs on a fixed day rather than the calendar's (pages say so)."""
    return bool(_frozen) or _configured() is not None


@contextmanager
def frozen(day: date) -> Iterator[date]:
    """Run the block as if today were ``day`` (tests, and loading a scenario on a set day)."""
    _frozen.append(day)
    try:
        yield day
    finally:
        _frozen.pop()
