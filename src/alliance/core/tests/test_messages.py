"""Generated text stored as keys and parameters, said in the reader's language when shown."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core import messages
from alliance.core.messages import message, render
from alliance.insights.messages import msg

PACKAGE = Path(__file__).resolve().parents[2]


def test_a_message_renders_in_the_active_language_with_a_localised_date():
    stored = message("evidence.due_not_delivered", due=date(2026, 3, 5))
    assert stored == {
        "msg": "evidence.due_not_delivered",
        "params": {"due": {"date": "2026-03-05"}},
    }
    with translation.override("en"):
        assert render(stored) == "due 5 March 2026, not delivered"
    with translation.override("fr"):
        assert render(stored) == "échéance 5 mars 2026, non livré"
    with translation.override("de"):
        assert render(stored) == "fällig am 5. März 2026, nicht geliefert"


def test_plural_nested_and_list_parameters():
    with translation.override("fr"):
        assert render(msg("evidence.other_events", n=1)) == "1 autre événement"
        assert render(msg("evidence.other_events", n=4)) == "4 autres événements"
        nested = msg("summary.maturity", stage=msg("stage.implementing"))
        assert render(nested) == "Stade\xa0: En mise en œuvre."
        assert render(msg("missing.signatories_met", parties=["MINT", "KfW"])) == (
            "rencontrer MINT, KfW"
        )
    with translation.override("de"):
        assert render(msg("evidence.other_events", n=4)) == "4 weitere Ereignisse"


def test_numbers_keep_the_patterns_format_and_decimals_follow_the_language():
    with translation.override("en"):
        assert render(msg("summary.trust", index=71.4, low=60.2, high=80.9)) == (
            "Trust index 71 / 100 (80 % interval 60–81)."
        )
    with translation.override("fr"):
        assert render(msg("evidence.distance_grew", change=0.25)) == "l’écart a augmenté de 0,25"


def test_text_stored_before_messages_and_unknown_keys_stay_readable():
    assert render("Permit is 4 working days overdue") == "Permit is 4 working days overdue"
    assert render(None) == ""
    assert render({"msg": "warning.no_such_rule", "params": {}}) == "warning.no_such_rule"


def test_localized_walks_any_json_and_leaves_the_stored_data_alone():
    data = {"summary": msg("summary.warnings", n=3), "items": [{"label": "typed by a person"}]}
    with translation.override("de"):
        shown = messages.localized(data)
    assert shown == {"summary": "3 Warnungen durch die Regeln ausgelöst.", "items": data["items"]}
    assert data["summary"]["msg"] == "summary.warnings"


def test_every_key_the_engine_and_the_site_use_is_in_the_catalogue():
    used = set()
    pattern = re.compile(r"""\b(?:msg|message)\(\s*f?["']([a-z_]+\.[a-z_{}.]+)["']""")
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 30
    dynamic = {k for k in used if "{" in k}
    missing = {k for k in used - dynamic if k not in messages.CATALOGUE}
    assert not missing, missing
    from alliance.insights.early_warnings import RULES

    for rule in RULES:
        assert any(k.startswith(f"warning.{rule.split('_')[0]}") for k in messages.CATALOGUE)
        assert any(k.startswith(f"action.{rule.split('_')[0]}") for k in messages.CATALOGUE)
    maturity = (PACKAGE / "insights" / "maturity.py").read_text(encoding="utf-8")
    criteria = re.findall(r'_at_least\(\s*"([a-z_]+)"', maturity)
    assert len(criteria) >= 10
    assert not {f"missing.{k}" for k in criteria} - set(messages.CATALOGUE)


def test_a_name_with_translations_reads_in_the_readers_language():
    title = messages.named(
        "Libérer les emprises", {"en": {"title": "Hand over the right of way"}}, "title"
    )
    stored = message("warning.overdue_commitment", commitment=title, days=4)
    with translation.override("en"):
        assert render(stored) == "Hand over the right of way is 4 working days overdue"
    with translation.override("fr"):  # no French translation: the name as typed
        assert render(stored).startswith("Libérer les emprises ")
    with translation.override("de"):
        assert render(stored).startswith("Libérer les emprises ")
    # Without translations the name is stored as plain text, as before.
    assert messages.named("MGP-2026-006", {"en": {"summary": "x"}}, "title") == "MGP-2026-006"


# Messages as the engine stores them: keys from the catalogue, parameters as JSON gives them
# back (numbers of both kinds, dates, names with translations, nested messages and lists).
_JSON_PARAM = st.one_of(
    st.integers(-5, 500),
    st.floats(-1000, 1000, allow_nan=False),
    st.just(1),
    st.just(1.0),
    st.booleans(),
    st.text(max_size=12),
    st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(lambda d: {"date": d.isoformat()}),
    st.builds(
        lambda name, fr: {"name": name, "in": {"fr": fr}}, st.text(max_size=8), st.text(max_size=8)
    ),
    st.just({"msg": "stage.implementing", "params": {}}),
    st.lists(st.sampled_from(["MINT", "KfW", "BAD"]), max_size=3).map(lambda v: {"list": v}),
)
_PARAM_NAMES = ("n", "days", "due", "index", "low", "high", "change", "parties", "stage", "title")


@st.composite
def _stored_messages(draw: st.DrawFn) -> dict:
    key = draw(st.sampled_from(sorted(messages.CATALOGUE)))
    names = draw(st.lists(st.sampled_from(_PARAM_NAMES), unique=True, max_size=4))
    return {"msg": key, "params": {name: draw(_JSON_PARAM) for name in names}}


@settings(max_examples=150, deadline=None)
@given(data=st.lists(_stored_messages(), max_size=6), languages=st.permutations(["en", "fr", "de"]))
def test_localized_renders_each_message_as_render_does_whatever_it_rendered_before(
    data: list, languages: list[str]
):
    # The rendered messages kept between calls (per language) never give one language's
    # text, or another message's, for a message: twice over, the languages interleaved.
    for language in [*languages, *languages]:
        with translation.override(language):
            assert messages.localized({"items": data}) == {"items": [render(m) for m in data]}


def test_a_pattern_registered_later_is_used_by_the_next_localization():
    stored = {"msg": "test.registered_later", "params": {"n": 2}}
    with translation.override("en"):
        assert messages.localized([stored]) == ["test.registered_later"]  # unknown: the key
        messages.register({"test.registered_later": "%(n)s things"})
        try:
            assert messages.localized([stored]) == ["2 things"]
        finally:
            del messages.CATALOGUE["test.registered_later"]
            messages.forget_rendered()


def test_a_message_that_is_not_plain_json_is_still_rendered():
    stored = {"msg": "evidence.other_events", "params": {"n": 3}, "seen": date(2026, 1, 1)}
    with translation.override("en"):
        assert messages.localized([stored, stored]) == [render(stored)] * 2
