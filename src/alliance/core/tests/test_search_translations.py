"""Search over encrypted summaries also reads their translation into the reader's language,
and decrypts it only for a summary that did not match by itself."""

from __future__ import annotations

from datetime import date

from alliance.accounts import policy
from alliance.core import search
from alliance.engagement import services as es


def _log(world, summary: str, translation: str | None = None):
    interaction = es.interaction_log(
        actor=world.counsellor,
        agreement=world.agreement,
        parties=[world.party_x],
        kind="call",
        occurred_on=date(2025, 4, 1),
        summary=summary,
    )
    if translation is not None:
        interaction.translations = {"fr": {"summary": translation}}
        interaction.save(update_fields=["translations"])
    return interaction


def _found(world, q: str, language: str) -> list[str]:
    visible = policy.interactions_visible_to(world.counsellor).order_by("pk")
    return [i.summary for i in search.text_search(visible, ("summary",), q, language=language)]


def test_a_summary_is_found_through_its_translation_in_the_readers_language(world):
    _log(world, "Meeting at the ministry", "Réunion au ministère")
    _log(world, "Call about the permit")
    assert _found(world, "reunion", "fr") == ["Meeting at the ministry"]
    assert _found(world, "RÉUNION", "fr") == ["Meeting at the ministry"]
    assert _found(world, "reunion", "en") == []
    assert _found(world, "ministry", "fr") == ["Meeting at the ministry"]


def test_a_translation_is_decrypted_only_if_the_summary_did_not_match(world, monkeypatch):
    _log(world, "Meeting at the ministry", "Réunion au ministère")
    opened = []
    make = search.decrypter

    def counting():
        plain = make()

        def opener(stored):
            opened.append(plain(stored))
            return opened[-1]

        return opener

    monkeypatch.setattr(search, "decrypter", counting)
    assert _found(world, "ministry", "fr") == ["Meeting at the ministry"]
    assert opened == ["Meeting at the ministry"]
    opened.clear()
    assert _found(world, "reunion", "fr") == ["Meeting at the ministry"]
    assert len(opened) == 2
