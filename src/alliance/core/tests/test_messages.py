"""Generated text stored as keys and parameters, said in the reader's language when shown."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.utils import translation

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
