"""The schedule's compiled passes: where numba keeps their code (the cache works, and is
reused, when the package's own folder cannot be written: an installed, read-only package),
and that the forward pass releases the GIL (the chunks' threads run side by side)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

import alliance
from alliance.insights import schedule_engine
from alliance.insights.parameters import SCHEDULE
from alliance.insights.schedule_compiled import cache_location
from alliance.insights.tests.test_schedule import random_schedule


def blocked(tmp_path: Path, name: str) -> Path:
    """A folder that cannot be made, even by root: its parent is a file."""
    (tmp_path / name).write_text("")
    return tmp_path / name / "folder"


def test_numba_keeps_its_own_place_when_it_has_one(tmp_path):
    package = tmp_path / "package"
    package.mkdir()
    assert cache_location(package, {}) is None
    assert (package / "__pycache__").is_dir()
    chosen = {"NUMBA_CACHE_DIR": str(tmp_path / "chosen")}
    assert cache_location(blocked(tmp_path, "a"), chosen) is None


def test_a_read_only_package_caches_in_the_var_folder_else_in_the_temporary_folder(tmp_path):
    package, temporary = blocked(tmp_path, "package"), tmp_path / "tmp"
    temporary.mkdir()
    var = tmp_path / "var"
    environ = {"ALLIANCE_VAR_DIR": str(var), "TMPDIR": str(temporary)}
    assert cache_location(package, environ) == str(var / "numba")
    assert (var / "numba").is_dir()
    environ["ALLIANCE_VAR_DIR"] = str(blocked(tmp_path, "var-file"))
    assert cache_location(package, environ) == str(temporary / f"alliance-numba-{os.getuid()}")
    environ["TMPDIR"] = str(blocked(tmp_path, "tmp-file"))
    assert cache_location(package, environ) == ""  # nothing cached: every process compiles


RUN = """
from datetime import date
from alliance.insights import schedule_compiled
from alliance.insights.schedule import ScheduleInput, ScheduleTask, simulate
tasks = (ScheduleTask("a", "p", 1, 2, 4), ScheduleTask("b", "p", 2, 3, 9, depends_on=("a",)))
sim = simulate(ScheduleInput(tasks, date(2026, 3, 2)), iterations=50, seed=1)
print(sim.finish.max(), bool(schedule_compiled.forward_pass.stats.cache_hits))
"""


def test_the_compiled_pass_is_cached_in_the_var_folder_when_the_package_is_read_only(tmp_path):
    # A copy of the engine whose __pycache__ is a file (no cache beside it), with numba's own
    # fallback (the user's cache folder) unusable too: without a place of Alliance's own,
    # numba refuses to cache (RuntimeError on import).
    source = Path(alliance.__file__).parent
    copy = tmp_path / "site" / "alliance"
    (copy / "insights").mkdir(parents=True)
    shutil.copy(source / "__init__.py", copy)
    for module in (source / "insights").glob("*.py"):
        shutil.copy(module, copy / "insights")
    (copy / "insights" / "__pycache__").write_text("")
    var = tmp_path / "var"
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(tmp_path / "site"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "ALLIANCE_VAR_DIR": str(var),
        "XDG_CACHE_HOME": str(blocked(tmp_path, "home-cache")),
    }
    runs = [
        subprocess.run(
            [sys.executable, "-c", RUN], capture_output=True, text=True, env=environ, timeout=300
        )
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr[-2000:]
    first, second = (run.stdout.split() for run in runs)
    assert first[0] == second[0]  # the same finishes from the cached code
    assert (first[1], second[1]) == ("False", "True")  # compiled, then loaded
    cached = list((var / "numba").rglob("*"))
    assert any(path.suffix == ".nbi" for path in cached)
    assert any(path.suffix == ".nbc" for path in cached)


def test_the_compiled_pass_lets_other_threads_run():
    # The chunks run on threads: the pass must release the GIL, or they would take turns.
    model = schedule_engine.Model(random_schedule(1, size=200), SCHEDULE)
    n = 100_000
    extra = np.zeros((len(model.order), n), model.table.dtype)
    finish = np.zeros((len(model.order), n), model.finish_dtype)
    drives = np.zeros((len(model.edges), n // 8), np.uint8)
    hits = np.zeros((len(model.risks), n), dtype=bool)
    draws = schedule_engine.draw(model, np.random.default_rng(0), n, hits)
    ready = model.new_ready(n)

    def forward() -> None:
        schedule_engine.forward(
            model, model.flat, model.rows, extra, ready, drives, draws=draws, finish=finish
        )

    forward()  # compiled (or loaded) before the measured call
    started, done = threading.Event(), threading.Event()

    def worker() -> None:
        started.set()
        for _ in range(5):
            forward()
        done.set()

    # With a long switch interval, a thread holding the GIL keeps it until it blocks or ends:
    # this thread then wakes only while the pass runs without it (it waits without the GIL).
    interval = sys.getswitchinterval()
    sys.setswitchinterval(30.0)
    try:
        thread = threading.Thread(target=worker)
        thread.start()
        started.wait()
        ticks = 0
        while not done.wait(0.001):
            ticks += 1
        thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert ticks > 0  # holding the GIL, the pass would let this thread wake only once it ended
