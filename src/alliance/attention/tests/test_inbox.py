"""The inbox ("My week"): what each reader is shown and may do, snooze and assign stored,
audited and refused where the policy says so, and the landing page after login."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from alliance.accounts.models import AuditEvent
from alliance.attention import selectors, services
from alliance.attention.models import InboxAssignment, InboxSnooze
from alliance.core import clock
from alliance.engagement import services as es
from alliance.testing import PASSWORD
from alliance.web.tests.data import INTERNAL_TEXT, add_cockpit_data

pytestmark = pytest.mark.django_db

ESTIMATE = {
    "category": "financial",
    "duration_optimistic": 5,
    "duration_likely": 10,
    "duration_pessimistic": 20,
}


@pytest.fixture
def data(world: Any) -> Any:
    return add_cockpit_data(world)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _keys(user: Any, **kwargs: Any) -> list[str]:
    return [i.key for i in selectors.inbox(user, clock.today(), **kwargs).items]


def test_each_reader_sees_what_concerns_them_and_nothing_else(world, data):
    permit = f"overdue-{data.commitment_x.uuid}"
    grievance = f"grievance-{data.grievance.uuid}"
    internal = f"warning-{data.internal_warning.uuid}"
    team = _keys(world.counsellor)
    # The internal warning is critical: first; then the overdue permit and the grievance.
    assert team[0] == internal and {permit, grievance} <= set(team)
    # The team's warning about the permit is said by the permit's own item, not twice.
    assert f"warning-{data.warning.uuid}" not in team
    assert _keys(world.viewer) == [k for k in team if k != internal]
    # Party X owes the permit, party Y is owed it; neither answers grievances.
    rep_x = selectors.inbox(world.rep_x, clock.today()).items
    rep_y = selectors.inbox(world.rep_y, clock.today()).items
    assert [(i.key, i.concern) for i in rep_x] == [(permit, "owes")]
    assert [(i.key, i.concern) for i in rep_y] == [(permit, "owed")]
    assert _keys(world.outsider) == []


def test_the_page_shows_owner_evidence_and_action_and_hides_internal_text(world, data):
    page = _client(world.counsellor).get(reverse("inbox")).content.decode()
    assert INTERNAL_TEXT in page
    assert "5 days overdue; owed by Ministry X" in page
    assert reverse("commitment", args=[world.agreement.uuid, data.commitment_x.uuid]) in page
    assert reverse("grievance_respond", args=[world.agreement.uuid, data.grievance.uuid]) in page
    for reader in (world.rep_x, world.rep_y, world.viewer):
        page = _client(reader).get(reverse("inbox")).content.decode()
        assert INTERNAL_TEXT not in page
        assert 'name="assignee"' not in page  # only the team assigns
    assert "Nothing needs your action now" not in page
    assert (
        "not a member of any agreement"
        in _client(world.outsider).get(reverse("inbox")).content.decode()
    )


def test_a_representative_is_asked_to_answer_an_open_pulse_until_their_party_has(world, data):
    today = clock.today()
    pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Second pulse",
        opens_on=today - timedelta(days=2),
        closes_on=today + timedelta(days=3),
    )
    key = f"pulse-{pulse.uuid}"
    item = selectors.inbox(world.rep_x, today).find(key)
    assert item.concern == "asked" and item.severity == "warning"  # closes within a week
    assert item.action_url == reverse("entity_create", args=[world.agreement.uuid, "responses"])
    assert key in _keys(world.counsellor) and key not in _keys(world.viewer)
    # Awa Diop, of X, answers (typed in by the team): rep_x sees that X answered, not what.
    es.trust_response_submit(
        actor=world.owner,
        pulse=pulse,
        respondent=world.person_x,
        about_party=world.party_y,
        submitted_on=today,
        ability=5,
        benevolence=5,
        integrity=5,
        predictability=5,
        communication=5,
    )
    assert key not in _keys(world.rep_x) and key in _keys(world.rep_y)


def test_snoozing_hides_an_item_from_one_inbox_until_the_day_and_is_audited(world, data):
    key = f"overdue-{data.commitment_x.uuid}"
    until = clock.today() + timedelta(days=3)
    response = _client(world.rep_x).post(
        reverse("inbox_snooze", args=[key]), {"until": until.isoformat()}
    )
    assert response.status_code == 302
    snooze = InboxSnooze.objects.get(user=world.rep_x, item=key)
    assert snooze.until == until
    assert AuditEvent.objects.filter(object_id=str(snooze.uuid), action="create").exists()
    assert key not in _keys(world.rep_x)
    assert selectors.inbox(world.rep_x, clock.today()).snoozed[0].key == key
    assert key in _keys(world.rep_y)  # someone else's inbox is untouched
    with clock.frozen(until):
        assert key in [i.key for i in selectors.inbox(world.rep_x, until).snoozed]
    day_after = until + timedelta(days=1)
    with clock.frozen(day_after):
        assert key in [i.key for i in selectors.inbox(world.rep_x, day_after).items]
    # Brought back by hand.
    _client(world.rep_x).post(reverse("inbox_wake", args=[key]))
    assert not InboxSnooze.objects.exists() and key in _keys(world.rep_x)


def test_snoozing_refuses_a_day_that_is_not_ahead(world, data):
    with pytest.raises(ValidationError):
        services.inbox_snooze(
            actor=world.counsellor, agreement=world.agreement, item="x", until=clock.today()
        )


def test_the_team_assigns_to_a_team_member_only(world, data):
    key = f"grievance-{data.grievance.uuid}"
    response = _client(world.counsellor).post(
        reverse("inbox_assign", args=[key]), {"assignee": world.editor.username}
    )
    assert response.status_code == 302
    assignment = InboxAssignment.objects.get(item=key)
    assert (assignment.assignee, assignment.assigned_by) == (world.editor, world.counsellor)
    assert AuditEvent.objects.filter(object_id=str(assignment.uuid)).exists()
    assert _keys(world.editor, mine=True) == [key]
    assert _keys(world.counsellor, mine=True) == []
    item = selectors.inbox(world.owner, clock.today()).find(key)
    assert item.who == world.editor
    # Not to a party representative; and no one outside the team may assign.
    with pytest.raises(ValidationError):
        services.inbox_assign(
            actor=world.counsellor, agreement=world.agreement, item=key, assignee=world.rep_x
        )
    permit = f"overdue-{data.commitment_x.uuid}"
    refused = _client(world.rep_x).post(
        reverse("inbox_assign", args=[permit]), {"assignee": world.rep_x.username}
    )
    assert refused.status_code == 404
    _client(world.counsellor).post(reverse("inbox_unassign", args=[key]))
    assert not InboxAssignment.objects.exists()


def test_an_item_outside_ones_inbox_answers_404(world, data):
    internal = f"warning-{data.internal_warning.uuid}"
    for reader in (world.rep_y, world.viewer, world.outsider):
        client = _client(reader)
        for name in ("inbox_snooze", "inbox_assign", "inbox_wake", "inbox_unassign"):
            response = client.post(reverse(name, args=[internal]), {"until": "2099-01-01"})
            assert response.status_code == 404, (reader, name)
    assert not InboxSnooze.objects.exists()
    assert (
        _client(world.counsellor).get(reverse("inbox_snooze", args=[internal])).status_code == 405
    )


def test_the_inbox_is_the_first_page_after_login_and_first_in_the_menu(world, data):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "rep_x", "password": PASSWORD})
    assert response["Location"] == reverse("inbox")
    page = client.get(reverse("portfolio")).content.decode()
    menu = page[page.index('class="mainnav"') :]
    assert menu.index(reverse("inbox")) < menu.index(f'href="{reverse("portfolio")}"')


def test_a_long_inbox_shows_the_most_urgent_first_and_the_rest_on_asking(world):
    """Hundreds of items (a counsellor of fifty agreements) are not one page: the first 50
    by rank, the count of all, and a link that adds the next ones below."""
    from alliance.analytics.tests.helpers import commitment
    from alliance.attention.views import INBOX_PAGE

    today = clock.today()
    for k in range(INBOX_PAGE + 12):
        commitment(
            world,
            f"Survey lot {k}",
            due=today - timedelta(days=5 + k),
            created=today - timedelta(days=200),
        )
    client = _client(world.owner)
    ranked = _keys(world.owner)
    total = len(ranked)
    assert total >= INBOX_PAGE + 12

    first = client.get(reverse("inbox")).content.decode()
    keys = re.findall(r'<li class="inbox-item[^"]*"[^>]*data-key="([^"]+)"', first)
    assert keys == ranked[:INBOX_PAGE]
    assert f"{total} items need action" in first
    assert f"The {INBOX_PAGE} most urgent of {total} are shown." in first
    assert f"Show {min(INBOX_PAGE, total - INBOX_PAGE)} more" in first
    assert 'href="/inbox/?page=2#inbox-list"' in first

    second = client.get(reverse("inbox"), {"page": "2"}).content.decode()
    keys = re.findall(r'<li class="inbox-item[^"]*"[^>]*data-key="([^"]+)"', second)
    assert keys == ranked[: 2 * INBOX_PAGE]

    def shown(page: str) -> int:
        response = client.get(reverse("inbox"), {"page": page})
        assert response.status_code == 200
        return response.content.decode().count('<li class="inbox-item')

    assert [shown(odd) for odd in ("0", "-3", "x")] == [INBOX_PAGE] * 3
    assert shown("999") == total  # past the last page: the last page, everything shown

    # A representative still sees only what concerns their party.
    page = _client(world.rep_y).get(reverse("inbox")).content.decode()
    assert set(re.findall(r'data-key="([^"]+)"', page)) <= set(_keys(world.rep_y))


def test_a_representative_here_and_counsellor_there_sees_each_agreement_as_their_role_says(
    world, data
):
    """What concerns a representative is narrowed by the database; where the same person is
    on the team, every item of that agreement is theirs."""
    from alliance.accounts.services import membership_grant
    from alliance.partnerships import services as ps

    today = clock.today()
    ps.participation_add(
        actor=world.owner, agreement=world.agreement, party=world.party_z, role="contractor"
    )
    between_others = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_y,
        owed_to=[world.party_z],
        title="Pay the local firm",
        **ESTIMATE,
        due_on=today - timedelta(days=3),
    )
    owed_to_x = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_y,
        owed_to=[world.party_z, world.party_x],
        title="Disburse the first tranche",
        **ESTIMATE,
        due_on=today - timedelta(days=4),
    )
    other = world.other_agreement
    ps.participation_add(
        actor=world.other_owner, agreement=other, party=world.party_y, role="lender"
    )
    elsewhere = ps.commitment_create(
        actor=world.other_owner,
        agreement=other,
        owed_by=world.party_z,
        owed_to=[world.party_y],
        title="Hand over the site",
        **ESTIMATE,
        due_on=today - timedelta(days=2),
    )
    membership_grant(actor=world.other_owner, agreement=other, user=world.rep_x, role="counsellor")
    concerns = {
        i.key: i.concern for i in selectors.inbox(world.rep_x, today).items if i.kind == "overdue"
    }
    assert concerns == {
        f"overdue-{data.commitment_x.uuid}": "owes",
        f"overdue-{owed_to_x.uuid}": "owed",
        f"overdue-{elsewhere.uuid}": "",
    }
    assert f"overdue-{between_others.uuid}" in _keys(world.counsellor)
