"""The insights engine's figures, held fixed, on a small version of the bench portfolio.

Making the engine faster must not move what it says. This test covers every array of the
portfolio trust (now, with intervals, and 90 days ago), alignment and warnings, every warning
key, and one agreement's trust (with its trend), alignment and warnings as objects, with the
compiled and threaded paths a large portfolio takes.

It used to hold one SHA-256 of all those bits. The bits of a float depend on the processor
(numpy's vectorised exp and log differ in the last place between processors): the digest
passed on an AMD machine without AVX-512 and failed on CI's at the same commit. What is held:

- everything that is not a float (integers, flags, shapes, dtypes, warning keys, the text of
  the objects with their numbers taken out) exactly, by digest;
- every float array and the numbers of the objects through projections (sum, |sum|, a
  weighted sum with fixed pseudo-random weights, count of NaN, min, max) kept in
  ``portfolio_figures.json``, to 1e-9 of their scale — a model or parameter change moves
  them by far more, a processor by far less.

That the compiled and threaded paths say, on one machine, to the bit what plain numpy says is
held where those paths are tested: ``test_trust.py`` (compiled against numpy) and
``test_early_warnings.py`` (the rules on one core or two).

The reference was written on a machine where the old digest (computed by the engine before
the speed work of issue 11, commit b0686f6) still held, so it carries that lineage.

A change that is meant to change the figures (a model or parameter change) changes the
reference: check the new figures are the intended ones, then rewrite it with
``ALLIANCE_REWRITE_FIGURES=1 pytest src/alliance/insights/tests/test_portfolio_bits.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[4]
REFERENCE = Path(__file__).with_name("portfolio_figures.json")
RTOL = 1e-9
PROJECTIONS = ("sum", "|sum|", "weighted", "nan", "min", "max")
# A float as repr writes it, not part of a word (the warning keys are hex digests: '298e40').
NUMBER = re.compile(r"(?<![\w.])(?:-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+|nan|-?inf)(?![\w.])")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_insights", ROOT / "bench/insights.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def _weights(n: int) -> np.ndarray:
    """Fixed weights in [0.5, 1.5), the same on every machine (integer arithmetic only)."""
    i = np.arange(n, dtype=np.uint64)
    return 0.5 + ((i * np.uint64(2654435761) + np.uint64(12345)) % np.uint64(1000)) / 1000.0


def _projections(values: np.ndarray) -> list[float]:
    flat = np.asarray(values, dtype=np.float64).ravel()
    finite = flat[np.isfinite(flat)]
    w = _weights(flat.size)[np.isfinite(flat)]
    return [
        float(finite.sum()),
        float(np.abs(finite).sum()),
        float((finite * w).sum()),
        float(np.isnan(flat).sum()),
        float(finite.min()) if finite.size else 0.0,
        float(finite.max()) if finite.size else 0.0,
    ]


class Figures:
    """What a run says: an exact digest of everything but floats, and the floats by name."""

    def __init__(self) -> None:
        self.exact = hashlib.sha256()
        self.floats: dict[str, np.ndarray] = {}

    def arrays(self, label: str, result) -> None:
        for f in fields(result):
            value = getattr(result, f.name)
            if not isinstance(value, np.ndarray):
                continue
            name = f"{label}.{f.name}"
            self.exact.update(f"{name} {value.dtype} {value.shape}".encode())
            if np.issubdtype(value.dtype, np.floating):
                self.floats[name] = np.array(value, dtype=np.float64)
            else:
                self.exact.update(np.ascontiguousarray(value).tobytes())

    def text(self, label: str, text: str) -> None:
        """Text with its numbers taken out: the words exactly, the numbers as floats."""
        numbers = [float(n) for n in NUMBER.findall(text)]
        self.exact.update(f"{label} {NUMBER.sub('#', text)}".encode())
        if numbers:
            self.floats[label] = np.array(numbers, dtype=np.float64)

    def summary(self) -> dict:
        return {
            "exact": self.exact.hexdigest(),
            "floats": {k: _projections(v) for k, v in sorted(self.floats.items())},
        }


def _figures() -> Figures:
    from alliance.insights import early_warnings as rules
    from alliance.insights import trust_portfolio
    from alliance.insights.alignment import agreement_alignment, portfolio_alignment
    from alliance.insights.trust import agreement_trust, portfolio_trust

    bench = _bench()
    frame = bench.portfolio_frame(agreements=200, interactions=20_000, commitments=10_000)
    as_of = bench.PORTFOLIO_AS_OF
    figures = Figures()
    saved = trust_portfolio._COMPILED_FROM, rules._THREADED_FROM
    trust_portfolio._COMPILED_FROM, rules._THREADED_FROM = 0, 0  # as a large portfolio
    try:
        trust = portfolio_trust(frame, as_of)
        found = rules.portfolio_warnings(frame, as_of)
        then = portfolio_trust(frame, as_of - timedelta(days=90), intervals=False)
        for label, result in (
            ("trust", trust),
            ("trust_90_days_ago", then),
            ("alignment", portfolio_alignment(frame, as_of)),
            ("warnings", found),
        ):
            figures.arrays(label, result)
        figures.text("warning_keys", "\n".join(found.keys(frame)))
    finally:
        trust_portfolio._COMPILED_FROM, rules._THREADED_FROM = saved
    for g in range(3):
        one = bench.agreement_from_frame(frame, g)
        t = agreement_trust(one, as_of)
        figures.text(f"agreement_{g}.trust", repr(t))
        figures.text(f"agreement_{g}.pairs", repr([(p.alpha, p.beta) for p in t.pairs]))
        figures.text(f"agreement_{g}.alignment", repr(agreement_alignment(one, as_of)))
        figures.text(f"agreement_{g}.warnings", repr(rules.early_warnings(one, as_of)))
    return figures


def test_the_figures_of_a_small_bench_portfolio_are_unchanged():
    found = _figures().summary()
    if os.environ.get("ALLIANCE_REWRITE_FIGURES") == "1":
        REFERENCE.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        pytest.skip(f"reference rewritten: {REFERENCE.name}")
    expected = json.loads(REFERENCE.read_text())
    assert found["exact"] == expected["exact"], "a flag, count, key or word of the figures moved"
    assert sorted(found["floats"]) == sorted(expected["floats"])
    moved = []
    for name, want in expected["floats"].items():
        got = found["floats"][name]
        scale = max(abs(want[1]), abs(want[4]), abs(want[5]), 1.0)
        for what, g, w in zip(PROJECTIONS, got, want, strict=True):
            if abs(g - w) > RTOL * scale:
                moved.append(f"{name} {what}: {w!r} -> {g!r}")
    assert not moved, "figures moved:\n" + "\n".join(moved)
