"""Trust's meeting timelines, compiled (numba): who met whom in one loop over the interactions.

Expanding every interaction's participants into pairs, orienting each pair from the lower
party index and finding its participant pair took a dozen numpy passes over millions of rows
(``ordered_pairs_within``, two ``np.where``, two ``np.searchsorted``); here one loop per
interaction emits, for each two of its participants that are a participant pair of the
agreement, the participant row, the pair and its opposite direction, in the order those passes
gave. Only the portfolio path calls it (a large frame, see ``TrustPreparation.build``): the
per-agreement path keeps the numpy passes and never imports numba. Compiled code is cached
where the schedule's is (:mod:`alliance.insights.schedule_compiled`).
"""

from __future__ import annotations

import numba
import numpy as np

from alliance.insights.schedule_compiled import CACHE


@numba.njit(nogil=True, cache=CACHE)
def _find(keys, lo, hi, key):
    """Position of ``key`` in the sorted ``keys[lo:hi]`` (one agreement's pairs), or -1."""
    while lo < hi:
        mid = (lo + hi) // 2
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(keys) and keys[lo] == key:
        return lo
    return -1


@numba.njit(nogil=True, cache=CACHE)
def meeting_pairs(order, group, party, ag, keys, ag_start, n_parties):
    """``(row, pair, back)`` of every two participants of an interaction.

    ``order`` lists the participant rows grouped by interaction (``group[order]`` ascending);
    rows ``i`` before ``j`` of a group give ``(i, j)``, swapped when ``party[i] > party[j]``,
    kept when ``(ag[i], party[i], party[j])`` is a pair key (``keys``, sorted, as
    ``_Pairs.keys``); ``back`` is the position of ``(ag, party[j], party[i])`` or -1. The pairs
    of agreement ``g`` are ``keys[ag_start[g]:ag_start[g + 1]]``: each search stays in them.
    """
    n = len(order)
    total = 0
    start = 0
    while start < n:
        end = start + 1
        while end < n and group[order[end]] == group[order[start]]:
            end += 1
        m = end - start
        total += m * (m - 1) // 2
        start = end
    rows = np.empty(total, np.int64)
    pair = np.empty(total, np.int64)
    back = np.empty(total, np.int64)
    k = 0
    start = 0
    while start < n:
        end = start + 1
        while end < n and group[order[end]] == group[order[start]]:
            end += 1
        for p in range(start, end):
            for q in range(p + 1, end):
                i, j = order[p], order[q]
                if party[i] > party[j]:
                    i, j = j, i
                a, b = party[i], party[j]
                if a < 0 or b < 0:
                    continue
                g = ag[i]
                lo, hi = ag_start[g], ag_start[g + 1]
                pos = _find(keys, lo, hi, (g * n_parties + a) * n_parties + b)
                if pos < 0:
                    continue
                rows[k] = i
                pair[k] = pos
                back[k] = _find(keys, lo, hi, (g * n_parties + b) * n_parties + a)
                k += 1
        start = end
    return rows[:k], pair[:k], back[:k]


@numba.njit(nogil=True, cache=CACHE)
def timeline_order(pair, key, n_pairs):
    """The stable order of the rows by (``pair``, ``key``): a counting sort by pair, then each
    pair's few rows by ``key`` (insertion, or a stable merge sort for a long timeline).

    The same permutation as ``np.argsort(pair * span + key, kind="stable")``, with one pass
    over the rows instead of a sort of all of them."""
    n = len(pair)
    start = np.zeros(n_pairs + 1, np.int64)
    for k in range(n):
        start[pair[k] + 1] += 1
    for p in range(n_pairs):
        start[p + 1] += start[p]
    fill = start[:-1].copy()
    order = np.empty(n, np.int64)
    for k in range(n):
        p = pair[k]
        order[fill[p]] = k
        fill[p] += 1
    for p in range(n_pairs):
        lo, hi = start[p], start[p + 1]
        if hi - lo > 32:
            segment = order[lo:hi].copy()
            order[lo:hi] = segment[np.argsort(key[segment], kind="mergesort")]
            continue
        for x in range(lo + 1, hi):
            k = order[x]
            value = key[k]
            y = x - 1
            while y >= lo and key[order[y]] > value:
                order[y + 1] = order[y]
                y -= 1
            order[y + 1] = k
    return order


@numba.njit(nogil=True, cache=CACHE)
def event_masses(component, score, w, kappa, breach_floor):
    """Each event's confirming and violating mass, as ``trust_portfolio._masses`` computes them
    with numpy (the same operations in the same order, so the same floats), in one pass and two
    arrays instead of a dozen temporaries. ``kappa`` is the violation weight per component."""
    n = len(score)
    confirm = np.empty(n)
    violate = np.empty(n)
    for k in range(n):
        c = component[k]
        s = score[k]
        weight = w[k]
        kap = kappa[c]
        behaviour = c == 0 or c == 1
        full = s >= 1.0 - 1e-12
        if behaviour:
            confirm[k] = weight if full else 0.0
        else:
            confirm[k] = weight * s
        floor = min(breach_floor, kap) if behaviour and not full else 0.0
        violate[k] = weight * (floor + (kap - floor) * (1.0 - s))
    return confirm, violate


@numba.njit(nogil=True, cache=CACHE)
def accumulate(slot, w, confirm, violate, materiality, score, sums):
    """Add each event to its slot's sums, in the events' order: ``sums`` rows are the
    weights, confirming masses, violating masses, plain weights (``w / materiality``) and
    plain scores (that times ``score``). ``np.bincount`` adds each weight to its bin in the
    same order, so sums over several parts accumulated here, one after the other, are the
    floats ``np.bincount`` gives over the parts concatenated."""
    for k in range(len(slot)):
        j = slot[k]
        sums[0, j] += w[k]
        sums[1, j] += confirm[k]
        sums[2, j] += violate[k]
        recency = w[k] / materiality[k]
        sums[3, j] += recency
        sums[4, j] += recency * score[k]
