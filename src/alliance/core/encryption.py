"""Confidential text encrypted at rest, with rotatable keys.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first; also
readable from ``FIELD_ENCRYPTION_KEYS_FILE``). The first key encrypts; every key decrypts, so a
new key can be put in front, ``alliance manage rotate_encryption_keys`` run, and the old key
dropped. Without configured keys (the demo, the tests) one key is derived from ``SECRET_KEY``.

What is encrypted: every free text that can be internal or restricted (interaction summaries
and their translations — all of them, whatever their level, since a level can change and a
value once written in clear lingers in the database's free pages and its WAL — notes on
people, the team's points for a meeting, early warnings' what, why and evidence, pulse
comments, grievance complainants). The value stays encrypted wherever it leaves the
table: in audit snapshots and in ``dumpdata`` (``value_to_string`` gives the token, and
``to_python`` reads a token back, so ``loaddata`` restores what it dumped). The database
can neither search nor compare it: lookups other than ``isnull`` are refused, and search
decrypts within what the reader may see (``alliance.web.party_selectors.search``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
from collections.abc import Callable
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact

PREFIX = "fernet:"


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"alliance-field-encryption")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    try:
        fernets = [Fernet(key.encode()) for key in _keys(keys, secret)]
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc
    return MultiFernet(fernets)


def _keys(keys: tuple[str, ...], secret: str) -> list[str]:
    return list(keys) or [_derived_key(secret).decode()]


def fernet() -> MultiFernet:
    """The keyring in force (cached per configuration)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    """Plain text of a stored value; values written before encryption pass through."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A confidential value cannot be decrypted: its key is missing from "
            "FIELD_ENCRYPTION_KEYS."
        ) from exc


def decrypter() -> Callable[[str], str]:
    """``decrypt`` for many values in a row (search reads thousands): the same result, at
    about half of Fernet's CPU per value.

    ``Fernet.decrypt`` builds an HMAC, a CBC cipher and an unpadder for every token; most of
    its time goes there, not into the cryptography. Here each key's AES context is made once
    per call of ``decrypter`` (not shared between threads or requests) and a token is opened
    as Fernet specifies: its HMAC-SHA256 checked first (constant-time), then CBC undone block
    by block (``P = AES⁻¹(C) ⊕ previous C``), then the PKCS7 padding checked; the keys are
    tried newest first, as ``MultiFernet`` does. A token this path cannot open (no key
    verifies it, bad padding, malformed) goes to ``decrypt``, so errors and their messages
    are Fernet's own."""
    settings_keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    fernet()  # validates the keys with Fernet's own checks
    keyring = []
    for key in _keys(settings_keys, settings.SECRET_KEY):
        raw = base64.urlsafe_b64decode(key)
        aes = Cipher(algorithms.AES(raw[16:]), modes.ECB()).decryptor()  # CBC undone by hand below
        keyring.append((raw[:16], aes))

    def plain(stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        opened = _open(stored[len(PREFIX) :], keyring)
        return decrypt(stored) if opened is None else opened

    return plain


def _open(token: str, keyring: list[tuple[bytes, Any]]) -> str | None:
    """The text of a Fernet ``token`` (None if no key opens it cleanly)."""
    try:
        data = base64.urlsafe_b64decode(token)
    except (TypeError, binascii.Error):
        return None
    if len(data) < 25 + 16 + 32 or data[0] != 0x80 or (len(data) - 25 - 32) % 16:
        return None
    signed, tag = data[:-32], data[-32:]
    for signing, aes in keyring:
        if not hmac.compare_digest(hmac.digest(signing, signed, "sha256"), tag):
            continue
        ciphertext = data[25:-32]
        blocks = aes.update(ciphertext)
        if len(blocks) != len(ciphertext):
            return None
        chained = data[9:-48]  # the IV, then every ciphertext block but the last
        padded = (int.from_bytes(blocks) ^ int.from_bytes(chained)).to_bytes(len(blocks))
        pad = padded[-1]
        if not 1 <= pad <= 16 or padded[-pad:] != bytes((pad,)) * pad:
            return None
        try:
            return padded[:-pad].decode()
        except UnicodeDecodeError:
            return None
    return None


def seal_short(text: str) -> str:
    """``text`` (cut to 140 bytes) encrypted into a token that fits 300 characters: how the
    audit trail names an object whose name is confidential."""
    cut = text.encode()[:140].decode(errors="ignore")
    return encrypt(cut)


def is_sealed(value: Any) -> bool:
    """Whether ``value`` is an encrypted token (as stored, or as an audit snapshot keeps it)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def unseal(value: Any) -> Any:
    """The plain text of a token; anything else as it is."""
    return decrypt(value) if is_sealed(value) else value


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


def _refusal(field: Any, lookup_name: str) -> str:
    return (
        f"{field.model.__name__}.{field.name} is encrypted: the database cannot filter it "
        f"with '{lookup_name}'; decrypt and compare in Python (alliance.core.search)."
    )


class _EmptyOnlyExact(Exact):
    """``field=None`` and ``field=""`` work on an encrypted field (empty is stored empty);
    comparing with a text cannot (each encryption differs) and is refused."""

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        if self.rhs not in (None, ""):
            raise FieldError(_refusal(self.lhs.output_field, "exact"))
        return super().as_sql(compiler, connection)


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code only ever sees the plain text.

    The database cannot search, compare or sort it: every lookup but ``isnull`` is refused
    (a filter on it would silently compare with a token). Serialisation (``dumpdata``,
    audit snapshots) gives the token, not the text; ``to_python`` turns a token back into
    text, so ``loaddata`` restores it. ``max_length`` is validated (the column itself is
    unbounded: a token is longer than its text) and gives a one-line form field.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs: Any) -> Any:
        if self.max_length is not None and not self.choices:
            from django import forms

            return super(models.TextField, self).formfield(
                **{"form_class": forms.CharField, "max_length": self.max_length, **kwargs}
            )
        return super().formfield(**kwargs)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else decrypt(value)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if is_sealed(value):
            try:
                return fernet().decrypt(value[len(PREFIX) :].encode()).decode()
            except InvalidToken:
                return value  # text that merely starts like a token
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value in (None, "") else encrypt(self._text(value))

    def _text(self, value: Any) -> str:
        return str(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact  # = None, = "": what is stored empty is empty
        if lookup_name != "isnull":
            raise FieldError(_refusal(self, lookup_name))
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: the database cannot read "
            f"'{lookup_name}' inside it."
        )


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (e.g. the translations of a confidential text) stored as one encrypted
    token. Python code sees the decoded value."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", dict)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("default") is dict:
            del kwargs["default"]
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else self._decode(decrypt(value))

    def _empty(self) -> Any:
        return self.get_default() if self.has_default() else {}

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            if is_sealed(value):
                with contextlib.suppress(InvalidToken):
                    value = fernet().decrypt(value[len(PREFIX) :].encode()).decode()
            return self._decode(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        # An empty value is stored empty: that a summary has no translation is no secret,
        # and reading (searching) it costs no decryption.
        if value is None or value in ({}, []):
            return None if value is None else ""
        return encrypt(self._text(value))

    def _text(self, value: Any) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)

    def _decode(self, text: str) -> Any:
        if text == "":
            return self._empty()
        try:
            return json.loads(text)
        except ValueError:
            return text

    def value_to_string(self, obj: Any) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else encrypt(self._text(value))

    def formfield(self, **kwargs: Any) -> Any:
        from django import forms

        return super(models.TextField, self).formfield(
            **{"form_class": forms.JSONField, "encoder": DjangoJSONEncoder, **kwargs}
        )


def encrypt_columns(schema_editor: Any, table: str, columns: list[str]) -> int:
    """Encrypt in place the values of ``columns`` still stored in clear (a data migration
    turning a text column into an encrypted one); returns how many values it encrypted."""
    return _recode_columns(schema_editor, table, columns, encrypt, "NOT LIKE")


def decrypt_columns(schema_editor: Any, table: str, columns: list[str]) -> int:
    """The reverse of ``encrypt_columns`` (a migration taken back)."""
    return _recode_columns(schema_editor, table, columns, decrypt, "LIKE")


def _recode_columns(
    schema_editor: Any, table: str, columns: list[str], recode: Any, match: str
) -> int:
    connection = schema_editor.connection
    q = connection.ops.quote_name
    count = 0
    with connection.cursor() as cursor:
        for column in columns:
            cursor.execute(
                f"SELECT id, {q(column)} FROM {q(table)} "
                f"WHERE {q(column)} IS NOT NULL AND {q(column)} <> '' "
                f"AND {q(column)} {match} %s",
                [PREFIX + "%"],
            )
            for pk, value in cursor.fetchall():
                cursor.execute(
                    f"UPDATE {q(table)} SET {q(column)} = %s WHERE id = %s",
                    [recode(value), pk],
                )
                count += 1
    return count
