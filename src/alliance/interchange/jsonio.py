"""Reading JSON files safely: a size limit, any of the encodings people publish in, and
errors that say where the file breaks."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from alliance.interchange.errors import ImportRefused
from alliance.interchange.values import decode_text

MAX_JSON_BYTES = getattr(settings, "INTERCHANGE_MAX_JSON_BYTES", 100 * 1024 * 1024)


# Set while an import runs (``parsed_data_spared``): a parsed file is then frozen.
_SPARING: ContextVar[bool] = ContextVar("sparing_parsed_data", default=False)


@contextmanager
def parsed_data_spared() -> Iterator[None]:
    """Within: a file ``load_json`` parses is left out of the cyclic garbage collector's
    passes (``gc.freeze``) until the block ends (``gc.unfreeze``). A parsed package of 300
    projects is a million objects that live as long as the import; every full collection
    walked all of them again, a third of an OC4IDS import's processor time. JSON holds no
    cycles: what the import drops is freed by reference counting as before. A process that
    froze objects itself (a server that forks workers) is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    token = _SPARING.set(True)
    try:
        yield
    finally:
        _SPARING.reset(token)
        gc.unfreeze()


@contextmanager
def _no_collections() -> Iterator[None]:
    """The collector paused while a file is parsed: it only creates objects, none of them
    garbage, and a collection would walk the growing tree again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_json(path: Path, name: str) -> Any:
    """The parsed file, or ``ImportRefused`` naming the line and column where it breaks."""
    with _no_collections():
        data = _load_json(path, name)
    if _SPARING.get():
        gc.freeze()
    return data


def _load_json(path: Path, name: str) -> Any:
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ImportRefused(
            _("The file is %(mb)s MB; JSON imports are limited to %(max)s MB.")
            % {"mb": size // 2**20, "max": MAX_JSON_BYTES // 2**20},
            file=name,
        )
    text = decode_text(path.read_bytes(), name=name)
    if not text.strip():
        raise ImportRefused(_("The file is empty."), file=name)
    # NaN and Infinity are not JSON: refused. Asking the parser to call back on them slows
    # every file by a third, so only a file that spells one (in a string, perhaps) is read
    # with the callback.
    constants = "NaN" in text or "Infinity" in text
    try:
        if constants:
            return json.loads(text, parse_float=str, parse_constant=_refuse_constant)
        return json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        reason = _("Not valid JSON (%(msg)s at column %(col)s): truncated or not JSON?") % {
            "msg": exc.msg,
            "col": exc.colno,
        }
        raise ImportRefused(reason, file=name, row=exc.lineno) from exc
    except RecursionError as exc:
        raise ImportRefused(_("The JSON is nested too deeply."), file=name) from exc


def _refuse_constant(name: str) -> Any:
    raise ImportRefused(_("%(c)s is not a JSON number.") % {"c": name})


def text_of(value: Any, limit: int | None = None) -> str:
    """A string field of a source object (anything else is taken as empty)."""
    if isinstance(value, str):
        text = value.strip()
        return text[:limit] if limit else text
    return ""


def obj(value: Any) -> dict[str, Any]:
    """A JSON object field (anything else is taken as empty)."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array field (non-objects dropped)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
