"""``alliance backup`` and ``alliance restore``: the database and the uploaded files together.

A backup is one tar archive:

- ``manifest.json`` — the format, when it was taken, the database's kind, the migrations
  applied, and every other member's size and SHA-256;
- ``database.sqlite3`` — SQLite's online backup API: a consistent copy taken while the site
  runs — or ``database.pgdump`` — ``pg_dump --format=custom``: one consistent snapshot;
- ``media/…`` — every uploaded file (``MEDIA_ROOT``), copied after the database.

With ``--encrypt`` the archive is encrypted with ``BACKUP_ENCRYPTION_KEY`` (a Fernet key, or
``BACKUP_ENCRYPTION_KEY_FILE``): cut into chunks of 1 MiB, each a Fernet token (AES-128-CBC
with HMAC-SHA256) that carries its number and whether it is the last, so that an altered,
truncated or reordered backup is refused rather than half restored. Confidential fields are
already encrypted inside the database with ``FIELD_ENCRYPTION_KEYS``; a restored site needs
those same keys to read them, so keep them (and the backup key) apart from the backups.

A restore goes into an empty database (no table) and an empty upload folder, from a backup of
the same kind of database; every member's checksum is verified before anything is written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = "alliance-backup-1"
MAGIC = b"ALLIANCE-BACKUP-FERNET-1\n"
CHUNK = 1024 * 1024
_HEADER = struct.Struct(">QB")  # chunk number, last chunk (1) or not (0)
_LENGTH = struct.Struct(">I")


class BackupError(Exception):
    """A backup or restore refused, with the reason in words."""


@dataclass
class Summary:
    path: Path
    vendor: str
    files: int
    bytes: int
    encrypted: bool


# ----- encryption -----------------------------------------------------------------------


def _fernet(key: str | None) -> Fernet:
    key = key if key is not None else getattr(settings, "BACKUP_ENCRYPTION_KEY", "")
    if not key:
        raise BackupError(
            _(
                "Set BACKUP_ENCRYPTION_KEY (or BACKUP_ENCRYPTION_KEY_FILE) to a Fernet key;"
                " `alliance backup --new-key` prints a new one."
            )
        )
    try:
        return Fernet(key.encode())
    except ValueError:
        raise BackupError(
            _("BACKUP_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes).")
        ) from None


def new_key() -> str:
    return Fernet.generate_key().decode()


def _encrypt(source: IO[bytes], target: IO[bytes], fernet: Fernet) -> None:
    target.write(MAGIC)
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        token = fernet.encrypt(_HEADER.pack(number, 0 if following else 1) + chunk)
        target.write(_LENGTH.pack(len(token)) + token)
        if not following:
            return
        chunk, number = following, number + 1


def _decrypt(source: IO[bytes], target: IO[bytes], fernet: Fernet) -> None:
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError(_("This is not an encrypted Alliance backup."))
    number = 0
    while True:
        size = source.read(_LENGTH.size)
        if len(size) < _LENGTH.size:
            raise BackupError(_("The backup is cut short: its last part is missing."))
        length = _LENGTH.unpack(size)[0]
        token = source.read(length)
        if len(token) < length:
            raise BackupError(_("The backup is cut short: its last part is missing."))
        try:
            plain = fernet.decrypt(token)
        except InvalidToken:
            raise BackupError(
                _("The backup cannot be decrypted: wrong BACKUP_ENCRYPTION_KEY, or altered.")
            ) from None
        index, last = _HEADER.unpack(plain[: _HEADER.size])
        if index != number:
            raise BackupError(_("The backup's parts are out of order: it was altered."))
        target.write(plain[_HEADER.size :])
        if last:
            if source.read(1):
                raise BackupError(_("The backup has data after its end: it was altered."))
            return
        number += 1


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(MAGIC)) == MAGIC


# ----- the database ---------------------------------------------------------------------


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if config.get(key):
            env[variable] = str(config[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            _("%(tool)s is not installed (PostgreSQL's client tools are needed).")
            % {"tool": command[0]}
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{command[0]}: {done.stderr.strip()[-2000:]}")


def _dump_database(folder: Path, using: str) -> tuple[str, Path]:
    connection = connections[using]
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return "sqlite", target
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
            _pg_env(connection.settings_dict),
        )
        return "postgresql", target
    vendor = connection.vendor
    raise BackupError(_("Backups support SQLite and PostgreSQL, not %(v)s.") % {"v": vendor})


def _load_database(vendor: str, dump: Path, using: str) -> None:
    connection = connections[using]
    if connection.vendor != vendor:
        raise BackupError(
            _("This backup is of a %(backup)s database; this site uses %(site)s.")
            % {"backup": vendor, "site": connection.vendor}
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()
        return
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        _pg_env(connection.settings_dict),
    )


def _migrations(using: str) -> list[str]:
    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# ----- files ----------------------------------------------------------------------------


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".progress"):
            yield "media/" + path.relative_to(root).as_posix(), path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


# ----- backup and restore ---------------------------------------------------------------


def backup(
    path: Path, *, encrypt: bool = False, key: str | None = None, using: str = DEFAULT_DB_ALIAS
) -> Summary:
    """Write a backup of the database and the uploaded files to ``path``."""
    fernet = _fernet(key) if encrypt else None
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="alliance-backup-") as work:
        folder = Path(work)
        vendor, dump = _dump_database(folder, using)
        members = [(dump.name, dump), *_media_files()]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "vendor": vendor,
            "migrations": _migrations(using),
            "members": {
                name: {"size": member.stat().st_size, "sha256": _sha256(member)}
                for name, member in members
            },
        }
        archive = folder / "backup.tar"
        with tarfile.open(archive, "w") as tar:
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, member in members:
                tar.add(member, arcname=name, recursive=False)
        partial = path.with_name(path.name + ".partial")
        with archive.open("rb") as source, partial.open("wb") as target:
            if fernet is None:
                shutil.copyfileobj(source, target, CHUNK)
            else:
                _encrypt(source, target, fernet)
        partial.replace(path)  # a backup file is whole, or not there
    files = len(members) - 1
    return Summary(path, vendor, files, path.stat().st_size, fernet is not None)


def _check_empty(using: str) -> None:
    tables = connections[using].introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database is not empty (%(n)d tables): restore into an empty database only,"
                " so that nothing of it is mixed with the backup."
            )
            % {"n": len(tables)}
        )
    root = Path(settings.MEDIA_ROOT)
    if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(
            _("The upload folder %(path)s is not empty: restore into an empty one.")
            % {"path": root}
        )


def _read_archive(path: Path, folder: Path, key: str | None) -> Path:
    if not path.is_file():
        raise BackupError(_("No backup at %(path)s.") % {"path": path})
    if not is_encrypted(path):
        return path
    plain = folder / "backup.tar"
    with path.open("rb") as source, plain.open("wb") as target:
        _decrypt(source, target, _fernet(key))
    return plain


def _unpack(archive: Path, folder: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(folder / "unpacked", filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("The backup cannot be read: %(e)s") % {"e": exc}) from None
    unpacked = folder / "unpacked"
    try:
        manifest = json.loads((unpacked / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("The backup has no readable manifest.")) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Unknown backup format %(f)r.") % {"f": manifest.get("format")})
    for name, expected in manifest["members"].items():
        member = unpacked / name
        if not member.is_file() or _sha256(member) != expected["sha256"]:
            raise BackupError(
                _("%(name)s in the backup is missing or altered (checksum).") % {"name": name}
            )
    return manifest


def restore(path: Path, *, key: str | None = None, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Restore a backup into an empty database and upload folder."""
    path = Path(path)
    _check_empty(using)
    with tempfile.TemporaryDirectory(prefix="alliance-restore-") as work:
        folder = Path(work)
        manifest = _unpack(_read_archive(path, folder, key), folder)
        vendor = manifest["vendor"]
        unpacked = folder / "unpacked"
        dump = unpacked / ("database.sqlite3" if vendor == "sqlite" else "database.pgdump")
        _load_database(vendor, dump, using)
        media = [name for name in manifest["members"] if name.startswith("media/")]
        root = Path(settings.MEDIA_ROOT)
        for name in media:
            target = root / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(unpacked / name, target)
    return Summary(path, vendor, len(media), path.stat().st_size, is_encrypted(path))


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many of the code's migrations the (restored) database has not applied yet."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
