"""Template helpers of the briefs."""

from __future__ import annotations

from django import template

from alliance.briefings.choices import EvidenceState, Marking

register = template.Library()


@register.filter
def evidence_state(value: str) -> str:
    """An evidence state (insufficient / provisional / established) in the reader's words."""
    try:
        return str(EvidenceState(value).label)
    except ValueError:
        return value


@register.filter
def marking_word(value: str) -> str:
    """The short word for an item's confidentiality (the full marking is in the header)."""
    try:
        return str(Marking(value).label).split("—")[0].strip()
    except ValueError:
        return value


@register.filter
def css_string(value: str) -> str:
    """``value`` as the inside of a CSS string (the PDF's page boxes)."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
