"""The party brief's sentences, written in the active language from codes, numbers and the
data's own titles (in the reader's language where the data has a translation)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.template.defaultfilters import floatformat, truncatewords
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.briefings.choices import EvidenceState
from alliance.briefings.wording import names, number, short_date
from alliance.engagement.choices import Priority


def signed(change: float) -> str:
    """+3 / −2 (a real minus sign), rounded to whole points."""
    rounded = round(change)
    return ("+" if rounded >= 0 else "−") + str(abs(rounded))


def state_label(state: str | None) -> str:
    try:
        return str(EvidenceState(state).label) if state else ""
    except ValueError:
        return ""


def quoted(text: str, words: int = 18) -> str:
    """Text people typed, quoted the reader's way (“…”, « … », „…“) and cut to ``words``."""
    return _("“%(text)s”") % {"text": truncatewords(" ".join(str(text).split()), words)}


def outlook(
    *, status: str, due: date, today: date, probability: float | None, p80: date | None
) -> str:
    """Where an open commitment stands, in plain words: how late or how soon, and what the
    forecast says (P80: the date it is 80 % likely done by)."""
    if status == "disputed":
        text = _("Disputed")
        if due < today:
            days = (today - due).days
            text += ", " + ngettext("%(n)d day past due", "%(n)d days past due", days) % {"n": days}
        return text + "."
    if due < today:
        days = (today - due).days
        text = ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
        if p80 is not None:
            return text + "; " + _("80 %% likely done by %(day)s.") % {"day": short_date(p80)}
        return text + "; " + _("no new date forecast.")
    days = (due - today).days
    text = (
        _("Due today")
        if days == 0
        else ngettext("Due in %(n)d day", "Due in %(n)d days", days) % {"n": days}
    )
    if probability is not None:
        text += "; " + _("%(p)s %% likely on time") % {"p": number(100 * probability)}
        if probability < 0.8 and p80 is not None and p80 > due:
            text += ", " + _("80 %% likely by %(day)s") % {"day": short_date(p80)}
    return text + "."


def lateness(delivered: date, due: date) -> str:
    days = (delivered - due).days
    if days > 0:
        return ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days}
    if days < 0:
        return ngettext("%(n)d day early", "%(n)d days early", -days) % {"n": -days}
    return _("on the day")


def statement(e: Any) -> str:
    """An expectation's statement, quoted (without its closing full stop)."""
    return quoted(e.localized("statement").rstrip(" ."), 24)


def target(e: Any, unit: str) -> str:
    """An expectation's measurable target and date: "60 km by 31/12/2026"."""
    parts = []
    if e.target_value is not None:
        parts.append(f"{floatformat(e.target_value, -2)} {unit}".strip())
    if e.target_date:
        parts.append(_("by %(day)s") % {"day": short_date(e.target_date)})
    return " ".join(parts)


def priority(value: int) -> str:
    try:
        return str(Priority(value).label)
    except ValueError:
        return str(value)


def gap(g: Mapping[str, Any]) -> str:
    """The gap between two parties' expectations on a topic (from the alignment snapshot)."""
    parts = []
    if g.get("date_gap_working_days"):
        n = abs(int(g["date_gap_working_days"]))
        parts.append(
            ngettext(
                "target dates %(n)d working day apart", "target dates %(n)d working days apart", n
            )
            % {"n": n}
        )
    if g.get("priority_steps"):
        n = int(g["priority_steps"])
        parts.append(
            ngettext("priorities %(n)d step apart", "priorities %(n)d steps apart", n) % {"n": n}
        )
    if g.get("target_gap"):
        parts.append(
            _("targets %(share)s %% apart") % {"share": number(100 * float(g["target_gap"]))}
        )
    return ", ".join(parts)


def basis(promises: int, answers: int, interactions: int) -> str:
    """What a trust figure rests on."""
    parts = [
        ngettext("%(n)d promise due", "%(n)d promises due", promises) % {"n": promises},
        ngettext("%(n)d pulse answer", "%(n)d pulse answers", answers) % {"n": answers},
        ngettext("%(n)d contact", "%(n)d contacts", interactions) % {"n": interactions},
    ]
    return _("Rests on %(parts)s.") % {"parts": names(parts)}


def trust_change(now: float | None, before: float | None, since: date | None) -> str:
    if now is None or before is None or since is None:
        return ""
    if round(now - before) == 0:
        return _("unchanged since %(day)s") % {"day": short_date(since)}
    return _("%(change)s since %(day)s") % {
        "change": signed(now - before),
        "day": short_date(since),
    }
