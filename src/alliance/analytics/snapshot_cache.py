"""Snapshots' data already in the reader's language, kept in memory per process.

A page that shows one figure of an agreement's insights used to read its newest snapshots
whole, decode their JSON and render every stored message in them, on every view: on the
demo's largest agreement that is 0.8 MB of JSON and 40 ms of CPU before anything is drawn
(see ``docs/performance.md``). A snapshot never changes once written (recomputing the same
date writes a new ``computed_at``), so its data in one language is the same for every reader:
it is kept here under ``(uuid, computed_at, language)``, least recently used first out, within
a budget of bytes (``SNAPSHOT_CACHE_MB``, counted as the size of the data's JSON).

What this hands out is shared between requests and threads, so callers must treat it as
read-only (``web.insight_figures.localize_references`` returns a copy for that reason). Under
``SNAPSHOT_CACHE_CHECK`` (on in the tests) every hit is compared with a fingerprint taken when
the entry was stored, and a caller that changed shared data fails loudly instead of showing
one reader's view to the next.

Nothing here decides who may read a snapshot: the caller has already been given the
snapshot's row by the access policy, and snapshots hold shared data only (the discretion rule
of ``analytics.selectors``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from django.conf import settings

Key = tuple[str, datetime, str]


class SharedSnapshotChanged(AssertionError):
    """A caller changed a snapshot's data after it was shared through the cache."""


def _fingerprint(data: Any, *, digest: bool = True) -> tuple[int, str]:
    """The size of ``data`` as JSON, and (for the check only) a digest of it."""
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    if not digest:
        return len(text), ""
    return len(text), hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


class LocalizedSnapshots:
    """A least-recently-used map of localized snapshot data, bounded by bytes of JSON."""

    def __init__(self, budget_bytes: int, *, check: bool = False) -> None:
        self.budget = budget_bytes
        self.check = check
        self._entries: OrderedDict[Key, tuple[Any, int, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        data, _size, digest = entry
        if self.check and _fingerprint(data)[1] != digest:
            raise SharedSnapshotChanged(
                f"snapshot {key[0]} ({key[2]}) was changed by a reader after it was shared"
            )
        return data

    def put(self, key: Key, data: Any) -> None:
        if self.budget <= 0:
            return
        size, digest = _fingerprint(data, digest=self.check)
        if size > self.budget:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._entries[key] = (data, size, digest)
            self._size += size
            while self._size > self.budget and self._entries:
                _, (_, dropped, _) = self._entries.popitem(last=False)
                self._size -= dropped

    def discard(self, uuid: str) -> None:
        """Forget a snapshot in every language (it was written again or deleted)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == uuid]:
                self._size -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        return self._size


def forget(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A snapshot saved or deleted in this process is read afresh by its next reader here
    (other processes tell a rewrite by its new ``computed_at``)."""
    if _cache is not None:
        _cache.discard(str(instance.uuid))


_cache: LocalizedSnapshots | None = None
_cache_lock = threading.Lock()


def cache() -> LocalizedSnapshots:
    """The process's cache, sized from the settings when first used."""
    global _cache
    if _cache is None:
        with _cache_lock:
            if _cache is None:
                _cache = LocalizedSnapshots(
                    int(settings.SNAPSHOT_CACHE_MB * 2**20),
                    check=bool(settings.SNAPSHOT_CACHE_CHECK),
                )
    return _cache
