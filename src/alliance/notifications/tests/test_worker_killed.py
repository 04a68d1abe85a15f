"""A real worker process, killed with SIGKILL in the middle of sending, then restarted:
nothing is sent twice, and every message is either sent or marked unconfirmed (the one the
mail server may have taken at the moment of the kill), none is lost.

Everything runs in separate processes on a SQLite file, as in production: ``alliance
manage migrate``, a seed written through the services, ``alliance worker`` twice, and a real
SMTP server (aiosmtpd) in this process, slowed down so the kill lands mid-run.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

from alliance.core.tests.processes import own_sqlite_file
from alliance.notifications.tests.conftest import Inbox, free_port

pytestmark = own_sqlite_file

N_COMMITMENTS = 15  # each overdue: a notice to the representative, an escalation to the owner

SEED = """
from datetime import date
from django.contrib.auth import get_user_model
from alliance.accounts.services import membership_grant
from alliance.partnerships import services as ps
User = get_user_model()
admin = User.objects.create_superuser("admin", "", "x")
owner = User.objects.create_user("owner", "owner@example.org", "x", is_staff=True)
rep = User.objects.create_user("rep", "rep@example.org", "x")
x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="FR")
y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
a = ps.agreement_create(actor=owner, title="Corridor", kind="bilateral",
                        signed_on=date(2025, 1, 15), host_country="FR")
ps.participation_add(actor=owner, agreement=a, party=x, role="signatory")
ps.participation_add(actor=owner, agreement=a, party=y, role="lender")
membership_grant(actor=owner, agreement=a, user=rep, role="party_rep", party=x)
for k in range(%(n)d):
    ps.commitment_create(actor=owner, agreement=a, owed_by=x, owed_to=[y], title=f"Task {k}",
                         category="technical", due_on=date(2025, 5, 2), duration_optimistic=1,
                         duration_likely=2, duration_pessimistic=3)
"""

STATE = """
import json
from alliance.notifications.models import Notification
print(json.dumps(list(Notification.objects.values_list("key", "status"))))
"""


class SlowInbox(Inbox):
    """A mail server that takes its time, so a kill lands while messages are going out."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.15)
        return await super().handle_DATA(server, session, envelope)


def _alliance(env: dict, *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "alliance", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "alliance", "worker"],
        env=env,
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )


def _state(env: dict) -> list:
    """The outbox as (key, status) rows, read by another process (the shell's last line)."""
    out = _alliance(env, "manage", "shell", "-c", STATE)
    return json.loads(out.strip().splitlines()[-1])


def _running(database: Path) -> list:
    with sqlite3.connect(database, timeout=30) as db:
        return db.execute(
            "select task_path from django_tasks_database_dbtaskresult where status = 'RUNNING'"
        ).fetchall()


def _wait(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_killed_mid_run_sends_nothing_twice(tmp_path: Path) -> None:
    inbox = SlowInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "SECRET_KEY": "k" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'alliance.sqlite3'}",
        "ALLIANCE_TODAY": "2025-07-09",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "NOTIFICATION_TICK_SECONDS": "1",
        "NOTIFICATION_RUN_TIMEOUT_SECONDS": "3",
        "NOTIFICATION_CLAIM_SECONDS": "3",
        "TASK_RETRY_SECONDS": "1",
    }
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    log = tmp_path / "worker.log"
    try:
        _alliance(env, "manage", "migrate", "--verbosity", "0")
        _alliance(env, "manage", "shell", "-c", SEED % {"n": N_COMMITMENTS})
        first = _worker(env, log)
        started = _wait(lambda: len(inbox.messages) >= 5, 300)
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert started, log.read_text()[-3000:]
        killed_at = len(inbox.messages)
        # An overdue notice and an escalation per commitment, and two weekly digests.
        expected = 2 * N_COMMITMENTS + 2
        assert killed_at < expected, "the kill came too late to prove anything"

        second = _worker(env, log)

        def settled() -> bool:
            rows = _state(env)
            return len(rows) >= expected and all(s in ("sent", "unconfirmed") for _k, s in rows)

        try:
            assert _wait(settled, 300), log.read_text()[-3000:]
            # The task the kill interrupted was taken back from the dead worker and run again
            # (alliance.operations.leases): none is left RUNNING.
            assert _wait(lambda: not _running(tmp_path / "alliance.sqlite3"), 120), _running(
                tmp_path / "alliance.sqlite3"
            )
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(30)
        rows = dict(_state(env))
    finally:
        controller.stop()
    received = Counter(message["X-Alliance-Key"] for _to, message in inbox.messages)
    print(
        f"killed after {killed_at} of {expected} messages; received {sum(received.values())}"
        f" ({len(received)} distinct); unconfirmed {sum(s == 'unconfirmed' for s in rows.values())}"
    )
    assert max(received.values()) == 1, [k for k, n in received.items() if n > 1]
    sent = {k for k, s in rows.items() if s == "sent"}
    unconfirmed = {k for k, s in rows.items() if s == "unconfirmed"}
    assert len(rows) == expected and sent <= set(received)
    # At most the one message in the mail server's hands at the kill is unconfirmed.
    assert len(unconfirmed) <= 1, unconfirmed
    assert set(received) <= sent | unconfirmed
