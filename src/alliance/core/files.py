"""Owner-only files: what Alliance writes to disk — the embedded database and its WAL and
shared-memory files, uploads, the demo's key — is readable by the account that runs it and by
nobody else on the machine.

Three layers, so that no entry point is forgotten: ``alliance`` (every command: demo, serve,
worker, manage) and the WSGI module set the process umask to 077 before anything is created;
uploads are written 0600 in 0700 directories whatever the umask (settings); and every new
SQLite connection narrows the database file to 0600 (SQLite creates the WAL and shared-memory
files with the database file's permissions), and Alliance's folder (``ALLIANCE_VAR_DIR``)
that holds it to 0700.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

OWNER_ONLY_UMASK = 0o077
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def owner_only_umask() -> None:
    """Files and folders this process creates from now on are its owner's only."""
    os.umask(OWNER_ONLY_UMASK)


def narrow(path: Path, mode: int) -> None:
    """Take group and other permissions off ``path`` (if it exists and is ours)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & 0o077:
            path.chmod((current & 0o700) | (mode & 0o700))
    except (FileNotFoundError, PermissionError):
        pass


def protect_sqlite(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: an embedded database file (and so its WAL and shared-memory
    files, and its journal) is 0600 in a 0700 folder."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    database = Path(name)
    from django.conf import settings

    if database.parent.resolve() == Path(settings.VAR_DIR).resolve():
        narrow(database.parent, DIRECTORY_MODE)  # Alliance's own folder, never another
    for path in (database, *(Path(f"{name}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
        narrow(path, FILE_MODE)


def compact(connection: Any, tables: tuple[str, ...]) -> None:
    """Rewrite the database's files so that values replaced or deleted leave no copy behind:
    SQLite is vacuumed and its WAL truncated, PostgreSQL's ``tables`` rewritten (``VACUUM
    FULL``). Neither database vacuums inside a transaction: inside one (a test's), nothing
    is done."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            q = connection.ops.quote_name
            for table in tables:
                cursor.execute(f"VACUUM FULL {q(table)}")
