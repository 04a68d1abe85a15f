"""``agreement_for`` (every agreement page's first step) reads a member's agreement and access
in one query; what it answers is what the policy answers (visible or 404, role, party, team)."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.forms.models import model_to_dict
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from alliance.accounts import policy
from alliance.partnerships.models import Agreement
from alliance.web.access import Access, access_for
from alliance.web.views.common import agreement_for

USERS = ("owner", "other_owner", "counsellor", "editor", "rep_x", "rep_y", "viewer", "outsider")
USERS += ("admin",)


def _by_the_policy(user, agreement_id):
    """What agreement_for answered before: the policy's agreement, then access_for."""
    try:
        agreement = policy.get_visible_or_404(user, Agreement, uuid=agreement_id)
    except Http404:
        return None
    return agreement, access_for(user, agreement)


def _answer(user, agreement_id):
    request = RequestFactory().get("/")
    request.user = user
    try:
        return agreement_for(request, agreement_id)
    except Http404:
        return None


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    (agreement_a, access_a), (agreement_b, access_b) = a, b
    return (
        type(agreement_a) is type(agreement_b)
        and model_to_dict(agreement_a) == model_to_dict(agreement_b)
        and {f.attname: getattr(agreement_a, f.attname) for f in Agreement._meta.concrete_fields}
        == {f.attname: getattr(agreement_b, f.attname) for f in Agreement._meta.concrete_fields}
        and access_a == access_b
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", USERS)
def test_agreement_for_answers_what_the_policy_answers(world, name):
    user = getattr(world, name)
    for agreement_id in (world.agreement.uuid, world.other_agreement.uuid, uuid.uuid4()):
        assert _same(_answer(user, agreement_id), _by_the_policy(user, agreement_id)), (
            name,
            agreement_id,
        )


@pytest.mark.django_db
def test_inactive_and_anonymous_users_see_nothing(world):
    world.counsellor.is_active = False
    world.counsellor.save()
    assert _answer(world.counsellor, world.agreement.uuid) is None
    assert _answer(AnonymousUser(), world.agreement.uuid) is None
    assert _answer(world.counsellor, "not-a-uuid") is None


@pytest.mark.django_db
def test_a_member_costs_one_query(world):
    with CaptureQueriesContext(connection) as queries:
        _, access = _answer(world.rep_x, world.agreement.uuid)
    assert len(queries) == 1
    assert access == Access(role="party_rep", party_id=world.party_x.pk, is_team=False)


@pytest.mark.django_db
def test_an_administrator_holding_a_viewer_membership_is_still_on_the_team(world):
    from alliance.accounts.choices import Role
    from alliance.accounts.models import Membership

    Membership.objects.create(user=world.admin, agreement=world.agreement, role=Role.VIEWER)
    answer = _answer(world.admin, world.agreement.uuid)
    assert _same(answer, _by_the_policy(world.admin, world.agreement.uuid))
    assert answer[1] == Access(role="viewer", party_id=None, is_team=True)
