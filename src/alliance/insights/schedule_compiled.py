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


@numba.njit(nogil=True, cache=_LOCATION != "")
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


@numba.njit(nogil=True, cache=_LOCATION != "")
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
