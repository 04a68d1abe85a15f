"""Comments on a commitment, with their confidentiality: shared with the commitment's own
parties, or internal to the counsellor team; the text is encrypted at rest and out of the
audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from alliance.accounts import policy
from alliance.accounts.models import AuditEvent
from alliance.partnerships import services as ps
from alliance.partnerships.tests.test_services import make_commitment


@pytest.fixture
def commitments(world):
    between = make_commitment(world)  # owed by X to Y
    # X's undertaking towards Z (a commitment binds two parties): Y is no party of it.
    ps.participation_add(
        actor=world.owner, agreement=world.agreement, party=world.party_z, role="observer"
    )
    own = ps.commitment_create(
        actor=world.owner,
        agreement=world.agreement,
        owed_by=world.party_x,
        owed_to=[world.party_z],
        title="Train the permit office",
        category="technical",
        due_on=date(2025, 9, 1),
        duration_optimistic=1,
        duration_likely=2,
        duration_pessimistic=3,
    )
    return between, own


def _seen(user, commitment):
    return set(
        policy.commitment_comments_visible_to(user)
        .filter(commitment=commitment)
        .values_list("text", flat=True)
    )


def test_shared_comments_reach_the_commitments_parties_and_internal_ones_the_team(
    world, commitments
):
    between, own = commitments
    ps.commitment_comment_add(
        actor=world.counsellor, commitment=between, text="team only", confidentiality="internal"
    )
    ps.commitment_comment_add(actor=world.rep_y, commitment=between, text="from Y")
    ps.commitment_comment_add(
        actor=world.counsellor, commitment=own, text="shared on X's own", confidentiality="shared"
    )
    for name in ("owner", "counsellor", "editor"):
        assert _seen(world.actors[name], between) == {"team only", "from Y"}
    assert _seen(world.rep_x, between) == _seen(world.rep_y, between) == {"from Y"}
    assert _seen(world.rep_x, own) == {"shared on X's own"}
    # Y is not a party of X's own undertaking, viewers are no party at all.
    assert _seen(world.rep_y, own) == set()
    assert _seen(world.viewer, between) == _seen(world.outsider, between) == set()


def test_a_representative_writes_shared_comments_for_their_party_only(world, commitments):
    between, own = commitments
    comment = ps.commitment_comment_add(actor=world.rep_x, commitment=between, text="on track")
    assert (comment.party, comment.confidentiality, comment.author) == (
        world.party_x,
        "shared",
        world.rep_x,
    )
    with pytest.raises(PermissionDenied):
        ps.commitment_comment_add(
            actor=world.rep_x, commitment=between, text="psst", confidentiality="internal"
        )
    with pytest.raises(PermissionDenied):
        ps.commitment_comment_add(actor=world.rep_y, commitment=own, text="not ours")
    for name in ("viewer", "outsider"):
        with pytest.raises(PermissionDenied):
            ps.commitment_comment_add(actor=world.actors[name], commitment=between, text="x")
    with pytest.raises(ValidationError):
        ps.commitment_comment_add(actor=world.rep_x, commitment=between, text="   ")


def test_the_text_is_encrypted_at_rest_and_sealed_in_the_trail(world, commitments):
    between, _own = commitments
    comment = ps.commitment_comment_add(
        actor=world.counsellor,
        commitment=between,
        text="The minister hesitates",
        confidentiality="internal",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT text FROM partnerships_commitmentcomment WHERE id = %s", [comment.pk]
        )
        (stored,) = cursor.fetchone()
    assert "minister" not in stored and stored.startswith("fernet:")
    event = AuditEvent.objects.get(object_id=str(comment.uuid))
    assert event.action == "create" and event.after["text"] == "[encrypted]"
    assert event.after["confidentiality"] == "internal"
    assert "minister" not in str(event.after)
