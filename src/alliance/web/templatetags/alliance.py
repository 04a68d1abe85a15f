"""Template helpers shared by every page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from babel import Locale, UnknownLocaleError
from django import template
from django.urls import reverse
from django.utils.dates import MONTHS, WEEKDAYS_ABBR
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from alliance.core import messages

register = template.Library()


@register.filter
def country_name(code: str | None) -> str:
    """An ISO 3166 code as the country's name in the reader's language (Babel's CLDR data):
    ``"CM"|country_name`` is Cameroon, Cameroun, Kamerun."""
    if not code:
        return ""
    try:
        locale = Locale.parse((get_language() or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return locale.territories.get(code.upper(), code)


@register.filter
def say(value: Any) -> str:
    """Generated text stored as a message, in the reader's language (plain text unchanged)."""
    return messages.render(value)


# The insights engine speaks English identifiers; these are their translated labels.
QUADRANTS = {
    "key players": _("Key players: manage closely"),
    "keep satisfied": _("Keep satisfied"),
    "keep informed": _("Keep informed"),
    "monitor": _("Monitor"),
}
SALIENCE_CLASSES = {
    "definitive": pgettext_lazy("salience class", "Definitive"),
    "dominant": pgettext_lazy("salience class", "Dominant"),
    "dangerous": pgettext_lazy("salience class", "Dangerous"),
    "dependent": pgettext_lazy("salience class", "Dependent"),
    "dormant": pgettext_lazy("salience class", "Dormant"),
    "discretionary": pgettext_lazy("salience class", "Discretionary"),
    "demanding": pgettext_lazy("salience class", "Demanding"),
    "non-stakeholder": pgettext_lazy("salience class", "Not salient"),
}

# One line each, for the legend under the salience table (Mitchell, Agle & Wood 1997).
SALIENCE_EXPLAINED = {
    "definitive": _("has power, legitimacy and urgency: act on its claims first"),
    "dominant": _("has power and legitimacy: its expectations count"),
    "dangerous": _("has power and urgency without legitimacy: may force its way"),
    "dependent": _("has legitimacy and urgency but needs others' power to act"),
    "dormant": _("has power only: could become salient if it gains a claim"),
    "discretionary": _("has legitimacy only: engage out of goodwill"),
    "demanding": _("has urgency only: loud, without power or legitimacy"),
    "non-stakeholder": _("none of the three: no claim to manage now"),
}

# How each maturity criterion is measured: a share, a 0–100 score, or a count.
CRITERION_UNITS = {
    "signatories": "count",
    "alignment": "score",
    "key_pairs_trust": "trust",
}


@register.filter
def salience_explained(name: str) -> str:
    return str(SALIENCE_EXPLAINED.get(name, ""))


@register.filter
def criterion_figure(criterion: dict[str, Any]) -> str:
    """A criterion's measure and threshold in words with their unit: "71 % (needs 70 %)"."""
    measured, threshold = criterion.get("measured"), criterion.get("threshold")
    if measured is None:
        return str(gettext("not measured yet"))
    unit = CRITERION_UNITS.get(criterion.get("key", ""), "share")
    if unit == "share":
        return gettext("%(value)s (needs %(threshold)s)") % {
            "value": percent(measured),
            "threshold": percent(threshold),
        }
    values = {
        "value": number_format(round(float(measured))),
        "threshold": number_format(round(float(threshold or 0))),
    }
    if unit == "trust":
        return gettext("%(value)s points on the 0–100 trust index (needs %(threshold)s)") % values
    if unit == "score":
        return gettext("%(value)s on the 0–100 alignment scale (needs %(threshold)s)") % values
    return gettext("%(value)s recorded (needs %(threshold)s)") % values


@register.filter
def tr(obj: Any, field: str) -> str:
    """``{{ commitment|tr:"title" }}``: the field in the current language where the data has it."""
    localized = getattr(obj, "localized", None)
    return localized(field) if localized else getattr(obj, field, "")


@register.filter(is_safe=True)
def colon(label: str) -> str:
    """``{% translate "Tone" as label %}{{ label|colon }}``: the label and its colon as the
    reader's language writes them ("Tone:", « Ton : » with a no-break space)."""
    return gettext("%(label)s:") % {"label": label}


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ people|get_item:party.pk }}``: a dictionary value in a template."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def quadrant_label(quadrant: str) -> str:
    return str(QUADRANTS.get(quadrant, quadrant))


@register.filter
def salience_label(name: str) -> str:
    return str(SALIENCE_CLASSES.get(name, name))


@register.filter
def working_week(mask: str) -> str:
    """``1111100`` as runs of working days: "Mon – Fri"; "Sun – Thu" wraps over the week."""
    flags = [c == "1" for c in (mask or "")[:7]]
    if len(flags) != 7 or not any(flags):
        return ""
    if all(flags):
        return str(_("every day"))
    # Start right after a rest day so that a run crossing Sunday → Monday stays whole.
    start = next(i for i in range(7) if not flags[i - 1])
    runs: list[list[int]] = []
    for offset in range(7):
        day = (start + offset) % 7
        if flags[day]:
            if runs and runs[-1][-1] == (day - 1) % 7:
                runs[-1].append(day)
            else:
                runs.append([day])
    names = [str(d) for d in WEEKDAYS_ABBR.values()]
    return ", ".join(
        names[r[0]] if len(r) == 1 else f"{names[r[0]]} – {names[r[-1]]}" for r in runs
    )


@register.filter
def month_name(number: int) -> str:
    return str(MONTHS.get(number, ""))


@register.filter
def tone_class(tone: int) -> str:
    return {-2: "tone-hostile", -1: "tone-tense", 0: "tone-neutral", 1: "tone-cordial"}.get(
        tone, "tone-warm"
    )


@register.filter
def heat(value: Any, scale: int = 4) -> int:
    """A value on 0..``scale`` as a heat class number 0..4 for the heatmaps."""
    try:
        return max(0, min(4, round(4 * float(value) / float(scale))))
    except (TypeError, ValueError):
        return 0


@register.filter
def likert_heat(mean: Any) -> int:
    """A 1–7 mean as a heat class 0..4 (1 → 0, 7 → 4)."""
    try:
        return max(0, min(4, round((float(mean) - 1) * 4 / 6)))
    except (TypeError, ValueError):
        return 0


@register.filter
def risk_band(likelihood: int, impact: int) -> str:
    """The band of a likelihood × impact cell (1–25): low, moderate, high, critical."""
    score = int(likelihood) * int(impact)
    if score <= 4:
        return "low"
    if score <= 9:
        return "moderate"
    if score <= 15:
        return "high"
    return "critical"


@register.filter
def absolute(value: Any) -> Any:
    try:
        return abs(value)
    except TypeError:
        return value


RULES = {
    "overdue_commitment": _("Overdue commitments"),
    "trust_falling": _("Trust falling"),
    "alignment_widening": _("Expectations drifting apart"),
    "key_party_not_met": _("Key party not met within its cadence"),
    "schedule_p80_late": _("Forecast (P80) past the due date"),
    "regulatory_deadline_near": _("Regulatory deadline near or passed"),
    "grievance_response_overdue": _("Grievance unanswered"),
}


@register.filter
def rule_label(rule: str) -> str:
    return str(RULES.get(rule, rule))


@register.filter
def stage_label(stage: str) -> str:
    from alliance.partnerships.choices import MaturityStage

    try:
        return str(MaturityStage(stage).label)
    except ValueError:
        return stage


@register.filter
def iso_date(value: Any) -> Any:
    """An ISO date string from a snapshot as a date, so that ``|date`` localises it."""
    from datetime import date

    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """A 0–1 share as a localised percentage: ``0.2754|percent`` → ``28 %``."""
    from django.template.defaultfilters import floatformat

    try:
        return f"{floatformat(100 * float(value), digits)} %"
    except (TypeError, ValueError):
        return "—"


COMPONENTS = {
    "promise": _("Promises kept"),
    "response": _("Responsiveness"),
    "engagement": _("Engagement against the rhythm"),
    "perception": _("Pulse answers"),
}


@register.filter
def component_label(name: str) -> str:
    return str(COMPONENTS.get(name, name))


@register.filter
def trust_heat(index: Any) -> int:
    from alliance.web.insight_figures import trust_heat as heat

    try:
        return heat(float(index))
    except (TypeError, ValueError):
        return 0


@register.filter
def sub(value: Any, other: Any) -> Any:
    """``{{ a|sub:b }}``: a minus b (numbers)."""
    try:
        return round(float(value) - float(other), 2)
    except (TypeError, ValueError):
        return ""


@register.filter
def alignment_heat(score: Any) -> int:
    """0..4 heat class of a 0–100 alignment score."""
    try:
        return max(0, min(4, int(float(score) // 20)))
    except (TypeError, ValueError):
        return 0


def _criterion_labels() -> dict[str, str]:
    from alliance.insights.parameters import MATURITY

    days = int(MATURITY.engagement_window_days)
    return {
        "signatories": _("at least two signatories recorded"),
        "expectations_recorded": _("expectations recorded for every signatory"),
        "signatories_met": _("every signatory met in the last %(days)s days") % {"days": days},
        "promise_keeping": _("promises kept, recent ones weighing most"),
        "alignment": _("expectations aligned across parties"),
        "local_engaged": _("local parties engaged"),
        "crossing_share": _("engagement crossing the local / international line"),
        "regulatory_aligned": _("regulatory requirements aligned"),
        "key_pairs_trust": _("trust both ways between key parties"),
        "grievances_on_time": _("grievances answered by their response date"),
    }


@register.filter
def criterion_label(criterion: dict[str, Any]) -> str:
    """A maturity criterion's name in the current language (the engine writes English)."""
    return _criterion_labels().get(criterion.get("key", ""), criterion.get("label", ""))


# Fields of a filter form that choose an order or a page, not which rows: never "active".
NOT_FILTERS = frozenset({"sort", "page"})


@register.simple_tag
def active_filters(filterset: Any) -> int:
    """How many fields of ``filterset``'s form narrow the rows: a value was given and it is not
    the field's default (the filterset's ``defaults``, e.g. the commitments' "open")."""
    if filterset is None or not getattr(filterset, "is_bound", False):
        return 0
    data = filterset.data
    defaults = getattr(filterset, "defaults", {})
    active = 0
    for name in filterset.form.fields:
        if name in NOT_FILTERS:
            continue
        values = [v for v in data.getlist(name) if v not in ("", None)]
        if values and values != [defaults.get(name)]:
            active += 1
    return active


# The slot a row's UUID takes in a URL reversed once per page (no real object has this UUID).
URL_SLOT = UUID(int=0)


@register.simple_tag
def url_slot(name: str, *args: Any) -> str:
    """The URL ``name`` reverses to with ``"*"`` among its arguments left as a slot, for a
    loop to fill per row with ``|fill``: ``{% url_slot 'party' '*' as party_url %}`` then
    ``{{ party_url|fill:party.uuid }}``. One reverse per page instead of one per row; a UUID
    slot is written exactly as ``{% url %}`` writes it (``str(uuid)``, nothing to quote)."""
    return reverse(name, args=[URL_SLOT if arg == "*" else arg for arg in args])


@register.filter
def fill(url: str, value: UUID) -> str:
    """A URL from ``url_slot`` with the row's UUID in its slot."""
    return url.replace(str(URL_SLOT), str(value), 1)
