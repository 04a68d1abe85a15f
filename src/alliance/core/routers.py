"""Reads of read-only pages on a replica (``DATABASE_REPLICA_URLS``; docs/deployment.md).

A replica lags its primary by a little, so only what is marked as reading may go there: a
view wrapped in ``reads_from_replica`` (or code inside ``replica_reads()``) sends its reads to
one of ``settings.DATABASE_REPLICAS``. Everything else — writes, reads inside a transaction
(what a service reads before it writes), the session and the user of every request, and every
page after a form — stays on the primary, so nobody reads older data than they just wrote.
"""

from __future__ import annotations

import contextvars
import functools
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections

_reading = contextvars.ContextVar("alliance_replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``view`` (a page that writes nothing) with its reads on a replica; its response
    is rendered inside, so the template's queries go there too."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            response = view(*args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        replicas = settings.DATABASE_REPLICAS
        if not (replicas and _reading.get()) or connections["default"].in_atomic_block:
            return None  # the primary
        return random.choice(replicas)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
