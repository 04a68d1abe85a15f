"""How long insight snapshots are kept, and which earlier ones the calibration reads.

The daily job stores one snapshot per kind (7) per agreement per day, about 19 kB each: kept
for ever that is ~485 GB a year at 10,000 agreements, and the calibration, which reads the
earlier snapshots of an agreement at every recompute, would read more every day. So:

- **kept**: every snapshot of the last ``INSIGHT_SNAPSHOTS_DAILY_DAYS`` days (90), and before
  that only the last snapshot of each month (per agreement and kind) — the newest snapshot of
  an agreement and kind is always the last of its month, so it is never removed.
  :func:`snapshots_prune` removes the others; the daily job runs it after the recompute.
- **read by the calibration** (:func:`calibration_snapshots`): the same rule, bounded: the
  daily ones of the window and the month ends of the ``INSIGHT_SNAPSHOTS_MONTHS_READ`` (24)
  months before it, whether the older rows were pruned yet or not. At most about 90 + 24
  snapshots per agreement and kind, however long the history; within the window, exactly the
  snapshots it read before.

Snapshots are figures derived from the audited data (recomputable from it), written by the
system without an audit event each; their removal follows the same rule as the other system
jobs' bookkeeping deletes (leases, source identifiers): the system actor, checked by the one
access policy, rows removed in batches of ``INSIGHT_SNAPSHOTS_PRUNE_BATCH``, each batch in a
short transaction of its own (on SQLite the write lock is held for one batch, not the job).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from alliance.analytics.models import InsightSnapshot
from alliance.core import clock
from alliance.core.services import require_change


def daily_days() -> int:
    return int(getattr(settings, "INSIGHT_SNAPSHOTS_DAILY_DAYS", 90))


def months_read() -> int:
    return int(getattr(settings, "INSIGHT_SNAPSHOTS_MONTHS_READ", 24))


def window_start(as_of: date) -> date:
    """The first day whose every snapshot is kept on ``as_of``."""
    return as_of - timedelta(days=daily_days())


def _month_after(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _months_before(day: date, months: int) -> date:
    """The first day of the month ``months`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def month_ends(rows: Iterable[tuple[Any, int, date]]) -> set[int]:
    """Of ``(group, pk, as_of)`` rows, the pks of the last row of each group and month."""
    last: dict[tuple[Any, int, int], tuple[date, int]] = {}
    for group, pk, made in rows:
        key = (group, made.year, made.month)
        if key not in last or made > last[key][0]:
            last[key] = (made, pk)
    return {pk for _made, pk in last.values()}


def calibration_snapshots(
    agreement_ids: list[int], kinds: list[str], as_of: date
) -> QuerySet[InsightSnapshot]:
    """The snapshots of ``kinds`` dated before ``as_of`` that the calibration reads: every
    one of the window, the month ends of the months before it (module docstring)."""
    start = window_start(as_of)
    earlier = InsightSnapshot.objects.filter(
        agreement__in=agreement_ids, kind__in=kinds, as_of__lt=as_of
    )
    # The month of the window's start counts its days in the window to find its last one.
    dated = earlier.filter(
        as_of__gte=_months_before(start, months_read()), as_of__lt=_month_after(start)
    ).values_list("agreement_id", "kind", "pk", "as_of")
    ends = month_ends(((pk, kind), row, made) for pk, kind, row, made in dated)
    return earlier.filter(Q(as_of__gte=start) | Q(pk__in=sorted(ends)))


@dataclass
class Pruned:
    deleted: int = 0
    batches: int = 0


def _removable(agreement_ids: list[int], as_of: date) -> list[int]:
    """The pks of the snapshots of these agreements that the rule no longer keeps."""
    start = window_start(as_of)
    rows = InsightSnapshot.objects.filter(
        agreement__in=agreement_ids, as_of__lt=_month_after(start)
    ).values_list("agreement_id", "kind", "pk", "as_of")
    rows = list(rows)
    keep = month_ends(((pk, kind), row, made) for pk, kind, row, made in rows)
    return [row for _pk, _kind, row, made in rows if made < start and row not in keep]


def snapshots_prune(
    *, actor: Any, as_of: date | None = None, batch: int | None = None, agreements: int = 50
) -> Pruned:
    """Remove the snapshots the rule no longer keeps (module docstring): ``agreements`` at a
    time read, ``batch`` rows deleted per short transaction. The newest snapshot of every
    agreement and kind stays. ``actor``: the system (``services.system_actor``), checked by
    the access policy for every agreement it prunes."""
    as_of = as_of or clock.today()
    batch = batch or int(getattr(settings, "INSIGHT_SNAPSHOTS_PRUNE_BATCH", 1000))
    done = Pruned()
    # Only agreements with a snapshot old enough to be pruned are looked at.
    # (Read whole before deleting: no cursor stays open on the table the batches delete from.)
    ids = list(
        InsightSnapshot.objects.filter(as_of__lt=window_start(as_of))
        .values_list("agreement_id", flat=True)
        .distinct()
        .order_by("agreement_id")
    )
    for chunk in itertools.batched(ids, agreements):
        for agreement_id in chunk:
            require_change(actor, InsightSnapshot(agreement_id=agreement_id))
        removable = _removable(list(chunk), as_of)
        for rows in itertools.batched(removable, batch):
            with transaction.atomic():
                done.deleted += InsightSnapshot.objects.filter(pk__in=rows).delete()[0]
            done.batches += 1
    return done
