"""The base of the test suite: a small agreement with named actors, as pytest fixtures.

``world`` gives an agreement between party X and party Y (and a third party Z that is in
another agreement), with one user per role:

- ``owner``, ``counsellor``, ``editor`` — the counsellor team;
- ``rep_x`` and ``rep_y`` — party representatives of X and of Y;
- ``viewer`` — reads shared items only;
- ``outsider`` — a user with no membership at all;
- ``other_owner`` — owner of ``other_agreement`` (the outsider's view of it is tested too).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

# Loaded as a pytest plugin before Django reads its settings: tests need no secret.
os.environ.setdefault("ALLIANCE_TESTING", "1")
os.environ.setdefault("ALLIANCE_VAR_DIR", os.path.join(os.getcwd(), "var", "test"))
# WhiteNoise looks for the static root when the test server starts.
os.makedirs(os.path.join(os.environ["ALLIANCE_VAR_DIR"], "static"), exist_ok=True)

PASSWORD = "correct horse battery staple"


@dataclass
class World:
    agreement: Any
    other_agreement: Any
    party_x: Any
    party_y: Any
    party_z: Any
    person_x: Any
    person_y: Any
    owner: Any
    counsellor: Any
    editor: Any
    rep_x: Any
    rep_y: Any
    viewer: Any
    outsider: Any
    other_owner: Any
    admin: Any

    @property
    def actors(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in ("owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")
        }


def make_user(username: str, **extra: Any) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def build_world() -> World:
    """Create the named actors and their agreements through the services."""
    from alliance.accounts.services import membership_grant
    from alliance.partnerships import services as ps

    admin = make_user("admin", is_staff=True, is_superuser=True)
    owner = make_user("owner", is_staff=True)
    other_owner = make_user("other_owner", is_staff=True)
    party_x = ps.party_create(actor=admin, name="Ministry X", kind="government", country="SN")
    party_y = ps.party_create(actor=admin, name="Lender Y", kind="lender", country="FR")
    party_z = ps.party_create(actor=admin, name="Firm Z", kind="local_firm", country="SN")
    person_x = ps.person_create(actor=admin, party=party_x, name="Awa Diop")
    person_y = ps.person_create(actor=admin, party=party_y, name="Jean Martin")
    agreement = ps.agreement_create(
        actor=owner,
        title="Corridor agreement",
        kind="bilateral",
        signed_on=date(2025, 1, 15),
        effective_on=date(2025, 3, 1),
        host_country="SN",
    )
    ps.participation_add(actor=owner, agreement=agreement, party=party_x, role="signatory")
    ps.participation_add(actor=owner, agreement=agreement, party=party_y, role="lender")
    other = ps.agreement_create(
        actor=other_owner,
        title="Other agreement",
        kind="mou",
        signed_on=date(2025, 2, 1),
        host_country="SN",
    )
    ps.participation_add(actor=other_owner, agreement=other, party=party_z, role="signatory")
    users = {}
    for name, role, party in (
        ("counsellor", "counsellor", None),
        ("editor", "editor", None),
        ("rep_x", "party_rep", party_x),
        ("rep_y", "party_rep", party_y),
        ("viewer", "viewer", None),
    ):
        users[name] = make_user(name)
        membership_grant(actor=owner, agreement=agreement, user=users[name], role=role, party=party)
    return World(
        agreement=agreement,
        other_agreement=other,
        party_x=party_x,
        party_y=party_y,
        party_z=party_z,
        person_x=person_x,
        person_y=person_y,
        owner=owner,
        outsider=make_user("outsider"),
        other_owner=other_owner,
        admin=admin,
        **users,
    )


def settings_under(env: dict[str, str], expression: str) -> Any:
    """What ``expression`` (Python, with ``settings`` in scope; its value JSON) gives in the
    settings a fresh process reads from ``env``: for the settings computed from the
    environment at start-up, which the test process has already read its own way."""
    import json
    import subprocess
    import sys

    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({expression}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "alliance.config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def tally(check: str, n: int = 1) -> None:
    """Count ``n`` tries of the discretion check ``check`` (a request made as one role, a file
    scanned, a login attempt...) for ``scripts/discretion_tally.py``.

    A no-op unless ``ALLIANCE_TALLY_FILE`` is set; then one line ``check<TAB>n<TAB>test`` is
    appended to that file under an exclusive lock, so that pytest-xdist's workers can share
    it. Tests call it where they try something; it never changes what they do."""
    path = os.environ.get("ALLIANCE_TALLY_FILE")
    if not path or n == 0:
        return
    import fcntl

    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    line = f"{check}\t{n}\t{test}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)  # closing releases the lock


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _english_by_default() -> Any:
    """Each test starts in the default language: a test that switched to French (a page
    requested in French, a background import in the uploader's language) must not leak it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


# ----- a real browser (Playwright driving Debian's Chromium) for every app's browser tests --

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test process: Playwright's sync API allows one per event loop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(request: Any, django_db_blocker: Any) -> Any:
    """allauth counts attempts (logins, password resets, second-factor codes) in the database
    cache. A test in a transaction leaves nothing behind; after a test that commits, the
    counts are wiped so that the next test starts with none."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()
