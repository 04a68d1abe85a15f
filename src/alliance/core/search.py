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

import unicodedata
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet

from alliance.core.encryption import EncryptedTextField

# Rows decrypted per database read.
CHUNK = 500


def fold(text: str) -> str:
    """``text`` without case or accents, so that "creche" finds "Crèche".

    Search folds every summary it decrypts: plain ASCII (most text) has no accent to remove
    and is only lower-cased, 100 times faster than the decomposition other text needs."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
    found: list[Any] = []
    rows = queryset.exclude(condition) if condition else queryset
    columns = ["pk", *sealed, *(["translations"] if translations_sealed else [])]
    for row in rows.values_list(*columns).iterator(chunk_size=CHUNK):
        texts = list(row[1 : 1 + len(sealed)])
        if translations_sealed:
            own = (row[-1] or {}).get(language) or {}
            texts += [own.get(name) for name in fields]
        if any(text and wanted in fold(text) for text in texts):
            found.append(row[0])
            if limit is not None and len(found) >= limit:
                break
    return queryset.filter(condition | Q(pk__in=found))


def _has_translations(model: Any) -> bool:
    try:
        model._meta.get_field("translations")
    except FieldDoesNotExist:
        return False
    return True
