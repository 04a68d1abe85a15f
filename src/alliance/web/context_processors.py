"""What every page knows: the day its figures are taken on (the one clock)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alliance.core import clock


def as_of(request: HttpRequest) -> dict[str, Any]:
    """``as_of``: the day every count and default of the page is taken on; ``as_of_fixed``:
    whether that day is set (``ALLIANCE_TODAY``) rather than the calendar's."""
    return {"as_of": clock.today(), "as_of_fixed": clock.is_frozen()}
