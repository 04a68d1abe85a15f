"""``alliance backup`` then ``alliance restore`` into an empty database and upload folder, as
separate processes: the same rows in every table, the same files, and confidential fields
readable with the same keys (and not without them). A wrong key, an altered file or a
database that is not empty is refused, writing nothing."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from alliance.core.tests.processes import (
    alliance,
    alliance_env,
    migrated_sqlite,
    own_sqlite_file,
    shell_json,
)

FIELD_KEY = Fernet.generate_key().decode()
BACKUP_KEY = Fernet.generate_key().decode()
SECRET = "Minister hinted off the record that the Board may slip"

SEED = """
import json
from datetime import date
from django.contrib.auth import get_user_model
from alliance.engagement.services import interaction_log
from alliance.partnerships import services as ps
User = get_user_model()
admin = User.objects.create_superuser("admin", "", "x")
owner = User.objects.create_user("owner", "owner@example.org", "x", is_staff=True)
x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="SN")
y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
a = ps.agreement_create(actor=owner, title="Corridor", kind="bilateral",
                        signed_on=date(2025, 1, 15), host_country="SN")
ps.participation_add(actor=owner, agreement=a, party=x, role="signatory")
ps.participation_add(actor=owner, agreement=a, party=y, role="lender")
interaction_log(actor=owner, agreement=a, parties=[x, y], occurred_on=date(2025, 6, 2),
                kind="meeting", summary=%(secret)r, confidentiality="internal", language="en")
blob = open(%(blob)r, "rb").read()
for k in range(3):
    ps.agreement_document_add(actor=owner, agreement=a, title=f"Annex {k}",
                              name=f"annex{k}.pdf", content=blob[k:])
print(json.dumps(str(a.uuid)))
"""

READ_SECRET = """
import json
from alliance.engagement.models import Interaction
print(json.dumps([i.summary for i in Interaction.objects.all()]))
"""


def _rows(database: Path) -> dict[str, list]:
    with sqlite3.connect(database) as db:
        tables = [
            name
            for (name,) in db.execute("select name from sqlite_master where type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {t: sorted(map(repr, db.execute(f'select * from "{t}"'))) for t in tables}


def _files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _refused(env: dict, *args: str, command: bool = True) -> str:
    """The error of a command that must fail (a command's, said without a traceback)."""
    done = subprocess.run(
        [sys.executable, "-m", "alliance", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0, done.stdout
    assert not command or "Traceback" not in done.stderr, done.stderr
    return done.stderr


def _site(tmp_path: Path, name: str, **extra: str) -> dict:
    folder = tmp_path / name
    folder.mkdir()
    keys = {"FIELD_ENCRYPTION_KEYS": FIELD_KEY, "BACKUP_ENCRYPTION_KEY": BACKUP_KEY}
    return alliance_env(folder, **{**keys, **extra})


@own_sqlite_file
def test_backup_and_restore_give_the_same_rows_files_and_readable_secrets(tmp_path):
    source = _site(tmp_path, "source")
    migrated_sqlite(source)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(os.urandom(300_000))
    shell_json(source, SEED % {"secret": SECRET, "blob": str(blob)})
    media = Path(source["ALLIANCE_VAR_DIR"]) / "media"
    assert len(_files(media)) == 3

    encrypted = tmp_path / "site.backup"
    out = alliance(source, "backup", str(encrypted), "--encrypt")
    assert "3" in out and encrypted.is_file()
    plain = tmp_path / "site.tar"
    alliance(source, "backup", str(plain))
    # Encrypted: nothing of the archive or the database reads in clear.
    assert b"Ministry X" in plain.read_bytes() and b"ustar" in plain.read_bytes()
    assert b"Ministry X" not in encrypted.read_bytes() and b"ustar" not in encrypted.read_bytes()

    target = _site(tmp_path, "target")
    target_db = Path(target["DATABASE_URL"].removeprefix("sqlite:///"))
    out = alliance(target, "restore", str(encrypted))
    assert "3" in out
    assert _rows(target_db) == _rows(Path(source["DATABASE_URL"].removeprefix("sqlite:///")))
    assert _files(Path(target["ALLIANCE_VAR_DIR"]) / "media") == _files(media)
    assert shell_json(target, READ_SECRET) == [SECRET]
    # The restored secrets need the same field keys: another key cannot read them.
    other_keys = {**target, "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    assert "FIELD_ENCRYPTION_KEYS" in _refused(
        other_keys, "manage", "shell", "-c", READ_SECRET, command=False
    )

    # A database that is not empty is never restored into.
    assert "not empty" in _refused(target, "restore", str(plain))


@own_sqlite_file
def test_a_wrong_key_or_an_altered_backup_is_refused_and_writes_nothing(tmp_path):
    source = _site(tmp_path, "source")
    migrated_sqlite(source)
    backup = tmp_path / "site.backup"
    alliance(source, "backup", str(backup), "--encrypt")

    wrong = _site(tmp_path, "wrong", BACKUP_ENCRYPTION_KEY=Fernet.generate_key().decode())
    assert "wrong BACKUP_ENCRYPTION_KEY" in _refused(wrong, "restore", str(backup))
    altered = tmp_path / "altered.backup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(bytes(data))
    target = _site(tmp_path, "target")
    assert "altered" in _refused(target, "restore", str(altered))
    cut = tmp_path / "cut.backup"
    cut.write_bytes(backup.read_bytes()[: len(backup.read_bytes()) // 2])
    assert "cut short" in _refused(target, "restore", str(cut))
    for site in (wrong, target):
        database = Path(site["DATABASE_URL"].removeprefix("sqlite:///"))
        assert not database.exists() or _rows(database) == {}


def _postgresql_server() -> str | None:
    """The PostgreSQL server the suite runs against (``DATABASE_URL``), if it does."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def _pg_rows(url: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(url) as db:
        tables = [
            name
            for (name,) in db.execute(
                "select tablename from pg_tables where schemaname = 'public' order by 1"
            )
        ]
        return {t: sorted(map(repr, db.execute(f'select * from "{t}"'))) for t in tables}


@pytest.mark.skipif(_postgresql_server() is None, reason="the suite runs on SQLite")
def test_backup_and_restore_on_postgresql(tmp_path):
    import psycopg

    server = _postgresql_server()
    base = server.rsplit("/", 1)[0]
    names = [f"alliance_backup_{os.getpid()}_{side}" for side in ("source", "target")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'drop database if exists "{name}"')
            admin.execute(f'create database "{name}"')
    try:
        source = _site(tmp_path, "source", DATABASE_URL=f"{base}/{names[0]}")
        alliance(source, "manage", "migrate", "--verbosity", "0")
        blob = tmp_path / "blob.bin"
        blob.write_bytes(os.urandom(100_000))
        shell_json(source, SEED % {"secret": SECRET, "blob": str(blob)})
        backup = tmp_path / "site.backup"
        alliance(source, "backup", str(backup), "--encrypt")

        target = _site(tmp_path, "target", DATABASE_URL=f"{base}/{names[1]}")
        alliance(target, "restore", str(backup))
        assert _pg_rows(f"{base}/{names[1]}") == _pg_rows(f"{base}/{names[0]}")
        media = Path(source["ALLIANCE_VAR_DIR"]) / "media"
        assert _files(Path(target["ALLIANCE_VAR_DIR"]) / "media") == _files(media)
        assert shell_json(target, READ_SECRET) == [SECRET]
        assert "not empty" in _refused(target, "restore", str(backup))
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'drop database if exists "{name}" with (force)')
