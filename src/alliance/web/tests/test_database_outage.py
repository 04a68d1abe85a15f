"""PostgreSQL stopped under the feet of a running site, then started again: requests made
during the outage get a styled 503 page in the reader's language (no stack trace), the site
and the task worker recover by themselves within seconds (kept connections are checked before
reuse), and every write acknowledged to the user is in the database.

The test starts a throw-away PostgreSQL cluster of its own (``initdb`` in a temporary folder,
on a free port), so that it may stop it; it is skipped when PostgreSQL's server binaries are
not installed.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator

import httpx
import psycopg
import pytest

from alliance.core.tests.processes import (
    PASSWORD,
    Cluster,
    alliance,
    alliance_env,
    pg_cluster,
    served,
    shell_json,
    start_worker,
    stop,
    wait_for,
)

SEED = """
import json
from datetime import date
from django.contrib.auth import get_user_model
from alliance.accounts.services import membership_grant
from alliance.partnerships import services as ps
User = get_user_model()
admin = User.objects.create_superuser("admin", "", %(password)r)
owner = User.objects.create_user("owner", "owner@example.org", %(password)r, is_staff=True)
x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="SN")
y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
a = ps.agreement_create(actor=owner, title="Corridor", kind="bilateral",
                        signed_on=date(2025, 1, 15), host_country="SN")
ps.participation_add(actor=owner, agreement=a, party=x, role="signatory")
ps.participation_add(actor=owner, agreement=a, party=y, role="lender")
print(json.dumps({"agreement": str(a.uuid), "parties": [x.pk, y.pk]}))
"""

LOGGED = """
import json
from alliance.engagement.models import Interaction
print(json.dumps(sorted(i.summary for i in Interaction.objects.all())))
"""


class Writer(threading.Thread):
    """A signed-in counsellor logging interactions one after the other, keeping each answer."""

    def __init__(self, base: str, seed: dict) -> None:
        super().__init__(daemon=True)
        self.base, self.seed = base, seed
        self.answers: list[tuple[float, str, int, str]] = []
        self.cookies: dict[str, str] = {}
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as client:
            page = client.get("/account/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            client.post(
                "/account/login/",
                data={"login": "owner", "password": PASSWORD, "csrfmiddlewaretoken": token},
            )
            self.cookies = dict(client.cookies)
            n = 0
            while not self.stopping.is_set():
                summary = f"Outage write {n}"
                try:
                    answer = client.post(
                        f"/agreements/{self.seed['agreement']}/interactions/log/",
                        data={
                            "occurred_on": "2025-06-02",
                            "kind": "call",
                            "parties": self.seed["parties"],
                            "summary": summary,
                            "tone": "0",
                            "confidentiality": "shared",
                            "language": "en",
                            "follow_up-TOTAL_FORMS": "0",
                            "follow_up-INITIAL_FORMS": "0",
                        },
                        headers={"X-CSRFToken": client.cookies.get("csrftoken", "")},
                    )
                    status, text = answer.status_code, answer.text
                except httpx.HTTPError as exc:
                    status, text = 0, str(exc)
                self.answers.append((time.monotonic(), summary, status, text))
                n += 1
                time.sleep(0.15)

    def acknowledged(self) -> list[str]:
        return [summary for _t, summary, status, _text in self.answers if status == 302]


def test_postgresql_restarted_under_writes_answers_503_then_recovers_losing_nothing(
    cluster: Cluster, tmp_path
):
    env = alliance_env(
        tmp_path,
        cluster.url("alliance"),
        ALLIANCE_TODAY="2025-07-09",
        DATABASE_CONN_MAX_AGE="600",
        TASK_LEASE_SECONDS="4",
        TASK_RETRY_SECONDS="1",
    )
    alliance(env, "manage", "migrate", "--verbosity", "0")
    seed = shell_json(env, SEED % {"password": PASSWORD})
    log = tmp_path / "processes.log"
    worker = start_worker(env, log)
    try:
        with served(env, log) as base:
            writer = Writer(base, seed)
            writer.start()
            assert wait_for(lambda: len(writer.acknowledged()) >= 5, 120), writer.answers[-3:]

            cluster.stop("immediate")  # as a crash: no goodbye to the kept connections
            down_at = time.monotonic()
            assert wait_for(lambda: any(a[2] == 503 for a in writer.answers), 30)
            # The same signed-in user, asking in French (the session is in the database).
            french = httpx.get(
                base + "/", cookies=writer.cookies, headers={"Accept-Language": "fr"}, timeout=30
            )
            time.sleep(2)
            cluster.start()
            up_at = time.monotonic()
            with psycopg.connect(cluster.url("alliance")) as db:
                restarted = db.execute("select now()").fetchone()[0]

            def writes_again() -> bool:
                return any(t > up_at and status == 302 for t, _s, status, _x in writer.answers)

            assert wait_for(writes_again, 30), writer.answers[-3:]
            recovered_in = next(t for t, _s, s, _x in writer.answers if t > up_at and s == 302)
            recovered_in -= up_at
            time.sleep(2)
            writer.stopping.set()
            writer.join(60)

            def worker_carries_on() -> bool:
                # A recomputation the writes queued, done by the worker after the outage.
                with psycopg.connect(cluster.url("alliance")) as db:
                    return db.execute(
                        "select count(*) from django_tasks_database_dbtaskresult"
                        " where status = 'SUCCESSFUL' and finished_at > %s",
                        (restarted,),
                    ).fetchone()[0]

            assert wait_for(worker_carries_on, 90, 1), log.read_text()[-3000:]
            assert worker.poll() is None, "the task worker died with the database"
    finally:
        stop(worker)

    statuses = Counter(status for _t, _s, status, _x in writer.answers)
    print(
        f"outage {up_at - down_at:.1f} s; answers {dict(statuses)};"
        f" first write acknowledged {recovered_in:.2f} s after PostgreSQL was back"
    )
    # During the outage: a styled 503, in the reader's language, and no stack trace.
    assert french.status_code == 503 and french.headers["Retry-After"]
    assert "Temporairement indisponible" in french.text and "alliance.css" in french.text
    outage_pages = [text for _t, _s, status, text in writer.answers if status == 503]
    assert outage_pages and all("Traceback" not in page for page in outage_pages)
    assert set(statuses) <= {302, 503}, statuses
    assert recovered_in < 10
    # Every write acknowledged to the user is there.
    rows = set(shell_json(env, LOGGED))
    acknowledged = set(writer.acknowledged())
    assert acknowledged <= rows, sorted(acknowledged - rows)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with pg_cluster() as made:
        yield made
