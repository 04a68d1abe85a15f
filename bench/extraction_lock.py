"""How long the extraction holds SQLite's write lock: `python bench/extraction_lock.py`.

On a fresh SQLite file (a temporary ``ALLIANCE_VAR_DIR``, WAL, IMMEDIATE transactions, as
the embedded default runs), an agreement with two parties reads real agreement texts from
``/work/shared/data/agreements`` (``--data``) through ``agreement_text_read`` — the upload
the review page makes — while a probe on a connection of its own tries ``BEGIN IMMEDIATE``
every 10 ms: the longest it waited is how long another writer (a quick log, a login saving
its session) would have waited. Two ways in the same run on the same texts:

- **one transaction (before)**: the service called inside ``transaction.atomic()``, which
  is what its ``@transaction.atomic`` did: the reading and the writes in one transaction;
- **read outside (now)**: the service as it is: read and extracted in autocommit, the run
  and its candidates written in one short transaction.

Wall and CPU (this thread's) of each reading beside the probe's longest wait.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

DATA = Path("/work/shared/data/agreements")
TEXTS = [
    "cuad/ADAPTIMMUNETHERAPEUTICSPLC_04_06_2017-EX-10.11-STRATEGIC_ALLIANCE_AGREEMENT.txt",
    "cuad/IMPCOTECHNOLOGIESINC_04_15_2003-EX-10.65-JOINT_VENTURE_AGREEMENT.txt",
    "treaties/CHE-FRA_DFF_1991A.txt",
]


class Probe(threading.Thread):
    """Tries to take the write lock every 10 ms; keeps the longest wait."""

    def __init__(self, database: str) -> None:
        super().__init__(daemon=True)
        self.database = database
        self.longest = 0.0
        self.tries = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        db = sqlite3.connect(self.database, timeout=120, isolation_level=None)
        while not self.stopping.wait(0.01):
            started = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            self.longest = max(self.longest, time.perf_counter() - started)
            db.execute("COMMIT")
            self.tries += 1
        db.close()


def _setup() -> str:
    os.environ["ALLIANCE_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-extraction-lock-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SECRET_KEY", "bench-extraction-lock-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.settings_dict["NAME"]


def _world():
    from datetime import date

    from django.contrib.auth import get_user_model

    from alliance.partnerships import services as ps

    admin = get_user_model().objects.create_superuser("bench-admin", "", "x")
    x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="SN")
    y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
    agreement = ps.agreement_create(
        actor=admin, title="Bench", kind="bilateral", signed_on=date(2025, 1, 15),
        host_country="SN",
    )  # fmt: skip
    ps.participation_add(actor=admin, agreement=agreement, party=x, role="signatory")
    ps.participation_add(actor=admin, agreement=agreement, party=y, role="lender")
    return admin, agreement


def _read(database: str, admin, agreement, path: Path, *, one_transaction: bool):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from alliance.extraction.services import agreement_text_read

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    probe = Probe(database)
    probe.start()
    time.sleep(0.05)
    wall, cpu = time.perf_counter(), time.thread_time()
    if one_transaction:
        with transaction.atomic():
            run = agreement_text_read(actor=admin, agreement=agreement, upload=upload, title="t")
    else:
        run = agreement_text_read(actor=admin, agreement=agreement, upload=upload, title="t")
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    time.sleep(0.05)
    probe.stopping.set()
    probe.join()
    return wall, cpu, probe.longest, probe.tries, run.candidates.count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    database = _setup()
    admin, agreement = _world()
    print(f"SQLite {sqlite3.sqlite_version}, {database}")
    head = (
        f"{'text':44} {'kB':>5} {'cands':>5} {'way':22} {'wall s':>7} {'CPU s':>6} "
        f"{'max lock wait ms':>16} {'ratio':>6}"
    )
    print(head)
    print("-" * len(head))
    for name in TEXTS:
        path = args.data / name
        if not path.exists():
            print(f"{name}: missing, skipped")
            continue
        before = None
        for label, one in (("one transaction (before)", True), ("read outside (now)", False)):
            wall, cpu, longest, _tries, found = _read(
                database, admin, agreement, path, one_transaction=one
            )
            before = longest if before is None else before
            print(
                f"{path.name[:44]:44} {path.stat().st_size / 1000:5.0f} {found:5d} {label:22} "
                f"{wall:7.2f} {cpu:6.2f} {longest * 1000:16.1f} {longest / before:6.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
