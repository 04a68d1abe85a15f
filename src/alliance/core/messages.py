"""Generated text stored as a key and parameters, rendered in the reader's language.

What the engine or a rule writes (a warning's title, an evidence line, a missing criterion, a
stage change's reason) is stored as a *message* — ``{"msg": key, "params": {...}}`` — never as
English or French sentences, and rendered when it is shown, in the language of whoever reads
it. Apps register the patterns of their keys (``register``); a pattern is a lazy gettext
string with ``%(name)s`` placeholders, or an ``ngettext_lazy(singular, plural, "count")``
whose form follows the parameter named ``count``.

Parameters are JSON values, rendered by type:

- a number: as it is (``%(days)d``) — floats are localised (``3,5`` in French);
- ``{"date": "2026-03-05"}``: the date in the reader's format;
- ``{"msg": ...}``: another message, rendered first (a stage's name, a dimension);
- ``{"list": [...]}``: each item rendered, joined with commas;
- a string: shown as stored (names and titles people typed);
- ``{"name": ..., "in": {"en": ...}}``: a name people typed, with its translations
  (``named``): the reader's language's text where there is one, else the name as typed.

:func:`localized` walks any JSON (a snapshot's data, a warning's evidence) and renders every
message in it, so a page reads plain text; text stored before messages existed passes through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import formats, translation

# key -> lazy pattern (gettext_lazy, or ngettext_lazy with a named count)
CATALOGUE: dict[str, Any] = {}


def register(entries: Mapping[str, Any]) -> None:
    """Add an app's message patterns (keys are global: prefix them with the app's domain)."""
    CATALOGUE.update(entries)
    forget_rendered()


def message(key: str, **params: Any) -> dict[str, Any]:
    """A message as stored: ``{"msg": key, "params": {...}}`` (parameters JSON-ready)."""
    return {"msg": key, "params": {k: param(v) for k, v in params.items()}}


def param(value: Any) -> Any:
    """A parameter as stored: dates tagged so they render in the reader's format."""
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, list | tuple):
        return {"list": [param(v) for v in value]}
    return value


def named(text: str, translations: Mapping[str, Mapping[str, str]] | None, field: str) -> Any:
    """A name as a parameter: the text as typed, with its translations when the object has
    some (``translations`` as a ``Translatable`` keeps them), so that it reads in the reader's
    language; the plain text when it has none."""
    texts = {lang: t[field] for lang, t in (translations or {}).items() if t.get(field)}
    return {"name": text, "in": texts} if texts else text


def _named_text(value: Mapping[str, Any]) -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return str((value.get("in") or {}).get(language) or value["name"])


def is_message(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("msg"), str)


def render(value: Any) -> str:
    """A message (or stored plain text) in the active language."""
    if value is None:
        return ""
    if not is_message(value):
        return _named_text(value) if isinstance(value, dict) and "name" in value else str(value)
    key, params = value["msg"], value.get("params") or {}
    pattern = CATALOGUE.get(key)
    if pattern is None:
        return key  # an unknown key shows itself: a gap to fix, not a silent blank
    try:
        return str(pattern % _Params({name: _param(v) for name, v in params.items()}))
    except (KeyError, TypeError, ValueError):
        # A number the pattern formats itself (``%(days)d``): give it as stored.
        try:
            return str(
                pattern % _Params({name: _param(v, numbers=False) for name, v in params.items()})
            )
        except (KeyError, TypeError, ValueError):
            return key


class _Params(dict):
    """Parameters of a message; an optional suffix a pattern gained later (stored messages
    were saved without it) reads as nothing rather than failing the whole line."""

    def __missing__(self, key: str) -> str:
        return ""


def _param(value: Any, *, numbers: bool = True) -> Any:
    if isinstance(value, dict):
        if "date" in value:
            try:
                return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
            except (TypeError, ValueError):
                return value["date"]
        if "list" in value:
            return ", ".join(str(_param(v)) for v in value["list"])
        if is_message(value):
            return render(value)
        if "name" in value:
            return _named_text(value)
        return str(value)
    if not numbers or not isinstance(value, float):
        return value
    if value.is_integer():
        return int(value)
    return formats.number_format(value, decimal_pos=_decimals(value))


def _decimals(value: float) -> int:
    return 0 if abs(value) >= 10 else 1 if abs(value) >= 1 else 2


# Messages already rendered, per language: {language: {message as JSON text: text}}. A
# message's text depends on nothing but the message, the language and the catalogues, and the
# same messages come back again and again: a trust snapshot holds some 600 evidence lines of
# which half repeat, and its next recomputation (after any write) holds nearly the same ones,
# as do an agreement's open warnings on every view of its overview. Bounded: a language's
# entries are dropped together when there are too many.
_RENDERED: dict[str | None, dict[str, str]] = {}
_RENDERED_MAX = 20_000  # ~300 bytes each (key and text): ~6 MB a language at most


def forget_rendered(**_kwargs: Any) -> None:
    """Drop the rendered messages (a pattern registered, a setting changed in a test)."""
    _RENDERED.clear()


def localized(data: Any) -> Any:
    """``data`` with every message in it rendered in the active language (a new structure;
    the stored one is left as it is)."""
    language = translation.get_language()
    rendered = _RENDERED.get(language)
    if rendered is None or len(rendered) >= _RENDERED_MAX:
        rendered = _RENDERED[language] = {}
    return _localized(data, rendered)


def _localized(data: Any, rendered: dict[str, str]) -> Any:
    if isinstance(data, dict):
        if is_message(data):
            try:
                key = json.dumps(data, allow_nan=True)
            except (TypeError, ValueError):  # not plain JSON: rendered each time
                return render(data)
            text = rendered.get(key)
            if text is None:
                text = rendered[key] = render(data)
            return text
        return {k: _localized(v, rendered) for k, v in data.items()}
    if isinstance(data, list):
        return [_localized(v, rendered) for v in data]
    return data


setting_changed.connect(forget_rendered, weak=False)
