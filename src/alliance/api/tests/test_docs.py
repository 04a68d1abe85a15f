"""docs/api.md's worked example, run as written against a live server: with curl in bash,
and with httpx in a Python process of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from alliance.api import services
from alliance.partnerships.models import Agreement, Commitment
from alliance.testing import make_user

DOC = Path(__file__).resolve().parents[4] / "docs" / "api.md"


def example(kind: str) -> str:
    found = re.search(rf"<!-- example: {kind} -->\n```\w+\n(.*?)```", DOC.read_text(), re.S)
    assert found, f"docs/api.md has no {kind} example"
    return found.group(1)


# The task queue runs each task at once, in the request that queued it (after its commit):
# the same recomputation the worker runs, without a second thread writing to the test
# database beside the live server's.
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def site(live_server, transactional_db):
    owner = make_user("counsellor", is_staff=True)
    _token, secret = services.api_token_create(actor=owner, name="docs", scope="write")
    with override_settings(TASKS=IMMEDIATE_TASKS):
        yield {**os.environ, "ALLIANCE": live_server.url, "TOKEN": secret}


def _check(output: str) -> None:
    agreement = Agreement.objects.get(title="Dakar port concession")
    commitment = Commitment.objects.get(agreement=agreement)
    assert commitment.status == "delivered"
    assert agreement.insight_snapshots.filter(kind="trust").exists()
    assert "West Africa Infrastructure Fund" in output and "Ministry of Maritime Affairs" in output


def test_the_curl_example_runs_as_written(site):
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", example("curl")],
        env=site,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert '"evidence_state"' in done.stdout
    _check(done.stdout)


def test_the_httpx_example_runs_as_written(site):
    done = subprocess.run(
        [sys.executable, "-c", example("httpx")],
        env=site,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("delivered ")
    assert "West Africa Infrastructure Fund → Ministry of Maritime Affairs:" in done.stdout
    _check(done.stdout)
