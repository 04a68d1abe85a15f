"""A URL reversed once per list and filled per row is the very URL ``{% url %}`` writes."""

from __future__ import annotations

from uuid import uuid4

from django.template import engines

PAIRS = (
    ("{% url_slot 'party' '*' as u %}{{ u|fill:b }}", "{% url 'party' b %}"),
    ("{% url_slot 'commitment' a '*' as u %}{{ u|fill:b }}", "{% url 'commitment' a b %}"),
    ("{% url_slot 'commitment' '*' '*' as u %}{{ u|fill:a|fill:b }}", "{% url 'commitment' a b %}"),
    (
        "{% url_slot 'entity_edit' a 'interactions' '*' as u %}{{ u|fill:b }}",
        "{% url 'entity_edit' a 'interactions' b %}",
    ),
    ("{% url_slot 'party_brief' a '*' as u %}{{ u|fill:b }}", "{% url 'party_brief' a b %}"),
)


def test_a_filled_url_slot_is_what_the_url_tag_writes():
    engine = engines["django"]
    for slot, tag in PAIRS:
        filled = engine.from_string("{% load alliance %}" + slot)
        reversed_ = engine.from_string(tag)
        for _ in range(20):
            context = {"a": uuid4(), "b": uuid4()}
            assert filled.render(context) == reversed_.render(context), slot
