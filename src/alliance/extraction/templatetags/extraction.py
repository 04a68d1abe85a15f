"""``{% extraction_sources commitment as sources %}``: the reviewed candidates a commitment
came from, for the counsellor team (candidates are internal: nobody else gets any)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.extraction.selectors import sources_of
from alliance.partnerships.choices import Recurrence

register = template.Library()


@register.simple_tag(takes_context=True)
def extraction_sources(context: dict[str, Any], commitment: Any) -> list[Any]:
    request = context.get("request")
    if request is None:
        return []
    return sources_of(request.user, commitment)


_UNITS = {
    "days": lambda n: ngettext("%(n)d day", "%(n)d days", n),
    "working_days": lambda n: ngettext("%(n)d working day", "%(n)d working days", n),
    "months": lambda n: ngettext("%(n)d month", "%(n)d months", n),
    "years": lambda n: ngettext("%(n)d year", "%(n)d years", n),
}


@register.filter
def timeframe(due: Any) -> str:
    """A candidate's timeframe in words: "30 days after signature", "15 days before …"."""
    if not isinstance(due, dict) or "within" not in due:
        return ""
    value, unit = due["within"]["value"], due["within"]["unit"]
    span = _UNITS.get(unit, _UNITS["days"])(value) % {"n": value}
    if due.get("before"):
        return _("%(span)s before %(event)s") % {"span": span, "event": due["before"]}
    if due.get("after"):
        return _("%(span)s after %(event)s") % {"span": span, "event": due["after"]}
    return _("within %(span)s") % {"span": span}


@register.filter
def recurrence_label(keyword: str) -> str:
    """The domain's label of a recurrence keyword ("weekly" has none: said in words)."""
    if keyword == "weekly":
        return _("Weekly")
    try:
        return str(Recurrence(keyword).label)
    except ValueError:
        return keyword
