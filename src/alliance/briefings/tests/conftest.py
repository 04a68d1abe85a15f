"""Fixtures of the brief tests: the web tests' world and data, with insight snapshots at
two dates (the brief's "previous" and "current")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from alliance.analytics.services import insights_recompute
from alliance.core import clock
from alliance.web.tests.conftest import data  # noqa: F401  (the fixture)
from alliance.web.tests.data import CockpitData


@pytest.fixture
def computed(world: Any, data: CockpitData) -> CockpitData:  # noqa: F811
    """Snapshots 60 days ago and today, as the recompute task would store them."""
    today = clock.today()
    insights_recompute(actor=None, agreement=world.agreement, as_of=today - timedelta(days=60))
    insights_recompute(actor=None, agreement=world.agreement, as_of=today)
    return data
