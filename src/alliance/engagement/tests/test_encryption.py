"""Notes about people are encrypted at rest, and the keys can be rotated."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from alliance.engagement import services as es
from alliance.engagement.models import PersonNote

SECRET = "Prefers to be called before 8; wary of the lender"


def stored_text(note: PersonNote) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text FROM {PersonNote._meta.db_table} WHERE id = %s", [note.pk])
        return cursor.fetchone()[0]


def add_note(world) -> PersonNote:
    return es.person_note_add(
        actor=world.owner, agreement=world.agreement, person=world.person_x, text=SECRET
    )


def test_the_database_never_holds_the_plain_text(world):
    note = add_note(world)
    assert SECRET not in stored_text(note)
    assert stored_text(note).startswith("fernet:")
    assert PersonNote.objects.get(pk=note.pk).text == SECRET


def test_keys_rotate_without_losing_a_note(world, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    note = add_note(world)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert PersonNote.objects.get(pk=note.pk).text == SECRET
    out = StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    # The note, and the text and name the audit trail keeps of it, encrypted.
    assert out.getvalue().startswith("3 values re-encrypted")
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert PersonNote.objects.get(pk=note.pk).text == SECRET


def test_a_missing_key_is_a_clear_configuration_error(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    note = add_note(world)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        PersonNote.objects.get(pk=note.pk)
