"""``encryption.decrypter`` opens Fernet tokens by hand for search (thousands per request):
for every token it must give what ``decrypt`` gives — the text, or the same error — whichever
key of the keyring sealed it, and never a text from a token whose HMAC does not verify."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from alliance.core.encryption import PREFIX, decrypt, decrypter, encrypt

NEW, OLD = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def both(stored: str) -> tuple[object, object]:
    """What ``decrypt`` and ``decrypter`` make of ``stored``: a text or an error's type and
    message."""
    results = []
    for opener in (decrypt, decrypter()):
        try:
            results.append(opener(stored))
        except Exception as exc:  # the error itself is compared
            results.append((type(exc), str(exc)))
    return results[0], results[1]


@given(st.text(max_size=300), st.sampled_from([NEW, OLD]))
def test_a_token_sealed_by_any_key_of_the_keyring_opens_as_fernet_opens_it(text, key):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        stored = PREFIX + Fernet(key.encode()).encrypt(text.encode()).decode()
        assert both(stored) == (text, text)


@given(st.text(max_size=100), st.data())
def test_a_tampered_token_fails_as_fernet_fails(text, data):
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        raw = bytearray(base64.urlsafe_b64decode(encrypt(text)[len(PREFIX) :]))
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] ^= data.draw(st.integers(1, 255))
        old, new = both(PREFIX + base64.urlsafe_b64encode(bytes(raw)).decode())
        assert old == new
        assert old[0] is ImproperlyConfigured


def test_a_retired_key_is_a_configuration_error_as_before():
    with override_settings(FIELD_ENCRYPTION_KEYS=[OLD]):
        stored = encrypt("Letter about the tariff")
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW]),
        pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"),
    ):
        decrypter()(stored)


def _signed(key: str, block: bytes) -> str:
    """A token carrying ``block`` as its only ciphertext block, correctly signed."""
    raw = base64.urlsafe_b64decode(key)
    iv = bytes(16)
    encryptor = Cipher(algorithms.AES(raw[16:]), modes.CBC(iv)).encryptor()
    body = b"\x80" + bytes(8) + iv + encryptor.update(block) + encryptor.finalize()
    tag = hmac.digest(raw[:16], body, hashlib.sha256)
    return PREFIX + base64.urlsafe_b64encode(body + tag).decode()


@pytest.mark.parametrize(
    "block",
    [
        b"text" + bytes([12]) * 12,
        b"text" + bytes(12),
        b"text" + bytes([17]) * 12,
        b"abc" * 5 + b"\x02",
    ],
)
def test_a_signed_token_is_unpadded_as_fernet_unpads_it(block):
    """Correct padding opens; zero, too long or inconsistent padding fails like Fernet."""
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW, OLD]):
        for key in (NEW, OLD):
            old, new = both(_signed(key, block))
            assert old == new


def test_clear_values_and_the_derived_key_pass_as_before():
    with override_settings(FIELD_ENCRYPTION_KEYS=[]):
        assert both("written before encryption") == ("written before encryption",) * 2
        assert both(encrypt("Réunion à Genève")) == ("Réunion à Genève",) * 2
