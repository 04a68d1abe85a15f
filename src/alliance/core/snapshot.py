"""Read-and-roll-back work on a private copy of the embedded database.

SQLite has one writer at a time. An import preview goes through every write of the import
and rolls them back, so on the live database it would hold the write lock for as long as it
reads the file — minutes for a large one — and every login and every change meanwhile
would wait, then fail. On SQLite the preview therefore runs on a snapshot taken with SQLite's
online backup API (which does not block writers in WAL mode) into a private temporary file,
deleted afterwards. PostgreSQL needs none of this: its transactions do not block each other's
reads and writes, so there the work runs on the database itself.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# Snapshot folders are named after their process, so that one a killed process left behind
# can be told from one in use (``remove_abandoned_snapshots``).
SNAPSHOT_PREFIX = "snapshot-"


@contextmanager
def private_snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[bool]:
    """Within the block, this thread's connection reads and writes a private copy of the
    SQLite database (yields True); elsewhere — PostgreSQL, an in-memory database, or inside
    a transaction already open — it is the database itself (yields False)."""
    connection = connections[using]
    name = str(connection.settings_dict["NAME"])
    if (
        connection.vendor != "sqlite"
        or connection.in_atomic_block
        or connection.is_in_memory_db()
        or not Path(name).is_file()
    ):
        yield False
        return
    folder_prefix = f"{SNAPSHOT_PREFIX}{os.getpid()}-"
    with tempfile.TemporaryDirectory(
        prefix=folder_prefix, dir=Path(name).parent, ignore_cleanup_errors=True
    ) as folder:
        copy = Path(folder) / "snapshot.sqlite3"
        connection.ensure_connection()
        try:
            target = sqlite3.connect(copy)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        except (OSError, sqlite3.Error) as exc:
            # No room for a copy (a full disk): the work runs on the live database, holding
            # its write lock longer, rather than not at all.
            logger.warning("no snapshot of the database could be made: %s", exc)
            yield False
            return
        connection.close()
        live = connection.settings_dict
        connection.settings_dict = {**live, "NAME": str(copy)}
        try:
            yield True
        finally:
            connection.close()
            connection.settings_dict = live


def remove_abandoned_snapshots(using: str = DEFAULT_DB_ALIAS) -> int:
    """Delete the snapshots that processes killed mid-preview left beside the database (the
    task worker calls it when it starts). Returns how many."""
    connection = connections[using]
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return 0
    removed = 0
    for folder in Path(str(connection.settings_dict["NAME"])).parent.glob(SNAPSHOT_PREFIX + "*"):
        pid = folder.name.removeprefix(SNAPSHOT_PREFIX).split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
