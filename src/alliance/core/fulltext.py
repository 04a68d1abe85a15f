"""Full-text search of clear text on PostgreSQL, a substring match elsewhere.

On PostgreSQL a model's searchable fields form one ``tsvector``: the original text with the
``simple`` configuration (its language is not recorded: words as written, no stemming) and
each translation (``translations[lang][field]``) with its own language's configuration —
``english``, ``french``, ``german`` — so "permis" finds "permis de construire" through the
French stemmer and "Genehmigungen" finds "Genehmigung". A GIN index over exactly that
expression (``document``; made by ``alliance.web`` migration 0001) answers the match without
reading the table. The words asked for are matched as prefixes ("perm" finds "permit") in
every configuration at once, and the rows come back best first (``SearchRank``).

Encrypted fields are never part of a document: they stay searchable only by decryption
(``alliance.core.search``), so no index holds confidential words in clear.

On SQLite (the embedded default) the same call falls back to ``icontains`` on each field and
translation, ordered as the queryset was.
"""

from __future__ import annotations

import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.utils.translation import get_language

# The languages of the site and their text-search configurations.
CONFIGS = {"en": "english", "fr": "french", "de": "german"}
ORIGINAL_CONFIG = "simple"
WORD = re.compile(r"\w+", re.UNICODE)


def document(fields: tuple[str, ...], *, translated: bool) -> SearchVector:
    """The ``tsvector`` of ``fields`` (and of their translations): the expression the GIN
    index is built on and the one every search compares, so the two must stay the same."""
    vector = SearchVector(*fields, config=ORIGINAL_CONFIG)
    if translated:
        for language, config in CONFIGS.items():
            texts = [KeyTextTransform(f, KeyTransform(language, "translations")) for f in fields]
            vector = vector + SearchVector(*texts, config=config)
    return vector


def query(value: str) -> SearchQuery | None:
    """Every word of ``value`` as a prefix, in every configuration (None if no word)."""
    words = WORD.findall(value.lower())
    if not words:
        return None
    raw = " & ".join(f"{w}:*" for w in words)
    configs = [ORIGINAL_CONFIG, *CONFIGS.values()]
    return reduce(or_, (SearchQuery(raw, search_type="raw", config=c) for c in configs))


def search(
    queryset: QuerySet, fields: tuple[str, ...], value: str, *, translated: bool = False
) -> QuerySet:
    """The rows of ``queryset`` matching ``value`` in ``fields``: best first on PostgreSQL,
    in the queryset's order elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(_contains(fields, value, translated))
    wanted = query(value)
    if wanted is None:
        return queryset.none()
    vector = document(fields, translated=translated)
    return (
        queryset.annotate(search_document=vector)
        .filter(search_document=wanted)
        .annotate(search_rank=SearchRank(F("search_document"), wanted))
        .order_by("-search_rank", "pk")
    )


def _contains(fields: tuple[str, ...], value: str, translated: bool) -> Q:

    language = (get_language() or "en")[:2]
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": value})
        if translated:
            condition |= Q(**{f"translations__{language}__{name}__icontains": value})
    return condition
