"""Alliance as separate processes, for the fault tests: ``alliance manage …`` commands, the
web server the way ``alliance serve`` runs it (waitress, threads) and the task worker, all on
a database of their own (a SQLite file, or a PostgreSQL server the test started)."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

PASSWORD = "Quiet harbour lanterns 1987"


def _suite_on_sqlite() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


# For tests whose processes always run on a SQLite file of their own, whatever the suite's
# database: they run once, in the SQLite suite, not again in the PostgreSQL one.
own_sqlite_file = pytest.mark.skipif(
    not _suite_on_sqlite(), reason="runs on a SQLite file of its own: the SQLite suite runs it"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def alliance_env(tmp_path: Path, database_url: str | None = None, **extra: str) -> dict:
    """The environment of a production-like install under ``tmp_path`` (no test settings:
    Argon2, throttling and the real middleware stack; two-factor off for scripted logins)."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "SECRET_KEY": "k" * 50,
        "ALLIANCE_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'alliance.sqlite3'}",
        "MFA_REQUIRED_FOR_TEAM": "0",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        **extra,
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def alliance(env: dict, *args: str, timeout: int = 600, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "alliance", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done.stdout


def shell_json(env: dict, code: str) -> object:
    """Run ``code`` in ``alliance manage shell``; its last printed line, read as JSON."""
    out = alliance(env, "manage", "shell", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


_MIGRATED: list[Path] = []


def migrated_sqlite(env: dict) -> None:
    """Give ``env``'s SQLite file every migration: migrated once per test session, then
    copied (migrating takes several seconds of CPU each time)."""
    target = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    if not _MIGRATED:
        folder = Path(tempfile.mkdtemp(prefix="alliance-migrated-"))
        atexit.register(shutil.rmtree, folder, True)
        template_env = {**env, "DATABASE_URL": f"sqlite:///{folder / 'template.sqlite3'}"}
        alliance(template_env, "manage", "migrate", "--verbosity", "0")
        _MIGRATED.append(folder / "template.sqlite3")
    with sqlite3.connect(_MIGRATED[0]) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def wait_for(condition: Callable[[], object], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def start_worker(env: dict, log: Path, *args: str) -> subprocess.Popen:
    """``alliance worker *args`` (e.g. ``--queue bulk``), its output appended to ``log``."""
    return subprocess.Popen(
        [sys.executable, "-m", "alliance", "worker", *args],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


@contextmanager
def served(env: dict, log: Path) -> Iterator[str]:
    """``alliance serve`` on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "alliance", "serve", "--port", str(port)],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: _answers(base + "/account/login/"), 240, 0.5), log.read_text()
        yield base
    finally:
        stop(server)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ----- a PostgreSQL cluster of a test's own ------------------------------------------------


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A PostgreSQL cluster in a temporary folder (run as ``postgres`` when we are root:
    PostgreSQL refuses to run as root)."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="alliance-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args], capture_output=True, text=True
        )
        assert done.returncode == 0, (tool, done.stdout[-2000:], done.stderr[-2000:])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        subprocess.run(
            [
                *self.as_owner,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def pg_cluster() -> Iterator[Cluster]:
    """A started cluster with a database ``alliance``, removed afterwards (skips the test when
    PostgreSQL's server programs are not installed)."""
    bin_dir = pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server (initdb, pg_ctl) is not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
    made = Cluster(bin_dir)
    try:
        made.start()
        with psycopg.connect(made.url("postgres"), autocommit=True) as db:
            db.execute("create database alliance")
        yield made
    finally:
        made.remove()
