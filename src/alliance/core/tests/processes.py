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


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "alliance", "worker"],
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
