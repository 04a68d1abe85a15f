"""``core.search.fold`` is on the path of every search over encrypted text (each decrypted
summary is folded): its fast form must fold exactly as the plain definition does."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from alliance.core.search import fold


def reference(text: str) -> str:
    """The definition: case folded, decomposed, every combining mark removed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@given(st.text(max_size=200))
def test_fold_is_the_definition_on_any_text(text: str) -> None:
    assert fold(text) == reference(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=200))
def test_fold_is_the_definition_on_ascii(text: str) -> None:
    assert fold(text) == reference(text)


def test_fold_finds_what_a_reader_types_without_accents() -> None:
    assert fold("Crèche ÉTÉ Straße Ǆ ﬁnance") == "creche ete strasse dz finance"
    assert "permis de construire" in fold("Le PERMIS de construire délivré")
