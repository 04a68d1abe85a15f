"""Property tests: random and mutated files never raise, never half-import."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.interchange.engine import UNEXPECTED, run_import
from alliance.interchange.tests.helpers import DATA, row_counts
from alliance.testing import build_world

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SEEDS = {
    "oc4ids": (DATA / "oc4ids" / "nuevo-leon-project-000001-v000001.json").read_bytes()[:6000],
    "ocds": (DATA / "ocds" / "mexico-release-package-1.json").read_bytes()[:8000],
    "iati": (DATA / "iati" / "canada-activity.xml").read_bytes()[:8000],
    "csv": (
        b"agreement,title,category,owed_by,owed_to,due_on,status,delivered_on\n"
        b"Corridor agreement,Survey,technical,Ministry X,Lender Y,31/03/2025,,\n"
        b"Corridor agreement,Escrow,financial,Lender Y,Ministry X,2025-04-30,delivered,2025-04-30\n"
    ),
}


@pytest.fixture
def world(db):
    return build_world()


def mutate(data: st.DataObject, seed: bytes) -> bytes:
    """Cut, flip, insert or duplicate bytes of a real file."""
    content = bytearray(seed)
    for _ in range(data.draw(st.integers(1, 4))):
        if not content:
            break
        at = data.draw(st.integers(0, len(content) - 1))
        action = data.draw(st.sampled_from(["cut", "flip", "insert", "repeat"]))
        if action == "cut":
            del content[at:]
        elif action == "flip":
            content[at] = data.draw(st.integers(0, 255))
        elif action == "insert":
            content[at:at] = data.draw(st.binary(min_size=1, max_size=12))
        else:
            content[at:at] = content[at : at + data.draw(st.integers(1, 200))]
    return bytes(content)


def check(world, content: bytes, fmt: str | None, name: str) -> None:
    before = row_counts()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        report = run_import(path, actor=world.owner, fmt=fmt, dry_run=False, country="SN")
    assert not any(e.reason.startswith(UNEXPECTED) for e in report.errors), report.lines()
    if not report.ok:
        assert row_counts() == before


@pytest.mark.parametrize("fmt", ["oc4ids", "ocds", "iati", "csv"])
@FUZZ
@given(data=st.data())
def test_mutated_real_files_never_crash_nor_half_import(world, fmt, data):
    name = {"oc4ids": "p.json", "ocds": "r.json", "iati": "a.xml", "csv": "commitments.csv"}[fmt]
    check(world, mutate(data, SEEDS[fmt]), fmt, name)


@pytest.mark.parametrize("fmt", [None, "csv", "xlsx", "oc4ids", "ocds", "iati"])
@FUZZ
@given(content=st.binary(max_size=400))
def test_random_bytes_never_crash(world, fmt, content):
    check(world, content, fmt, "commitments.csv")


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_csv_never_crashes(world, text):
    check(world, text.encode("utf-8", "surrogatepass"), "csv", "commitments.csv")
