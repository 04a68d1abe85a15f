"""The one clock: nothing but ``alliance.core.clock`` decides what day it is."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from alliance.core import clock

PACKAGE = Path(__file__).resolve().parents[2]
# Ways to ask the calendar for today that bypass the clock (timestamps, ``now()``, are fine).
TODAY_CALLS = re.compile(r"\blocaldate\b|\bdate\.today\b|\bdatetime\.today\b")


def _sources() -> list[Path]:
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts and p.name != "testing.py"
    ]


def test_no_code_outside_the_clock_asks_for_today() -> None:
    offenders = []
    for path in _sources():
        if path == PACKAGE / "core" / "clock.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TODAY_CALLS.search(line.split("#", 1)[0]):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not offenders, "use alliance.core.clock.today():\n" + "\n".join(offenders)


def test_the_scan_sees_the_package() -> None:
    assert len(_sources()) > 100


def test_frozen_days_nest_and_unwind() -> None:
    with clock.frozen(date(2026, 1, 5)):
        assert clock.today() == date(2026, 1, 5) and clock.is_frozen()
        with clock.frozen(date(2026, 2, 1)):
            assert clock.today() == date(2026, 2, 1)
        assert clock.today() == date(2026, 1, 5)


def test_alliance_today_sets_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_TODAY", "2027-03-12")
    assert clock.today() == date(2027, 3, 12) and clock.is_frozen()
    monkeypatch.setenv("ALLIANCE_TODAY", "12/03/2027")
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="ALLIANCE_TODAY"):
        clock.today()
