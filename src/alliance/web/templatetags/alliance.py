"""Template helpers shared by every page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def tr(obj: Any, field: str) -> str:
    """``{{ commitment|tr:"title" }}``: the field in the current language where the data has it."""
    localized = getattr(obj, "localized", None)
    return localized(field) if localized else getattr(obj, field, "")
