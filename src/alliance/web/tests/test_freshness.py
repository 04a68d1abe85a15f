"""Insights never stale in silence: every computed figure says when it was computed, and a
page says "updating…" while a recomputation of its agreement is queued or running."""

from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alliance.analytics.selectors import agreements_updating
from alliance.analytics.services import insights_recompute
from alliance.analytics.tasks import recompute_agreement


def _overview(user, agreement) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("agreement", args=[agreement.uuid])).content.decode()


def test_a_queued_recompute_shows_updating_until_the_worker_has_run(transactional_db, world):
    # Transactional: the real worker closes the database connection between tasks.
    insights_recompute(actor=None, agreement=world.agreement)
    html = _overview(world.counsellor, world.agreement)
    assert "computed" in html and "Updating…" not in html

    recompute_agreement.enqueue(str(world.agreement.uuid))
    assert agreements_updating([world.agreement, world.other_agreement]) == {
        str(world.agreement.uuid)
    }
    html = _overview(world.counsellor, world.agreement)
    assert html.count('class="updating"') >= 1

    call_command("db_worker", batch=True, verbosity=0)
    assert agreements_updating([world.agreement]) == set()
    assert "Updating…" not in _overview(world.counsellor, world.agreement)
