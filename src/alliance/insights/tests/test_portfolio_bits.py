"""The insights engine's figures, to the bit, on a small version of the bench portfolio.

Making the engine faster must not move one bit of what it says: this digest covers every
array of the portfolio trust (now, with intervals, and 90 days ago), alignment and warnings,
every warning key, and one agreement's trust (with its trend), alignment and warnings as
objects, with the compiled and threaded paths a large portfolio takes. It was computed by the
engine before the speed work of issue 11 (commit b0686f6) and is the same after it.

A change that is meant to change the figures (a model or parameter change) changes the
digest: check the new figures are the intended ones, then put the new digest here.
"""

import hashlib
import importlib.util
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import numpy as np

DIGEST = "210d91f1d8893aaa251337aa71aebdea45245534b8549e27672484c4ad5cad3d"
ROOT = Path(__file__).parents[4]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_insights", ROOT / "bench/insights.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_the_figures_of_a_small_bench_portfolio_are_unchanged_to_the_bit():
    from alliance.insights import early_warnings as rules
    from alliance.insights import trust_portfolio
    from alliance.insights.alignment import agreement_alignment, portfolio_alignment
    from alliance.insights.trust import agreement_trust, portfolio_trust

    bench = _bench()
    frame = bench.portfolio_frame(agreements=200, interactions=20_000, commitments=10_000)
    as_of = bench.PORTFOLIO_AS_OF
    h = hashlib.sha256()

    def arrays(result) -> None:
        for f in fields(result):
            value = getattr(result, f.name)
            if isinstance(value, np.ndarray):
                h.update(f"{f.name} {value.dtype} {value.shape}".encode())
                h.update(np.ascontiguousarray(value).tobytes())

    saved = trust_portfolio._COMPILED_FROM, rules._THREADED_FROM
    trust_portfolio._COMPILED_FROM, rules._THREADED_FROM = 0, 0  # as a large portfolio
    try:
        trust = portfolio_trust(frame, as_of)
        found = rules.portfolio_warnings(frame, as_of)
        then = portfolio_trust(frame, as_of - timedelta(days=90), intervals=False)
        for result in (trust, then, portfolio_alignment(frame, as_of), found):
            arrays(result)
        h.update("\n".join(found.keys(frame)).encode())
    finally:
        trust_portfolio._COMPILED_FROM, rules._THREADED_FROM = saved
    for g in range(3):
        one = bench.agreement_from_frame(frame, g)
        t = agreement_trust(one, as_of)
        h.update(repr(t).encode())
        h.update(repr([(p.alpha, p.beta) for p in t.pairs]).encode())
        h.update(repr(agreement_alignment(one, as_of)).encode())
        h.update(repr(rules.early_warnings(one, as_of)).encode())
    assert h.hexdigest() == DIGEST
