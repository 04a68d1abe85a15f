"""The audit log page: for owners, filtered, paged, exported, read-only; never showing text the
reader may not read; and, on PostgreSQL, a table that refuses UPDATE and DELETE."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from alliance.accounts import audit, services
from alliance.accounts.models import AuditEvent, Membership
from alliance.engagement import services as es
from alliance.partnerships import services as ps
from alliance.testing import tally
from alliance.web.tests.data import INTERNAL_TEXT, RESTRICTED_TEXT, add_cockpit_data

DAY = date(2026, 12, 31)

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_only_owners_and_administrators_open_the_audit_log(world):
    url = reverse("audit_log")
    for name, user in world.actors.items():
        tally("audit.role")
        assert _client(user).get(url).status_code == (200 if name == "owner" else 404), name
    tally("audit.role", 4)  # the administrator and the other owner three times, below
    assert _client(world.admin).get(url).status_code == 200
    # An owner of another agreement cannot name this one.
    other = _client(world.other_owner)
    assert other.get(url).status_code == 200
    assert other.get(url, {"agreement": world.agreement.uuid}).status_code == 404
    assert other.get(url, {"agreement": "not-a-uuid"}).status_code == 404


@pytest.mark.django_db
def test_owner_sees_only_their_agreements_events(world):
    ps.milestone_create(
        actor=world.other_owner, agreement=world.other_agreement, title="ZZ-OTHER", due_on=DAY
    )
    ps.milestone_create(actor=world.owner, agreement=world.agreement, title="AA-MINE", due_on=DAY)
    page = _client(world.owner).get(reverse("audit_log")).content.decode()
    assert "AA-MINE" in page and "ZZ-OTHER" not in page


@pytest.mark.django_db
def test_filters_by_user_object_agreement_action_and_time(world):
    milestone = ps.milestone_create(
        actor=world.owner, agreement=world.agreement, title="Close", due_on=DAY
    )
    ps.milestone_update(actor=world.editor, milestone=milestone, title="Financial close")
    client = _client(world.owner)
    url = reverse("audit_log")
    by_editor = client.get(url, {"actor": world.editor.pk}).context["rows"]
    assert {r.actor for r in by_editor} == {"editor"}
    assert any(r.object_repr == "Financial close" for r in by_editor)
    updates = client.get(url, {"action": "update"}).context["rows"]
    assert updates and {r.action for r in updates} == {"update"}
    history = client.get(url, {"object_id": str(milestone.uuid)}).context["rows"]
    assert [r.action for r in history] == ["update", "create"]
    kind = client.get(url, {"object_type": "partnerships.milestone"}).context["rows"]
    assert {r.object_type for r in kind} == {"partnerships.milestone"}
    agreement = client.get(url, {"agreement": world.agreement.uuid}).context["page"]
    assert agreement.paginator.count == AuditEvent.objects.filter(agreement=world.agreement).count()
    assert not client.get(url, {"until": "2000-01-01"}).context["rows"]
    today = milestone.created_at.date().isoformat()
    assert client.get(url, {"since": today, "until": today}).context["rows"]


@pytest.mark.django_db
def test_the_page_is_paged_and_the_export_holds_every_filtered_event(world):
    for i in range(60):
        ps.milestone_create(
            actor=world.owner, agreement=world.agreement, title=f"M{i:02}", due_on=DAY
        )
    client = _client(world.owner)
    url = reverse("audit_log")
    first = client.get(url, {"object_type": "partnerships.milestone"})
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    assert (
        len(client.get(url, {"object_type": "partnerships.milestone", "page": 2}).context["rows"])
        == 10
    )
    export = client.get(url, {"object_type": "partnerships.milestone", "format": "csv"})
    assert export["Content-Type"].startswith("text/csv") and export["Cache-Control"] == "no-store"
    rows = _csv(export)
    objects = {row[5] for row in rows[1:]}
    assert len(objects) == 60


@pytest.mark.django_db
def test_a_formula_in_a_title_is_defused_in_the_export(world):
    ps.milestone_create(
        actor=world.owner, agreement=world.agreement, title="=HYPERLINK(1)", due_on=DAY
    )
    rows = _csv(_client(world.owner).get(reverse("audit_log"), {"format": "csv"}))
    assert all(not cell.startswith("=") for row in rows for cell in row)


@pytest.mark.django_db
def test_restricted_text_never_reaches_an_owner_not_named_on_it(world):
    """The owner is not among the users a restricted interaction names: its events say which
    fields changed, never what they held — on the page and in the export."""
    data = add_cockpit_data(world)
    es.interaction_update(
        actor=world.counsellor,
        interaction=data.restricted_interaction,
        summary=RESTRICTED_TEXT + " revised",
    )
    client = _client(world.owner)
    page = client.get(reverse("audit_log")).content.decode()
    export = "".join(",".join(r) for r in _csv(client.get(reverse("audit_log"), {"format": "csv"})))
    for text in (page, export):
        tally("audit.scan")
        assert RESTRICTED_TEXT not in text
    assert INTERNAL_TEXT in page  # the owner belongs to the team: internal text is theirs
    rows = audit.present(
        AuditEvent.objects.filter(object_id=str(data.restricted_interaction.uuid)), world.owner
    )
    assert rows and all(r.redacted for r in rows)
    assert any(c.after == "changed" for r in rows for c in r.changes)


@pytest.mark.django_db
def test_encrypted_snapshots_and_markers_show_as_changed(world):
    event = AuditEvent.objects.create(
        agreement=world.agreement,
        object_type="partnerships.milestone",
        object_id="x",
        object_repr="m",
        action="update",
        before={"title": "fernet:gAAAA-secret", "note": "[encrypted]"},
        after={"title": {"changed": True}},
    )
    (row,) = audit.present([event], world.owner)
    changes = {c.field: (c.before, c.after) for c in row.changes}
    assert changes == {"note": ("changed", "—"), "title": ("changed", "changed")}


@pytest.mark.django_db
def test_membership_changes_are_in_the_trail(world):
    services.membership_revoke(
        actor=world.owner, membership=Membership.objects.get(user=world.viewer)
    )
    rows = (
        _client(world.owner)
        .get(reverse("audit_log"), {"object_type": "accounts.membership", "action": "delete"})
        .context["rows"]
    )
    assert len(rows) == 1 and "viewer" in rows[0].object_repr


@pytest.mark.django_db
def test_deleting_an_agreement_leaves_its_trail_untouched(world):
    add_cockpit_data(world)
    agreement_pk = world.agreement.pk
    before = dict(AuditEvent.objects.values_list("id", "agreement_id"))
    assert list(before.values()).count(agreement_pk) > 20
    ps.agreement_delete(actor=world.owner, agreement=world.agreement)
    tally("delete.attempt")
    after = dict(AuditEvent.objects.values_list("id", "agreement_id"))
    assert {k: after[k] for k in before} == before  # nothing deleted, nothing changed
    (row,) = audit.present(AuditEvent.objects.filter(pk=min(before)), world.admin)
    assert row.agreement in ("", f"deleted agreement #{agreement_pk}")
    rows = audit.present(AuditEvent.objects.filter(agreement_id=agreement_pk)[:5], world.admin)
    assert {r.agreement for r in rows} == {f"deleted agreement #{agreement_pk}"}


@on_postgresql
@pytest.mark.django_db
def test_postgresql_refuses_to_update_or_delete_an_audit_event(world):
    event = AuditEvent.objects.first()
    for statement in (
        ("UPDATE accounts_auditevent SET object_repr = 'forged' WHERE id = %s", [event.pk]),
        ("DELETE FROM accounts_auditevent WHERE id = %s", [event.pk]),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(*statement)
        tally("audit.refused")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    tally("audit.refused")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    tally("audit.refused")
    event.refresh_from_db()
    assert event.object_repr != "forged"


@on_postgresql
@pytest.mark.django_db
def test_postgresql_lets_only_the_content_be_rewritten_when_asked(world):
    event = AuditEvent.objects.first()
    with audit.rewriting_content():
        AuditEvent.objects.filter(pk=event.pk).update(after={"note": "fernet:rotated"})
    event.refresh_from_db()
    assert event.after == {"note": "fernet:rotated"}
    with pytest.raises(DatabaseError), audit.rewriting_content():
        AuditEvent.objects.filter(pk=event.pk).update(actor=None)
    tally("audit.refused")
    with pytest.raises(DatabaseError), audit.rewriting_content():
        AuditEvent.objects.filter(pk=event.pk).delete()
    tally("audit.refused")


@on_postgresql
@pytest.mark.django_db
def test_postgresql_deletes_agreements_and_users_with_their_trail_in_place(world):
    add_cockpit_data(world)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    ps.agreement_delete(actor=world.owner, agreement=world.agreement)
    world.editor.delete()
    tally("delete.attempt", 2)
    # Every earlier event is still there; the deletion added its own (the agreement's and one
    # for each row its cascade took).
    after = set(AuditEvent.objects.values_list("pk", flat=True))
    assert before < after
