"""Nothing confidential in clear at rest: the demo is loaded by the real ``alliance`` command
into a database of its own, and no internal or restricted text of it — interaction summaries
and their translations, notes on people, warnings' words, points for meetings, internal
comments on commitments, pulse comments, grievance complainants — appears in the bytes on
disk: on SQLite the database file, its WAL
and shared-memory files, the uploads and a ``dumpdata`` backup, all owner-only; on PostgreSQL
a ``pg_dump``, every stored row read back as text and, where the test's role may read them,
the tables' heap files themselves.

Each variant runs in the suite of its own database (loading the demo is the cost).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from alliance.testing import tally

ALLIANCE = Path(sys.executable).parent / "alliance"
KINDS = {
    "interaction summaries",
    "interaction translations",
    "notes on people",
    "warnings' words",
    "points for meetings",
    "internal comments on commitments",
    "pulse comments",
    "grievance complainants",
}


def _env(var: Path, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(var.parent),
        "LANG": "C.UTF-8",
        "SECRET_KEY": "raw-bytes-test-" + "k" * 40,
        "ALLIANCE_VAR_DIR": str(var),
        **extra,
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def _alliance(env: dict[str, str], *args: str, timeout: int = 1500) -> str:
    done = subprocess.run(
        [str(ALLIANCE), *args],
        env=env,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (args, done.stderr[-3000:])
    return done.stdout


def _load_demo(env: dict[str, str], out: Path) -> dict[str, list[str]]:
    _alliance(env, "manage", "migrate", "--verbosity", "0")
    script = f"from alliance.core.tests.at_rest import load_and_keep; load_and_keep({str(out)!r})"
    _alliance(env, "manage", "shell", "--no-imports", "-c", script)
    texts = json.loads((out / "texts.json").read_text(encoding="utf-8"))
    # The test must have something to look for, of every kind the product encrypts.
    assert set(texts) == KINDS, set(texts) ^ KINDS
    assert sum(len(v) for v in texts.values()) > 50
    tally("at_rest.texts", sum(len(v) for v in texts.values()))
    return texts


def _needles(texts: dict[str, list[str]]) -> dict[bytes, str]:
    """The byte strings that would betray each text, in UTF-8 and as JSON escapes them."""
    needles: dict[bytes, str] = {}
    for kind, values in texts.items():
        for text in values:
            needles[text.encode()] = f"{kind}: {text}"
            needles[json.dumps(text)[1:-1].encode()] = f"{kind}: {text}"
    return needles


def _found(data: bytes, needles: dict[bytes, str]) -> list[str]:
    return sorted({text for needle, text in needles.items() if needle in data})


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite suite runs this one")
def test_no_confidential_text_in_the_sqlite_files_uploads_or_a_backup(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = _env(var)
    texts = _load_demo(env, tmp_path / "out")
    needles = _needles(texts)
    backup = tmp_path / "backup.json"
    _alliance(env, "manage", "dumpdata", "--output", str(backup))

    raw = tmp_path / "out" / "raw"
    files = {p.name: p for p in raw.iterdir()}
    assert {"alliance.sqlite3", "alliance.sqlite3-wal", "alliance.sqlite3-shm"} <= set(files)
    assert (raw / "alliance.sqlite3-wal").stat().st_size > 0
    uploads = [p for p in (var / "media").rglob("*") if p.is_file()]
    assert uploads, "the demo stores its agreement's document"
    leaks = {
        str(path): _found(path.read_bytes(), needles)
        for path in [*files.values(), *uploads, backup]
    }
    tally("at_rest.files", len(leaks))
    assert not any(leaks.values()), {k: v[:5] for k, v in leaks.items() if v}
    # dumpdata writes the tokens: a backup restores them (see test_encryption).
    assert b'"fernet:' in backup.read_bytes()

    # Owner-only: the database and its companions, the folders, the uploads.
    modes = json.loads((tmp_path / "out" / "modes.json").read_text())
    tally("at_rest.modes", len(modes) + 1 + len(uploads) + 1 + len({p.parent for p in uploads}))
    assert modes == {**{name: 0o600 for name in modes if name != "var/"}, "var/": 0o700}
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for path in [*uploads, backup]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in {p.parent for p in uploads}:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.fixture
def scratch_database() -> Any:
    """A database of its own on the suite's PostgreSQL server, dropped afterwards."""
    import psycopg

    settings = connection.settings_dict
    name = f"{settings['NAME']}_at_rest_{uuid.uuid4().hex[:8]}"
    params = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name, params
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL suite runs this")
def test_no_confidential_text_in_a_pg_dump_or_the_stored_rows(
    tmp_path: Path, scratch_database: Any
) -> None:
    import psycopg

    name, params = scratch_database
    password = f":{params['password']}" if params["password"] else ""
    url = f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    env = _env(tmp_path / "var", DATABASE_URL=url)
    texts = _load_demo(env, tmp_path / "out")
    needles = _needles(texts)

    dump = tmp_path / "dump.sql"
    subprocess.run(
        ["pg_dump", "--no-owner", "--file", str(dump), url],
        check=True,
        env={**os.environ, "PGPASSWORD": params["password"] or ""},
        timeout=600,
    )
    assert b"fernet:" in dump.read_bytes()
    tally("at_rest.files")  # the pg_dump
    assert not _found(dump.read_bytes(), needles)

    with psycopg.connect(dbname=name, **params) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        stored = b"\n".join(
            (row[0] or "").encode()
            for table in tables
            for row in db.execute(f'SELECT t::text FROM "{table}" t')
        )
        tally("at_rest.tables", len(tables))
        assert not _found(stored, needles)
        heap = _heap_files(db, tables)
    if heap is not None:  # the suite's role may read the server's files
        tally("at_rest.heap", len(tables))
        assert heap
        assert not _found(heap, needles)


def _heap_files(db: Any, tables: list[str]) -> bytes | None:
    """The tables' heap and TOAST files as the server wrote them (dead rows included), after
    a checkpoint; None when the role may not read server files."""
    import psycopg

    try:
        db.execute("CHECKPOINT")
        chunks = []
        for table in tables:
            for (path,) in db.execute(
                "SELECT pg_relation_filepath(c.oid) FROM pg_class c "
                "WHERE c.oid = %s::regclass OR c.oid = "
                "(SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass)",
                [f'"{table}"', f'"{table}"'],
            ):
                if path:
                    (data,) = db.execute("SELECT pg_read_binary_file(%s)", [path]).fetchone()
                    chunks.append(bytes(data))
        return b"".join(chunks)
    except psycopg.errors.InsufficientPrivilege:
        db.rollback()
        return None
