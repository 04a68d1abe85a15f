"""The inbox page builds only the items it shows (their dates, names, links and the team to
assign to), and shows the same items, in the same order, with the same counts, as the inbox
built whole: for readers of many agreements on generated data, as a counsellor, a party
representative and a viewer, on several days, on the first pages."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.analytics.models import InsightSnapshot
from alliance.attention import selectors, services, views
from alliance.core import clock
from alliance.partnerships.choices import OPEN_COMMITMENT_STATUSES
from alliance.partnerships.models import Commitment
from alliance.risks import services as rs
from alliance.scenarios import generator
from alliance.web.tests.data import add_cockpit_data

pytestmark = pytest.mark.django_db

PAGE = 7  # items a page adds, here: so that several pages are asked
AS_OF = generator.DEFAULT_AS_OF
DAYS = (AS_OF, AS_OF - timedelta(days=75), AS_OF + timedelta(days=60))
KEY = re.compile(r'<li class="inbox-item[^"]*"[^>]*data-key="([^"]+)"')


@pytest.fixture
def portfolio(world: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Twenty generated agreements (the generated counsellor sits in all of them, the first
    generated representative in four), the cockpit's world beside them, warnings of persons
    and rules on the generated commitments (some said by their overdue commitment's item,
    some on their own), snoozes and assignments."""
    monkeypatch.setattr(views, "INBOX_PAGE", PAGE)
    add_cockpit_data(world)
    generator.generate(agreements=20, seed=5)
    users = get_user_model().objects
    readers = {name: users.get(username=name) for name in ("gen-counsellor", "gen-rep-1")}
    readers["gen-viewer"] = users.get(username="gen-viewer")
    readers.update(counsellor=world.counsellor, rep_x=world.rep_x)
    counsellor, owner = readers["gen-counsellor"], users.get(username="gen-owner")
    commitments = Commitment.objects.filter(agreement__reference__startswith="GEN5-")
    for k, c in enumerate(commitments.order_by("pk")[::9]):
        rs.early_warning_raise(
            actor=owner,
            agreement=c.agreement,
            key=f"test-{c.pk}",
            title=f"Commitment {k} needs a look",
            explanation=f"Why {k}",
            evidence=[{"label": f"Fact {k}"}, f"Line {k}"],
            severity=("critical", "warning", "info")[k % 3],
            raised_on=AS_OF - timedelta(days=k % 40),
            commitment=c,
            owner=counsellor if k % 3 == 0 else None,
        )
    # Forecasts that find some open commitments likely late (their items rank among the
    # others: the same days, ties by title).
    forecasts = defaultdict(list)
    for k, c in enumerate(commitments.filter(status__in=OPEN_COMMITMENT_STATUSES)[::3]):
        forecasts[c.agreement_id].append(
            {"commitment": {"uuid": str(c.uuid)}, "probability_on_time": (k % 8) / 10}
        )
    for agreement_id, rows in forecasts.items():
        InsightSnapshot.objects.create(
            agreement_id=agreement_id,
            kind="schedule",
            as_of=AS_OF - timedelta(days=20),
            data={"commitments": rows},
        )
    with clock.frozen(AS_OF):
        for name in ("gen-counsellor", "gen-rep-1"):
            user = readers[name]
            box = selectors.inbox(user, AS_OF)
            for k, item in enumerate(box.items[3::11][:6]):
                until = AS_OF + timedelta(days=k + 1)
                services.inbox_snooze(
                    actor=user, agreement=item.agreement, item=item.key, until=until
                )
        box = selectors.inbox(counsellor, AS_OF)
        for k, item in enumerate(box.build(box.items[1::5][:8])):
            if item.team and item.snoozed_until is None:
                assignee = item.team[k % len(item.team)]
                services.inbox_assign(
                    actor=counsellor, agreement=item.agreement, item=item.key, assignee=assignee
                )
    return readers


def _line(item: selectors.Item) -> tuple:
    """Everything the page writes of an item."""
    return (
        item.key,
        item.kind,
        item.severity,
        item.due,
        item.title,
        item.evidence,
        item.action_url,
        item.action_label,
        item.party,
        item.concern,
        item.agreement.pk,
        getattr(item.owner, "pk", None),
        getattr(item.assignee, "pk", None),
        item.snoozed_until,
        [person.pk for person in item.team],
    )


def _page(user: Any, day: date, page: int, mine: bool = False) -> tuple[Any, int]:
    client = Client()
    client.force_login(user)
    query = {"page": str(page)} | ({"mine": "1"} if mine else {})
    with clock.frozen(day):
        client.get(reverse("inbox"), query)  # warm: the session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("inbox"), query)
    assert response.status_code == 200
    return response, len(queries)


def test_the_page_shows_the_whole_inbox_s_first_items_and_counts_and_builds_only_those(
    portfolio,
):
    seen = {"items": 0, "warnings": 0, "at risk": 0, "snoozed": 0, "assigned": 0, "pages": 0}
    for name, user in portfolio.items():
        for day in DAYS:
            for mine in (False, True):
                full = selectors.inbox(user, day, mine=mine)
                with clock.frozen(day):
                    full.build(full.items)
                    full.build(full.snoozed)
                for page in (1, 2):
                    response, _queries = _page(user, day, page, mine)
                    box, shown = response.context["inbox"], response.context["shown"]
                    html = response.content.decode()
                    n = min(page * PAGE, len(full.items))
                    # Order and counts as the whole inbox says them.
                    assert [i.key for i in shown] == [i.key for i in full.items][:n]
                    assert KEY.findall(html) == [i.key for i in full.items[:n] + full.snoozed]
                    assert f'data-items="{len(full.items)}"' in html
                    assert box.by_severity == full.by_severity
                    assert [i.key for i in box.snoozed] == [i.key for i in full.snoozed]
                    # Every line shown is written as the whole build writes it ...
                    assert [_line(i) for i in shown] == [_line(i) for i in full.items[:n]]
                    assert [_line(i) for i in box.snoozed] == [_line(i) for i in full.snoozed]
                    # ... and no other item was built.
                    built = [i.key for i in box.items if i.built]
                    assert built == [i.key for i in shown], (name, day, page)
                    seen["items"] += len(full.items)
                    seen["warnings"] += sum(i.kind == "warning" for i in shown)
                    seen["at risk"] += sum(i.kind == "at-risk" for i in shown)
                    seen["snoozed"] += len(full.snoozed)
                    seen["assigned"] += sum(i.assignee is not None for i in shown)
                    seen["pages"] += len(full.items) > page * PAGE
    # The data exercised what it is meant to: long inboxes, warnings, snoozes, assignments.
    assert all(seen.values()), seen


def test_the_page_s_queries_do_not_grow_with_the_items_shown(portfolio):
    """The lines of the items shown are read in one query per kind of thing (the team to
    assign to, the warnings' texts), not one per item."""
    user = portfolio["gen-counsellor"]
    box = selectors.inbox(user, AS_OF)
    assert len(box.items) > 10 * PAGE
    counts = {}
    for page in (1, 2, 5, 10, 99):
        response, counts[page] = _page(user, AS_OF, page)
        shown = response.context["shown"] + response.context["inbox"].snoozed
        # The warnings' texts are one more query when a warning is among the items shown.
        counts[page] -= any(i.kind == "warning" for i in shown)
    assert len(set(counts.values())) == 1, counts


def test_the_first_items_are_those_of_the_whole_inbox_with_only_their_ties_titles_read(
    portfolio,
):
    """Items rank by severity, then day, then title; the page asks for its first items only,
    and the titles (a warning's message rendered, a person's words decrypted) are read for
    the items of the same severity and day as one of them, not for the rest."""
    user = portfolio["gen-counsellor"]
    whole = selectors.inbox(user, AS_OF).items
    assert [i.rank for i in whole] == sorted(i.rank for i in whole)
    urgency = [i.rank[:2] for i in whole]
    cut_in_a_tie = 0
    for n in (1, 2, 3, 5, 8, 13, 21, 34, 55, 89, len(whole)):
        box = selectors.inbox(user, AS_OF)
        assert [i.key for i in box.first(n)] == [i.key for i in whole[:n]]
        last = urgency[n - 1]
        cut_in_a_tie += n < len(whole) and urgency[n] == last
        for item in box._items[n:]:
            if item.kind == "warning" and selectors._urgency(item) != last:
                assert callable(item._title), (n, item)  # not read
    assert cut_in_a_tie  # some pages end inside a tie
