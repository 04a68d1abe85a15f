"""Confidential text encrypted at rest, with rotatable keys.

Keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated Fernet keys, newest first; also
readable from ``FIELD_ENCRYPTION_KEYS_FILE``). The first key encrypts; every key decrypts, so a
new key can be put in front, ``alliance manage rotate_encryption_keys`` run, and the old key
dropped. Without configured keys (the demo, the tests) one key is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"alliance-field-encryption")
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@cache
def _fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    try:
        fernets = [Fernet(key.encode()) for key in keys] or [Fernet(_derived_key(secret))]
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from exc
    return MultiFernet(fernets)


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


def rotate(stored: str) -> str:
    """Re-encrypt a stored value with the newest key."""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + fernet().rotate(stored[len(PREFIX) :].encode()).decode()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code only ever sees the plain text.

    The database cannot search or sort it: use it for notes, not for what people search.
    """

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return value if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)
