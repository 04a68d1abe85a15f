"""The faster recompute stores what the reference path stores: same snapshots, same warning
rows, same audit trail, same stage, on generated agreements over several dates (the
warnings raised on the first, refreshed with the date on the next, some resolved later)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import transaction

from alliance.accounts.models import AuditEvent
from alliance.analytics.models import InsightSnapshot, StageChange
from alliance.analytics.services import (
    insights_recompute_portfolio,
    insights_refresh,
    system_actor,
)
from alliance.core.encryption import is_sealed, unseal
from alliance.partnerships.models import Agreement
from alliance.risks.models import EarlyWarning
from alliance.scenarios import generator

pytestmark = pytest.mark.django_db

AS_OF = generator.DEFAULT_AS_OF
# The last date is an earlier one computed again: its snapshots replaced in place, and no
# warning or stage written (a later date exists).
DAYS = [AS_OF - timedelta(days=60), AS_OF - timedelta(days=59), AS_OF, AS_OF - timedelta(days=59)]


UNSTABLE = {"history": None, "warnings": None, "stage": None}
TIMES = {"created_at", "updated_at"}


class _Done(Exception):
    def __init__(self, stored: str) -> None:
        self.stored = stored


def _plain(value: object) -> object:
    """An encrypted value as its text (two encryptions of one text differ)."""
    return unseal(value) if is_sealed(value) else value


def _everything_written() -> str:
    """Everything a recompute writes, without what differs between two runs by nature (row
    ids, times, durations, generated UUIDs: a warning is named by its key, a stage change by
    what it says; the digests of rows by their times, ids and UUIDs)."""
    keys = {str(u): f"warning:{k}" for u, k in EarlyWarning.objects.values_list("uuid", "key")}
    for uuid, *what in StageChange.objects.values_list(
        "uuid", "agreement__uuid", "to_stage", "first_seen_on"
    ):
        keys[str(uuid)] = "stage-change:" + ":".join(map(str, what))
    snapshots = sorted(
        (str(agreement), kind, str(as_of), data, {**fingerprint, **UNSTABLE})
        for agreement, kind, as_of, data, fingerprint in InsightSnapshot.objects.values_list(
            "agreement__uuid", "kind", "as_of", "data", "fingerprint"
        )
    )
    warnings = sorted(
        EarlyWarning.objects.values_list(
            "agreement__uuid", "key", "rule", "status", "severity", "title", "explanation",
            "message", "evidence", "owner_id", "commitment_id", "raised_on", "confidentiality",
        ),
        key=repr,
    )  # fmt: skip
    audit = sorted(
        (
            (
                e.object_type,
                e.object_id,
                _plain(e.object_repr),
                e.action,
                {k: _plain(v) for k, v in e.before.items() if k not in TIMES},
                {k: _plain(v) for k, v in e.after.items() if k not in TIMES},
                e.actor_id,
            )
            for e in AuditEvent.objects.all()
        ),
        key=lambda event: json.dumps(event, sort_keys=True, default=str),
    )
    stages = sorted(Agreement.objects.values_list("uuid", "stage"), key=repr)
    changes = sorted(
        StageChange.objects.values_list(
            "agreement__uuid", "from_stage", "to_stage", "status", "cause", "reason",
            "first_seen_on", "last_seen_on",
        ),
        key=repr,
    )  # fmt: skip
    text = json.dumps([snapshots, warnings, audit, stages, changes], default=str, sort_keys=True)
    for uuid, key in keys.items():
        text = text.replace(uuid, key)
    return text


def _rows(text: str) -> list[list[str]]:
    """Each table's rows in one order (UUIDs replaced by names after they were sorted)."""
    return [sorted(json.dumps(row, sort_keys=True) for row in rows) for rows in json.loads(text)]


def _run(path: str) -> str:
    """Recompute every agreement on each date by ``path`` (``reference``, ``fast``: one by
    one; ``portfolio``: all together, in chunks of two written one at a time, so that chunk
    and transaction boundaries are crossed),
    read what was written, then roll it back."""
    try:
        with transaction.atomic():
            for day in DAYS:
                if path == "portfolio":
                    report = insights_recompute_portfolio(
                        as_of=day,
                        agreements=Agreement.objects.order_by("pk"),
                        chunk=2,
                        write_chunk=1,
                    )
                    assert (report.agreements, report.fallbacks, report.failed) == (3, 0, {})
                    continue
                for agreement in Agreement.objects.order_by("pk"):
                    insights_refresh(
                        actor=None,
                        agreement=agreement,
                        as_of=day,
                        incremental=False,
                        reference=path == "reference",
                    )
            raise _Done(_everything_written())
    except _Done as done:
        return done.stored


def test_the_fast_paths_write_exactly_what_the_reference_path_writes():
    generator.generate(agreements=3, seed=11)
    system_actor()  # created once, outside the rolled-back runs (the same id in both)
    reference = _run("reference")
    assert _rows(_run("fast")) == _rows(reference)
    assert _rows(_run("portfolio")) == _rows(reference)
    # The comparison has something to compare: warnings raised and refreshed, audited.
    assert '"warning:' in reference and '"update"' in reference
