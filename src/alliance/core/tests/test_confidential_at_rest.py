"""Every internal or restricted free text is encrypted at rest, wherever it is written: its
table, the audit trail's snapshots, a ``dumpdata`` backup; keys rotate over all of them; the
database refuses to filter what it cannot read, and search decrypts within what the reader
may see. Uploads and the embedded database are their owner's only."""

from __future__ import annotations

import importlib
import io
import json
import sqlite3
import stat
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from alliance.accounts import audit as trail
from alliance.accounts import policy
from alliance.accounts.models import AuditEvent
from alliance.briefings import services as bs
from alliance.core.encryption import PREFIX, encrypt, unseal
from alliance.core.files import compact, protect_sqlite
from alliance.core.models import Confidentiality
from alliance.core.search import text_search
from alliance.core.tests.processes import pg_cluster
from alliance.engagement import services as es
from alliance.engagement.models import Grievance, Interaction, PersonNote, TrustResponse
from alliance.risks import services as rs
from alliance.risks.models import EarlyWarning
from alliance.testing import tally

pytestmark = pytest.mark.django_db

SUMMARY = "Minister hinted the rail permit will slip to March; keep it from the lender"
TRANSLATION = "Le ministre laisse entendre que le permis ferroviaire glissera à mars"
COMMENT = "They answer before we even ask now"
COMPLAINANT = "Famille Ndiaye, kilometre 12"
WHAT = "The permit director may be moved"
WHY = "Heard twice at the ministry this week"
EVIDENCE = "The director's deputy signs everything since Monday"


def stored(obj: Any, column: str) -> str:
    table, pk = obj._meta.db_table, obj._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE "{pk}" = %s', [obj.pk])
        tally("encrypted.column")
        return cursor.fetchone()[0]


def everything(world: Any) -> dict[str, Any]:
    """One of each encrypted text, written through the services."""
    interaction = es.interaction_log(
        actor=world.counsellor,
        agreement=world.agreement,
        parties=[world.party_x],
        kind="meeting",
        occurred_on=date(2025, 4, 2),
        summary=SUMMARY,
        translations={"fr": {"summary": TRANSLATION}},
        confidentiality=Confidentiality.INTERNAL,
    )
    pulse = es.trust_pulse_open(
        actor=world.owner,
        agreement=world.agreement,
        title="Spring pulse",
        opens_on=date(2025, 4, 1),
        closes_on=date(2025, 4, 30),
    )
    response = es.trust_response_submit(
        actor=world.owner,
        pulse=pulse,
        respondent=world.person_x,
        about_party=world.party_y,
        **dict.fromkeys(("ability", "benevolence", "integrity"), 5),
        predictability=4,
        communication=6,
        comment=COMMENT,
        submitted_on=date(2025, 4, 3),
    )
    grievance = es.grievance_register(
        actor=world.owner,
        agreement=world.agreement,
        reference="G-1",
        channel="hotline",
        category="land",
        complainant=COMPLAINANT,
        summary="Fence moved onto the family's field",
        received_on=date(2025, 4, 4),
        response_due_on=date(2025, 4, 18),
    )
    warning, _new = rs.early_warning_raise(
        actor=world.counsellor,
        agreement=world.agreement,
        key="person:1",
        title=WHAT,
        explanation=WHY,
        evidence=[EVIDENCE],
        severity="warning",
        confidentiality=Confidentiality.INTERNAL,
        raised_on=date(2025, 4, 5),
    )
    note = es.person_note_add(
        actor=world.counsellor,
        agreement=world.agreement,
        person=world.person_x,
        text="Prefers calls before 8",
    )
    point = bs.party_brief_note_add(
        actor=world.counsellor,
        agreement=world.agreement,
        party=world.party_x,
        kind="ask",
        text="Will we back a second extension?",
        answer="Only with a dated plan",
    )
    return {
        "interaction": interaction,
        "response": response,
        "grievance": grievance,
        "warning": warning,
        "note": note,
        "point": point,
    }


SECRETS = {
    "interaction": {"summary": SUMMARY, "translations": TRANSLATION},
    "response": {"comment": COMMENT},
    "grievance": {"complainant": COMPLAINANT},
    "warning": {"title": WHAT, "explanation": WHY, "evidence": EVIDENCE},
}


def test_each_confidential_text_is_stored_encrypted_and_read_in_clear(world):
    items = everything(world)
    for name, columns in SECRETS.items():
        obj = items[name]
        for column, text in columns.items():
            value = stored(obj, column)
            assert value.startswith(PREFIX), (name, column)
            assert text not in value
        again = type(obj).objects.get(pk=obj.pk)
        for column, text in columns.items():
            assert text in json.dumps(getattr(again, column), ensure_ascii=False)
    assert Interaction.objects.get().localized("summary", "fr") == TRANSLATION
    assert EarlyWarning.objects.get().evidence == [EVIDENCE]


def test_empty_values_stay_empty_and_can_be_filtered(world):
    interaction = es.interaction_log(
        actor=world.owner,
        agreement=world.agreement,
        parties=[world.party_x],
        kind="call",
        occurred_on=date(2025, 4, 2),
        summary="Short call",
    )
    assert stored(interaction, "translations") == ""
    assert Interaction.objects.get().translations == {}
    assert list(TrustResponse.objects.filter(comment="")) == []
    assert Grievance.objects.filter(complainant=None).count() == 0


def test_the_database_refuses_to_compare_what_it_cannot_read(world):
    for lookup in ({"summary__icontains": "permit"}, {"summary": SUMMARY}):
        with pytest.raises(FieldError, match="encrypted"):
            list(Interaction.objects.filter(**lookup))
    with pytest.raises(FieldError, match="encrypted"):
        list(Interaction.objects.filter(translations__fr__summary="x"))


def test_the_audit_trail_keeps_encrypted_fields_encrypted(world):
    items = everything(world)
    events = AuditEvent.objects.all()
    raw = json.dumps([[e.object_repr, e.before, e.after] for e in events], ensure_ascii=False)
    tally("encrypted.audit", len(events))
    for columns in SECRETS.values():
        for text in columns.values():
            assert text not in raw
    assert "Prefers calls before 8" not in raw and "second extension" not in raw
    created = events.get(object_type="engagement.interaction", action="create")
    assert created.after["summary"].startswith(PREFIX)
    assert unseal(created.after["summary"]) == SUMMARY

    # Changing another field does not record the summary as changed (two encryptions of
    # one text differ); changing the summary records both, encrypted.
    interaction = items["interaction"]
    es.interaction_update(actor=world.counsellor, interaction=interaction, tone=1)
    tone = AuditEvent.objects.filter(object_type="engagement.interaction").order_by("-id")[0]
    assert set(tone.after) == {"tone"}
    es.interaction_update(actor=world.counsellor, interaction=interaction, summary="Now public")
    edit = AuditEvent.objects.filter(object_type="engagement.interaction").order_by("-id")[0]
    assert set(edit.after) == {"summary"}
    assert unseal(edit.before["summary"]) == SUMMARY
    assert unseal(edit.after["summary"]) == "Now public"


def test_the_audit_page_opens_encrypted_values_only_for_who_may_read_the_item(world):
    everything(world)
    events = AuditEvent.objects.filter(object_type="engagement.interaction")
    [owner_row] = trail.present(events, world.owner)  # the owner is in the team
    assert not owner_row.redacted
    assert {c.after for c in owner_row.changes if c.field == "summary"} == {SUMMARY}
    world.owner.memberships.filter(agreement=world.agreement).update(role="viewer")
    [viewer_row] = trail.present(events, world.owner)
    assert viewer_row.redacted
    assert SUMMARY not in repr(viewer_row)
    warning_events = AuditEvent.objects.filter(object_type="risks.earlywarning")
    assert all(e.object_repr.startswith(PREFIX) for e in warning_events)
    assert all(WHAT not in repr(row) for row in trail.present(warning_events, world.owner))


def test_dumpdata_writes_tokens_and_loaddata_restores_the_text(world, tmp_path):
    everything(world)
    out = io.StringIO()
    call_command("dumpdata", "engagement.interaction", "risks.earlywarning", stdout=out)
    dump = out.getvalue()
    tally("encrypted.backup")
    assert PREFIX in dump
    for text in (SUMMARY, TRANSLATION, WHAT, WHY, EVIDENCE):
        assert text not in dump and json.dumps(text)[1:-1] not in dump
    fixture = tmp_path / "backup.json"
    fixture.write_text(dump, encoding="utf-8")
    Interaction.objects.all().delete()
    EarlyWarning.objects.all().delete()
    call_command("loaddata", str(fixture), verbosity=0)
    interaction = Interaction.objects.get()
    assert interaction.summary == SUMMARY
    assert interaction.translations == {"fr": {"summary": TRANSLATION}}
    assert stored(interaction, "summary").startswith(PREFIX)
    warning = EarlyWarning.objects.get()
    assert (warning.title, warning.explanation, warning.evidence) == (WHAT, WHY, [EVIDENCE])


def test_rotation_covers_every_encrypted_field_and_the_audit_trail(world, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    items = everything(world)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    for name, columns in SECRETS.items():
        obj = type(items[name]).objects.get(pk=items[name].pk)
        for column, text in columns.items():
            assert text in json.dumps(getattr(obj, column), ensure_ascii=False)
    assert PersonNote.objects.get().text == "Prefers calls before 8"
    for event in AuditEvent.objects.all():
        for value in [event.object_repr, *event.before.values(), *event.after.values()]:
            unseal(value)  # every token opens with the new key alone
            tally("encrypted.rotated")
    rows = trail.present(
        AuditEvent.objects.filter(object_type="engagement.interaction"), world.owner
    )
    assert {c.after for row in rows for c in row.changes if c.field == "summary"} == {SUMMARY}


def test_search_finds_an_internal_summary_for_the_team_only(world, client: Client):
    everything(world)
    es.interaction_log(
        actor=world.owner,
        agreement=world.agreement,
        parties=[world.party_x, world.party_y],
        kind="call",
        occurred_on=date(2025, 4, 6),
        summary="Shared call about the Permit timetable",
    )
    cases = [
        (world.counsellor, {SUMMARY[:30], "Shared call"}),
        (world.rep_x, {"Shared call"}),
        (world.viewer, {"Shared call"}),
        (world.outsider, set()),
    ]
    for user, expected in cases:
        client.force_login(user)
        # Any case, a word of the middle, accents aside.
        page = client.get(reverse("search"), {"q": "PERMIT"}).content.decode()
        listed = client.get(
            reverse("agreement_interactions", args=[world.agreement.uuid]), {"q": "permit"}
        )
        tally("encrypted.search", 2)  # the search page and the agreement's list
        for text in (SUMMARY[:30], "Shared call"):
            assert (text in page) == (text in expected), (user, text)
            if user is not world.outsider:
                assert (text in listed.content.decode()) == (text in expected), (user, text)
    # A translation is searched in the reader's language.
    team = policy.interactions_visible_to(world.counsellor)
    assert text_search(team, ("summary",), "FERROVIAIRE", language="fr").count() == 1
    assert text_search(team, ("summary",), "ferroviaire", language="en").count() == 0
    assert (
        text_search(
            policy.interactions_visible_to(world.rep_x), ("summary",), "ferroviaire", language="fr"
        ).count()
        == 0
    )


def test_the_migrations_encrypt_what_was_stored_in_clear(world):
    items = everything(world)
    interaction = items["interaction"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE engagement_interaction SET summary = %s, translations = %s WHERE id = %s",
            [SUMMARY, json.dumps({"fr": {"summary": TRANSLATION}}), interaction.pk],
        )
        cursor.execute(
            "UPDATE risks_earlywarning SET evidence = %s WHERE id = %s",
            [json.dumps([EVIDENCE]), items["warning"].pk],
        )
    assert Interaction.objects.get().summary == SUMMARY  # clear text still reads
    editor = SimpleNamespace(connection=connection)
    engagement = importlib.import_module(
        "alliance.engagement.migrations.0005_encrypt_confidential_text"
    )
    risks = importlib.import_module("alliance.risks.migrations.0004_encrypt_confidential_text")
    engagement.encrypt_existing(apps, editor)
    risks.encrypt_existing(apps, editor)
    assert stored(interaction, "summary").startswith(PREFIX)
    assert stored(interaction, "translations").startswith(PREFIX)
    assert stored(items["warning"], "evidence").startswith(PREFIX)
    assert Interaction.objects.get().translations == {"fr": {"summary": TRANSLATION}}
    assert EarlyWarning.objects.get().evidence == [EVIDENCE]

    # The trail as it was written before: the values and the note's name in clear.
    AuditEvent.objects.create(
        object_type="engagement.personnote",
        object_id="x",
        object_repr="Awa Diop: Prefers calls before 8",
        action="update",
        before={"text": "Prefers calls before 8", "confidentiality": "internal"},
        after={"text": "Prefers calls after 9", "confidentiality": "internal"},
    )
    accounts = importlib.import_module("alliance.accounts.migrations.0007_seal_audit_snapshots")
    accounts.seal_snapshots(apps, editor)
    event = AuditEvent.objects.get(object_id="x")
    assert event.object_repr.startswith(PREFIX) and event.before["text"].startswith(PREFIX)
    assert unseal(event.after["text"]) == "Prefers calls after 9"
    assert event.before["confidentiality"] == "internal"


def test_uploads_and_the_embedded_database_are_owner_only(tmp_path, settings):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    settings.VAR_DIR = var
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        (var / name).write_bytes(b"")
        (var / name).chmod(0o644)
    fake = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(var / "db.sqlite3")})
    protect_sqlite(sender=None, connection=fake)
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    # A database elsewhere has its own folder's rules: only the files are narrowed.
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    elsewhere.chmod(0o755)
    (elsewhere / "db.sqlite3").write_bytes(b"")
    fake.settings_dict["NAME"] = str(elsewhere / "db.sqlite3")
    protect_sqlite(sender=None, connection=fake)
    assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755

    storage = FileSystemStorage(location=tmp_path / "media")
    saved = Path(storage.path(storage.save("agreements/2026/text.txt", ContentFile(b"x"))))
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert stat.S_IMODE(saved.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a scratch SQLite file")
def test_compacting_leaves_no_copy_of_replaced_text_in_the_sqlite_files(tmp_path):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    scratch = DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(tmp_path / "old.sqlite3"),
         "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"}},
        alias="scratch",
    )  # fmt: skip
    keeper = sqlite3.connect(tmp_path / "old.sqlite3")  # keeps the WAL, as a server would
    with scratch.cursor() as cursor:
        cursor.execute("CREATE TABLE note (id integer primary key, text text)")
        for n in range(200):
            cursor.execute("INSERT INTO note (text) VALUES (%s)", [f"{SUMMARY} #{n}"])
        cursor.execute("SELECT id, text FROM note")
        for pk, text in cursor.fetchall():
            cursor.execute("UPDATE note SET text = %s WHERE id = %s", [encrypt(text), pk])

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("old.sqlite3*"))

    assert SUMMARY.encode() in on_disk()  # encrypted in place, the clear text lingers
    compact(scratch, ("note",))
    tally("encrypted.compact")
    assert SUMMARY.encode() not in on_disk()
    with scratch.cursor() as cursor:
        cursor.execute("SELECT text FROM note WHERE id = 7")
        assert unseal(cursor.fetchone()[0]) == f"{SUMMARY} #6"
    scratch.close()
    keeper.close()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL suite runs it")
def test_compacting_rewrites_the_postgresql_tables_without_the_dead_rows():
    """On a cluster of the test's own: VACUUM FULL keeps row versions any older transaction of
    the server might still see (its own snapshot starts at the server's oldest), so on the
    shared test server a long test elsewhere (the API fuzz holds one for minutes) would make
    the outcome depend on timing. Alone, the check is exact."""
    from django.db.backends.postgresql.base import DatabaseWrapper

    with pg_cluster() as cluster:
        private = DatabaseWrapper(
            {
                **connection.settings_dict,
                "NAME": "alliance",
                "USER": "postgres",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": str(cluster.port),
                "OPTIONS": {},
            },
            alias="compaction",
        )
        try:

            def heap() -> bytes:
                with private.cursor() as cursor:
                    cursor.execute("CHECKPOINT")
                    cursor.execute("SELECT pg_relation_filepath('at_rest_scratch')")
                    cursor.execute("SELECT pg_read_binary_file(%s)", [cursor.fetchone()[0]])
                    return bytes(cursor.fetchone()[0])

            with private.cursor() as cursor:
                cursor.execute("CREATE TABLE at_rest_scratch (id serial primary key, text text)")
                for n in range(50):
                    cursor.execute(
                        "INSERT INTO at_rest_scratch (text) VALUES (%s)", [f"{SUMMARY} #{n}"]
                    )
                cursor.execute("UPDATE at_rest_scratch SET text = 'fernet:' || md5(text)")
            assert SUMMARY.encode() in heap()  # the dead row versions keep the clear text
            compact(private, ("at_rest_scratch",))
            tally("encrypted.compact")
            assert SUMMARY.encode() not in heap()
            with private.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM at_rest_scratch WHERE text LIKE 'fernet:%%'")
                assert cursor.fetchone()[0] == 50  # the live rows are all there
        finally:
            private.close()
