"""Messages: what the engine says, as a key and parameters (pure Python, JSON-ready).

The engine stays free of Django and of any language: every sentence it produces for people
(a warning's title, an evidence line, what a maturity criterion misses) is also given as
``{"msg": key, "params": {...}}``, which the site renders in the reader's language
(``alliance.core.messages``, patterns registered in ``alliance.analytics.messages``). The
English ``label`` strings stay for the command line and the engine's own tests.

Parameters: numbers, strings (ids the site replaces by names), dates (``{"date": iso}``),
lists (``{"list": [...]}``) and nested messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any

Message = dict[str, Any]


def msg(key: str, **params: Any) -> Message:
    return {"msg": key, "params": {k: _param(v) for k, v in params.items()}}


def _param(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, list | tuple):
        return {"list": [_param(v) for v in value]}
    return value
