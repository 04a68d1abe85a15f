"""The embedded default under concurrent use: 20 people on one SQLite file at once.

The site runs as ``alliance serve`` runs it, with ``alliance worker`` beside it checking a
large import and recomputing insights. Twenty users (ten of the counsellor team, ten party
representatives) sign in through the real login form at the same moment, then, in rounds
released together, each makes a write (a counsellor logs an interaction through the quick
log, a representative comments on a commitment their party owes) and reads their inbox,
the overview and the commitments. Every answer must be a success — no "database is
locked", no 500 — and every write acknowledged to a user must be in the database.
(SQLite: WAL, writes that take the lock when they begin, a busy timeout; see settings.)
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter

import httpx

from alliance.core.tests.processes import (
    PASSWORD,
    alliance_env,
    migrated_sqlite,
    own_sqlite_file,
    served,
    shell_json,
    start_worker,
    stop,
)

pytestmark = own_sqlite_file

USERS = 20
ROUNDS = 3

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
commitments = [
    ps.commitment_create(actor=owner, agreement=a, owed_by=party, owed_to=[other],
                         title=f"Deliver part {k}", category="technical",
                         due_on=date(2025, 9, 1 + k), duration_optimistic=2,
                         duration_likely=5, duration_pessimistic=12)
    for k, (party, other) in enumerate([(x, y), (y, x)] * 3)
]
users = []
for k in range(%(half)d):
    team = User.objects.create_user(f"team{k}", f"team{k}@example.org", %(password)r)
    membership_grant(actor=owner, agreement=a, user=team, role="counsellor")
    rep = User.objects.create_user(f"rep{k}", f"rep{k}@example.org", %(password)r)
    party = x if k %% 2 else y
    membership_grant(actor=owner, agreement=a, user=rep, role="party_rep", party=party)
    owed = next(c for c in commitments if c.owed_by_id == party.pk)
    users += [{"name": f"team{k}", "team": True},
              {"name": f"rep{k}", "team": False, "commitment": str(owed.uuid)}]
print(json.dumps({"agreement": str(a.uuid), "parties": [x.pk, y.pk], "users": users}))
"""

BUSY_WORKER = """
import json
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from alliance.analytics.tasks import recompute_agreement
from alliance.interchange.services import import_batch_create
from alliance.interchange.tasks import import_batch_task
owner = get_user_model().objects.get(username="owner")
rows = ["name,kind,country,decision_cycle_days"]
rows += [f"Imported org {i},ngo,SN,10" for i in range(3000)]
upload = ContentFile(("\\n".join(rows) + "\\n").encode(), name="parties.csv")
batch = import_batch_create(actor=owner, upload=upload)
ids = [import_batch_task.enqueue(batch.pk, False, "en").id]
ids += [recompute_agreement.enqueue(%(agreement)r).id for _ in range(3)]
print(json.dumps(ids))
"""

WRITTEN = """
import json
from alliance.engagement.models import Interaction
from alliance.partnerships.models import CommitmentComment
print(json.dumps(sorted([i.summary for i in Interaction.objects.all()]
                        + [c.text for c in CommitmentComment.objects.all()])))
"""


class Person(threading.Thread):
    """One user: signs in with the others, then writes and reads in rounds released together."""

    def __init__(self, base: str, seed: dict, who: dict, start: threading.Barrier) -> None:
        super().__init__(daemon=True)
        self.base, self.seed, self.who, self.start_together = base, seed, who, start
        self.answers: list[tuple[str, int, str]] = []
        self.acknowledged: list[str] = []

    def _keep(self, what: str, answer: httpx.Response | Exception, ok: int) -> bool:
        if isinstance(answer, Exception):
            self.answers.append((what, 0, repr(answer)))
            return False
        self.answers.append((what, answer.status_code, answer.text[-300:]))
        return answer.status_code == ok

    def _call(self, client: httpx.Client, method: str, path: str, **kwargs):
        try:
            return client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            return exc

    def run(self) -> None:
        agreement = f"/agreements/{self.seed['agreement']}"
        with httpx.Client(base_url=self.base, timeout=120) as client:
            page = self._call(client, "GET", "/account/login/")
            if not self._keep("login page", page, 200):
                return
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            self.start_together.wait()
            signed_in = self._call(
                client,
                "POST",
                "/account/login/",
                data={
                    "login": self.who["name"],
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token,
                },
            )
            if not self._keep("sign in", signed_in, 302):
                return
            for n in range(ROUNDS):
                self.start_together.wait()
                text = f"{self.who['name']} round {n}"
                headers = {"X-CSRFToken": client.cookies.get("csrftoken", "")}
                if self.who["team"]:
                    data = {
                        "occurred_on": "2025-06-02",
                        "kind": "call",
                        "parties": self.seed["parties"],
                        "summary": text,
                        "tone": "0",
                        "confidentiality": "internal",
                        "language": "en",
                        "follow_up-TOTAL_FORMS": "0",
                        "follow_up-INITIAL_FORMS": "0",
                    }
                    path = f"{agreement}/interactions/log/"
                else:
                    data = {"text": text}
                    path = f"{agreement}/commitments/{self.who['commitment']}/comments/"
                answer = self._call(client, "POST", path, data=data, headers=headers)
                if self._keep("write", answer, 302):
                    self.acknowledged.append(text)
                for page_path in ("/inbox/", f"{agreement}/", f"{agreement}/commitments/"):
                    self._keep(page_path, self._call(client, "GET", page_path), 200)


def test_twenty_people_at_once_on_sqlite_get_no_error_and_lose_no_write(tmp_path):
    env = alliance_env(tmp_path, ALLIANCE_TODAY="2025-07-09")
    migrated_sqlite(env)
    seed = shell_json(env, SEED % {"password": PASSWORD, "half": USERS // 2})
    log = tmp_path / "processes.log"
    worker = start_worker(env, log)
    try:
        with served(env, log) as base:
            # The worker is busy while the people work: a large import checked, recomputes.
            shell_json(env, BUSY_WORKER % {"agreement": seed["agreement"]})
            together = threading.Barrier(USERS, timeout=600)
            people = [Person(base, seed, who, together) for who in seed["users"]]
            started = time.monotonic()
            for person in people:
                person.start()
            for person in people:
                person.join(900)
            took = time.monotonic() - started
    finally:
        stop(worker)

    answers = [a for person in people for a in person.answers]
    kinds = [(what if what in ("sign in", "write") else "page", s) for what, s, _ in answers]
    statuses = Counter(kinds)
    print(f"{len(answers)} answers in {took:.1f} s: {dict(statuses)}")
    failed = [a for a in answers if a[1] not in (200, 302)]
    assert not failed, failed[:5]
    assert not [p for p in people if p.is_alive()], "someone was still waiting"
    # Everyone signed in, every round's write was acknowledged and is in the database.
    acknowledged = {text for person in people for text in person.acknowledged}
    assert len(acknowledged) == USERS * ROUNDS, statuses
    assert acknowledged <= set(shell_json(env, WRITTEN))
    assert "database is locked" not in log.read_text()
    assert not json.dumps(answers).count("Traceback")
