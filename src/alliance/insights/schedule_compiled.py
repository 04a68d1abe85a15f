"""The schedule Monte Carlo's forward pass, compiled (numba): one loop over the tasks in
level order, each over the chunk's iterations.

Per task: the latest of its earliest start and its predecessors' ready days, the driving
flags of its edges (packed eight iterations a byte, as ``np.packbits``), its extra working
days (given, or looked up from the chunk's raw random words through its quantile table, the
copula and the risks that occurred), the two calendar lookups, and its finish stored as an
offset. The same integer arithmetic as the numpy pass it replaced, so the same days
(``test_schedule_fixed_seed.py`` pins them); the loop runs without the GIL, so the chunks'
threads use every core.

Compiled code is kept on disk (numba's cache): beside this file when its ``__pycache__`` is
writable, else in ``$ALLIANCE_VAR_DIR/numba`` (the settings' default ``./var``), else in the
temporary directory, unless ``NUMBA_CACHE_DIR`` says where. Each combination of array types
(two-byte days or four, one-byte durations or two) compiles once per cache.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def _writable(folder: Path) -> bool:
    """Whether ``folder`` exists or can be made, and takes a file (numba's own test)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
    except OSError:
        return False
    return True


def cache_location(package: Path, environ: Mapping[str, str]) -> str | None:
    """Where numba should keep the compiled code: None to leave it to numba (``NUMBA_CACHE_DIR``
    is set, or the package's ``__pycache__`` is writable), else the first writable of
    ``$ALLIANCE_VAR_DIR/numba`` and ``$TMPDIR/alliance-numba-UID``; "" when none is (nothing is
    cached then: every process compiles)."""
    if environ.get("NUMBA_CACHE_DIR") or _writable(package / "__pycache__"):
        return None
    var = Path(environ.get("ALLIANCE_VAR_DIR") or Path.cwd() / "var")
    temporary = Path(environ.get("TMPDIR") or tempfile.gettempdir())
    for folder in (var / "numba", temporary / f"alliance-numba-{os.getuid()}"):
        if _writable(folder):
            return str(folder)
    return ""


_LOCATION = cache_location(Path(__file__).parent, os.environ)
if _LOCATION:
    # Read by numba when it is imported (and again by reload_config if it already was).
    os.environ["NUMBA_CACHE_DIR"] = _LOCATION

import numba  # noqa: E402  (after NUMBA_CACHE_DIR is set)
import numpy as np  # noqa: E402

numba.config.reload_config()

CACHE = _LOCATION != ""  # whether compiled code is kept on disk (the ``cache=`` of each kernel)


@numba.njit(nogil=True, cache=CACHE)
def forward_pass(
    lo,
    hi,
    pred_ptr,
    pred_pos,
    pred_edge,
    floor,
    earliest,
    rank_base,
    as_of,
    region_end,
    rank_flat,
    ready_flat,
    clip,
    span,
    tie,
    extra,
    column,
    lanes,
    lane_shift,
    bins,
    copula,
    table,
    table_base,
    party_of,
    risk_ptr,
    risk_ids,
    added,
    ready,
    drives,
    finish,
    store_offset,
):
    """Fill ``ready[lo:hi]`` (positions in level order) for every iteration (the columns).

    Row ``r = p - lo`` of the per-row arrays belongs to position ``p``: its predecessors
    ``pred_pos[pred_ptr[r]:pred_ptr[r + 1]]`` (edge ids ``pred_edge``, the same slice),
    whether the "not before as_of" floor binds (``floor``). ``earliest``, ``rank_base``,
    ``as_of``, ``region_end`` and ``party_of`` are by position. With ``lanes`` (rows x n),
    the extra days are drawn (quantile ``lanes >> lane_shift``, re-drawn through ``copula``
    given the party's ``bins`` when there are bins, plus ``added[risk]`` for each risk
    ``risk_ids[risk_ptr[r]:risk_ptr[r + 1]]``) and written to ``extra``; without, they are
    read from ``extra``. ``drives`` (edges x bytes, when it has rows) gets each edge's flags,
    ``finish`` (when it has rows) each ready day less ``store_offset``.
    """
    n = ready.shape[1]
    draw = lanes.shape[0] > 0
    correlated = bins.shape[0] > 0
    flags = drives.shape[0] > 0
    store = finish.shape[0] > 0
    # Scratch rows: the start, the extra days, and one byte a flag (eight bytes to a word).
    begin = np.empty(n, dtype=np.int32)
    days = np.empty(n, dtype=np.int32)
    bytes_ = (n + 7) // 8
    hit = np.zeros(8 * bytes_, dtype=np.uint8)
    hits = hit.view(np.uint64)
    at = np.uint64(column)
    for p in range(lo, hi):
        r = p - lo
        # The latest of the earliest start and the predecessors' ready days.
        first = earliest[p]
        for i in range(n):
            begin[i] = first
        for j in range(pred_ptr[r], pred_ptr[r + 1]):
            q = pred_pos[j]
            for i in range(n):
                begin[i] = max(begin[i], ready[q, i])
        if flags:
            for j in range(pred_ptr[r], pred_ptr[r + 1]):
                q, e = pred_pos[j], pred_edge[j]
                for i in range(n):
                    hit[i] = ready[q, i] + tie >= begin[i]
                # Eight one-byte flags to the bits of one byte, the first the highest (as
                # np.packbits): the multiplier moves byte k's bit to bit 63 - k, no carries.
                for w in range(bytes_):
                    drives[e, w] = (hits[w] * np.uint64(0x8040201008040201)) >> np.uint64(56)
        # The extra working days after the first.
        if draw:
            base = np.uint64(table_base[r])
            if correlated:
                party = party_of[p]
                for i in range(n):
                    drawn = np.uint64(lanes[r, i]) >> np.uint64(lane_shift)
                    days[i] = table[base + np.uint64(copula[np.uint64(bins[party, i]) + drawn])]
            else:
                for i in range(n):
                    days[i] = table[base + (np.uint64(lanes[r, i]) >> np.uint64(lane_shift))]
            for j in range(risk_ptr[r], risk_ptr[r + 1]):
                risk = risk_ids[j]
                for i in range(n):
                    days[i] += added[risk, i]
            for i in range(n):
                extra[p, at + np.uint64(i)] = days[i]
        else:
            for i in range(n):
                days[i] = extra[p, at + np.uint64(i)]
        # The start's working-day index, plus the days, back to a calendar day. Indices are
        # unsigned (no negative-index check) and kept inside the task's own region of the
        # tables: in range by construction, but a day past the span (an overflow, which the
        # bounds double the span for) reads the padding instead of another region.
        offset = np.uint64(rank_base[p])
        low, high = np.uint64(as_of[p]), np.uint64(region_end[p])
        if clip or floor[r]:
            for i in range(n):
                start = np.uint64(min(begin[i], span)) + offset
                flat = np.uint64(rank_flat[start]) + np.uint64(days[i])
                ready[p, i] = ready_flat[min(max(flat, low), high)]
        else:
            for i in range(n):
                start = np.uint64(min(begin[i], span)) + offset
                flat = np.uint64(rank_flat[start]) + np.uint64(days[i])
                ready[p, i] = ready_flat[min(flat, high)]
        if store:
            stored = store_offset[p]
            for i in range(n):
                finish[p, at + np.uint64(i)] = ready[p, i] - stored


@numba.njit(nogil=True, cache=CACHE)
def trace_back(lo, hi, pred_ptr, pred_pos, pred_edge, critical, drives):
    """Critical flags (tasks x 64-bit words) traced back from the ends of the paths: each task,
    last first, passes its flags to every predecessor whose edge drove its start in the same
    iterations (``drives``, edges x words). A task's successors all come after it, so its flags
    are complete before it passes them on."""
    words = critical.shape[1]
    for p in range(hi - 1, lo - 1, -1):
        r = p - lo
        for j in range(pred_ptr[r], pred_ptr[r + 1]):
            q, e = pred_pos[j], pred_edge[j]
            for w in range(words):
                critical[q, w] |= critical[p, w] & drives[e, w]


@numba.njit(nogil=True, cache=CACHE)
def centred_ranks(values, low, high, lo, hi, ranks, variance):
    """Twice each value's centred mid-rank in its row, for rows lo..hi: ``ranks[r, i]`` is
    ``2 (rank - (n + 1) / 2)`` with tied values sharing their mean rank (scipy's "average"),
    an integer; ``variance[r]`` the sum of the squares of those. The values of row r lie in
    ``[low[r], high[r]]`` and are counted, not sorted."""
    n = values.shape[1]
    counts = np.zeros(int(np.max(high - low)) + 1 if len(low) else 1, dtype=np.int64)
    for r in range(lo, hi):
        width = high[r] - low[r] + 1
        counts[:width] = 0
        for i in range(n):
            counts[values[r, i] - low[r]] += 1
        below, total = 0, 0
        for v in range(width):
            c = counts[v]
            counts[v] = 2 * below + c - n  # now twice the centred mid-rank of value v
            total += c * counts[v] * counts[v]
            below += c
        for i in range(n):
            ranks[r, i] = counts[values[r, i] - low[r]]
        variance[r] = total


@numba.njit(nogil=True, cache=CACHE)
def rank_products(values, low, high, lo, hi, targets, numerator, variance):
    """Spearman's sums by counting, in integers: for rows lo..hi of ``values`` (each row's
    values in ``[low[r], high[r]]``), ``numerator[r, k]`` is the sum over the iterations of
    twice the value's centred mid-rank times ``targets[i, k]`` (twice a target's centred
    rank), and ``variance[r]`` the sum of the squares of the former. Iterations of one value
    share its rank, so the targets are summed per value first (``acc``) and each sum taken
    once by its rank: exact, as every operand is an integer."""
    n, kinds = targets.shape
    width_max = int(np.max(high - low)) + 1 if len(low) else 1
    counts = np.zeros(width_max, dtype=np.int64)
    acc = np.zeros((width_max, kinds), dtype=targets.dtype)
    for r in range(lo, hi):
        width = high[r] - low[r] + 1
        counts[:width] = 0
        acc[:width, :] = 0
        for i in range(n):
            v = values[r, i] - low[r]
            counts[v] += 1
            for k in range(kinds):
                acc[v, k] += targets[i, k]
        below, total = 0, 0
        for k in range(kinds):
            numerator[r, k] = 0
        for v in range(width):
            c = counts[v]
            mid = 2 * below + c - n
            total += c * mid * mid
            below += c
            if c:
                for k in range(kinds):
                    numerator[r, k] += mid * np.int64(acc[v, k])
        variance[r] = total


@numba.njit(nogil=True, cache=CACHE)
def row_quantiles(values, low, high, lo, hi, need, due, result, counted):
    """Lower quantiles of integer rows by counting, rows lo..hi: ``result[r, j]`` is the
    smallest value v with at least ``need[j]`` of the row's values at most v (the "inverted
    CDF" definition), ``counted[r]`` how many values are at most ``due[r]``. Each row's
    values lie in ``[low[r], high[r]]``; with ``low`` empty, each row's own minimum and
    maximum are used."""
    n = values.shape[1]
    own = len(low) == 0
    width_max = 1
    if not own:
        width_max = int(np.max(high[lo:hi] - low[lo:hi])) + 1 if hi > lo else 1
    counts = np.zeros(width_max, dtype=np.int64)
    for r in range(lo, hi):
        if own:
            first, last = values[r, 0], values[r, 0]
            for i in range(n):
                first = min(first, values[r, i])
                last = max(last, values[r, i])
            base, width = np.int64(first), np.int64(last) - np.int64(first) + 1
            if width > len(counts):
                counts = np.zeros(width, dtype=np.int64)
        else:
            base, width = np.int64(low[r]), np.int64(high[r]) - np.int64(low[r]) + 1
        counts[:width] = 0
        for i in range(n):
            counts[np.int64(values[r, i]) - base] += 1
        for v in range(1, width):
            counts[v] += counts[v - 1]  # now how many values are at most base + v
        for j in range(len(need)):
            v = 0
            while counts[v] < need[j]:
                v += 1
            result[r, j] = base + v
        if len(due):
            limit = np.int64(due[r]) - base
            counted[r] = 0 if limit < 0 else counts[min(limit, width - 1)]


@numba.njit(nogil=True, cache=CACHE)
def subset_depths(topological, pred_ptr, pred_task, inside, depth):
    """Each task's level among the ``inside`` ones: 0 without a predecessor inside, else one
    more than its deepest predecessor inside (``pred_task[pred_ptr[t]:pred_ptr[t + 1]]``),
    the tasks taken in a topological order."""
    for t in topological:
        if inside[t]:
            level = 0
            for j in range(pred_ptr[t], pred_ptr[t + 1]):
                q = pred_task[j]
                if inside[q] and depth[q] + 1 > level:
                    level = depth[q] + 1
            depth[t] = level


@numba.njit(nogil=True, cache=CACHE)
def topological_order(waiting, succ_ptr, succ_task):
    """Kahn's algorithm: the tasks (``waiting[t]`` predecessors each, successors
    ``succ_task[succ_ptr[t]:succ_ptr[t + 1]]``) in an order where each comes after its
    predecessors; shorter than the tasks when a cycle leaves some waiting."""
    waiting = waiting.copy()
    total = len(waiting)
    order = np.empty(total, dtype=np.int64)
    tail = 0
    for t in range(total):
        if waiting[t] == 0:
            order[tail] = t
            tail += 1
    head = 0
    while head < tail:
        t = order[head]
        head += 1
        for j in range(succ_ptr[t], succ_ptr[t + 1]):
            s = succ_task[j]
            waiting[s] -= 1
            if waiting[s] == 0:
                order[tail] = s
                tail += 1
    return order[:tail]


@numba.njit(nogil=True, cache=CACHE)
def replay_pass(
    lo,
    hi,
    pred_ptr,
    pred_pos,
    floor,
    earliest,
    rank_base,
    as_of,
    region_end,
    rank_flat,
    ready_flat,
    span,
    extra,
    base,
    ready,
    changed,
):
    """The forward pass again over rows lo..hi of a run (``base``: its ready days, ``extra``:
    its extra days) after some rows of ``ready`` (otherwise equal to ``base``) were changed,
    ``changed[p]`` saying which. A row none of whose predecessors changed keeps its days,
    unread; any other is computed as :func:`forward_pass` computes it (no draws, no clip) and
    marked changed where its days differ from the run's."""
    n = ready.shape[1]
    begin = np.empty(n, dtype=np.int32)
    for p in range(lo, hi):
        r = p - lo
        moved = False
        for j in range(pred_ptr[r], pred_ptr[r + 1]):
            if changed[pred_pos[j]]:
                moved = True
                break
        if not moved:
            continue
        first = earliest[p]
        for i in range(n):
            begin[i] = first
        for j in range(pred_ptr[r], pred_ptr[r + 1]):
            q = pred_pos[j]
            for i in range(n):
                begin[i] = max(begin[i], ready[q, i])
        offset = np.uint64(rank_base[p])
        low, high = np.uint64(as_of[p]), np.uint64(region_end[p])
        differs = False
        for i in range(n):
            start = np.uint64(min(begin[i], span)) + offset
            flat = np.uint64(rank_flat[start]) + np.uint64(np.int32(extra[p, i]))
            if floor[r]:
                flat = max(flat, low)
            ready[p, i] = ready_flat[min(flat, high)]
            if ready[p, i] != base[p, i]:
                differs = True
        changed[p] = differs
