"""Searching text the database holds encrypted: decrypt and filter, within what the reader
may see.

The database cannot compare an encrypted value (``core.encryption``), so a search over an
encrypted field reads the candidate rows of a queryset the access policy already narrowed
(an agreement's interactions, the reader's own in the global search), decrypts the field
in Python and keeps the rows whose text contains the words asked for, case and accents
aside. Nothing about the text is stored to make it searchable (no index, no digest of its
words), so the database file tells nothing about which items share a word. Clear fields
are still searched by the database, in the same query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from contextlib import nullcontext
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, transaction
from django.db.models import ExpressionWrapper, F, Q, QuerySet, TextField

from alliance.core.encryption import EncryptedTextField, decrypter

# Rows decrypted per database read.
CHUNK = 500


def fold(text: str) -> str:
    """``text`` without case or accents, so that "creche" finds "Crèche".

    Search folds every summary it decrypts: plain ASCII (most text) has no accent to remove
    and is only lower-cased, 100 times faster than the decomposition other text needs. In
    other text only the characters outside ASCII are looked at (no ASCII character is a
    combining mark): a French or German summary has a few in a line."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NOT_ASCII.sub(_unless_combining, decomposed)


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _unless_combining(match: re.Match) -> str:
    char = match.group()
    return "" if unicodedata.combining(char) else char


def is_encrypted(model: Any, name: str) -> bool:
    try:
        return isinstance(model._meta.get_field(name), EncryptedTextField)
    except FieldDoesNotExist:
        return False


def text_search(
    queryset: QuerySet,
    fields: tuple[str, ...],
    value: str,
    *,
    language: str | None = None,
    limit: int | None = None,
) -> QuerySet:
    """The rows of ``queryset`` whose ``fields`` (or their translation into ``language``,
    if given and the model has translations) contain ``value``. Clear fields are matched
    by the database (``icontains``); encrypted ones by decrypting the rows the clear match
    did not already find, in the queryset's order, stopping once ``limit`` rows matched.
    The result is ``queryset`` filtered, so it keeps its order and can be sliced."""
    value = value.strip()
    if not value:
        return queryset
    model = queryset.model
    clear = [name for name in fields if not is_encrypted(model, name)]
    sealed = [name for name in fields if is_encrypted(model, name)]
    translated = language is not None and _has_translations(model)
    translations_sealed = translated and is_encrypted(model, "translations")
    condition = Q()
    for name in clear:
        condition |= Q(**{f"{name}__icontains": value})
        if translated and not translations_sealed:
            condition |= Q(**{f"translations__{language}__{name}__icontains": value})
    if not sealed and not (translations_sealed and clear):
        return queryset.filter(condition) if condition else queryset.none()
    wanted = fold(value)
    rows = queryset.exclude(condition) if condition else queryset
    columns = [*sealed, *(["translations"] if translations_sealed else [])]
    # The tokens as stored: each is decrypted only if the row is still undecided.
    stored = {f"stored_{i}": ExpressionWrapper(F(c), TextField()) for i, c in enumerate(columns)}
    with _cursor_scope(rows.db):
        found = _matches(
            rows.annotate(**stored).values_list("pk", *stored),
            len(sealed),
            fields if translations_sealed else (),
            wanted,
            language,
            limit,
        )
    return queryset.filter(condition | Q(pk__in=found))


def _cursor_scope(alias: str) -> Any:
    """Where the rows are read from. On PostgreSQL, ``iterator()`` reads through a server-side
    cursor; outside a transaction Django declares it ``WITH HOLD``, and PostgreSQL then
    computes and stores the *whole* result before the first row is sent — 4–6 s for a reader
    of 2,000 agreements (176,000 summaries), even when the first chunk holds every match the
    page shows. Inside a (read-only in effect) transaction the cursor is sent chunk by chunk
    and closed when the limit is reached (no savepoint inside a transaction already open:
    nothing is written). SQLite has no server-side cursor, and a transaction there would
    take the write lock: nothing to do."""
    if connections[alias].vendor == "postgresql":
        return transaction.atomic(using=alias, savepoint=False)
    return nullcontext()


def _matches(
    rows: QuerySet,
    sealed: int,
    translated: tuple[str, ...],
    wanted: str,
    language: str | None,
    limit: int | None,
) -> list[Any]:
    """The keys of ``rows`` (pk, the ``sealed`` encrypted fields, then the encrypted
    translations if ``translated`` names the fields to read in them, all as stored) whose
    text contains ``wanted``, in order, stopping at ``limit``. A row's translations are
    decrypted only if none of its own fields matched; empty values are stored empty."""
    plain = decrypter()
    translations = rows.model._meta.get_field("translations") if translated else None
    found: list[Any] = []
    for pk, *stored in rows.iterator(chunk_size=CHUNK):
        own = (plain(token) for token in stored[:sealed] if token)
        if _any_contains(wanted, own) or (
            translations is not None
            and stored[-1]
            and _any_contains(
                wanted, _translated(translations, plain(stored[-1]), language, translated)
            )
        ):
            found.append(pk)
            if limit is not None and len(found) >= limit:
                break
    return found


def _any_contains(wanted: str, texts: Iterable[str | None]) -> bool:
    return any(text and wanted in fold(text) for text in texts)


def _translated(
    field: Any, text: str, language: str | None, names: tuple[str, ...]
) -> list[str | None]:
    """The fields ``names`` of the translation into ``language`` in a decrypted translations
    value (decoded as the field decodes it)."""
    own = (field._decode(text) or {}).get(language) or {}
    return [own.get(name) for name in names]


def _has_translations(model: Any) -> bool:
    try:
        model._meta.get_field("translations")
    except FieldDoesNotExist:
        return False
    return True
