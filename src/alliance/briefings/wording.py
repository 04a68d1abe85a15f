"""The brief's sentences, written in the active language from the data's codes and numbers
(never from the engine's English text), so that a French or German brief holds no English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext, npgettext, pgettext
from django.utils.translation import gettext as _

from alliance.briefings.choices import RiskLevel, SixPoint
from alliance.briefings.ratings import Rating
from alliance.partnerships.choices import MaturityStage
from alliance.web.templatetags.alliance import criterion_label

if TYPE_CHECKING:
    from alliance.briefings.selectors import AgreementBrief, KeyCommitment


def language() -> str:
    return (get_language() or "en")[:2]


def number(value: Any, digits: int = 0) -> str:
    return floatformat(value, digits) if value is not None else "—"


def short_date(day: Any) -> str:
    return date_format(day, "SHORT_DATE_FORMAT") if day else "—"


def names(items: Sequence[str]) -> str:
    """ "A, B and C" in the reader's language."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def rating_name(name: str) -> str:
    return {
        "progress": _("Progress towards alliance"),
        "implementation": _("Implementation of commitments"),
        "risk": _("Overall risk"),
    }[name]


def level_label(level: str | None) -> str:
    if level is None:
        return _("Not rated")
    if level in SixPoint.values:
        return str(SixPoint(level).label)
    return str(RiskLevel(level).label)


def level_in_sentence(name: str, level: str | None) -> str:
    """A rating's level as said of its subject in a sentence ("implementation moderately
    unsatisfactory"): the level agrees with the subject where the language wants it (French
    "mise en œuvre" is feminine, "progrès" and "risque" masculine), hence one context per
    subject."""
    if level is None:
        return level_label(level).lower()
    if name == "risk":
        return {
            "low": pgettext("overall risk is", "low"),
            "moderate": pgettext("overall risk is", "moderate"),
            "substantial": pgettext("overall risk is", "substantial"),
            "high": pgettext("overall risk is", "high"),
        }[level]
    if name == "implementation":
        return {
            "highly_satisfactory": pgettext("implementation is", "highly satisfactory"),
            "satisfactory": pgettext("implementation is", "satisfactory"),
            "moderately_satisfactory": pgettext("implementation is", "moderately satisfactory"),
            "moderately_unsatisfactory": pgettext("implementation is", "moderately unsatisfactory"),
            "unsatisfactory": pgettext("implementation is", "unsatisfactory"),
            "highly_unsatisfactory": pgettext("implementation is", "highly unsatisfactory"),
        }[level]
    return {
        "highly_satisfactory": pgettext("progress is", "highly satisfactory"),
        "satisfactory": pgettext("progress is", "satisfactory"),
        "moderately_satisfactory": pgettext("progress is", "moderately satisfactory"),
        "moderately_unsatisfactory": pgettext("progress is", "moderately unsatisfactory"),
        "unsatisfactory": pgettext("progress is", "unsatisfactory"),
        "highly_unsatisfactory": pgettext("progress is", "highly unsatisfactory"),
    }[level]


def risks_rated(level: str, n: int) -> str:
    """ "2 moderate" — a count of open risks at one level, the level agreeing with the count
    (French "2 modérés")."""
    forms = {
        "low": npgettext("open risks", "%(n)d low", "%(n)d low", n),
        "moderate": npgettext("open risks", "%(n)d moderate", "%(n)d moderate", n),
        "substantial": npgettext("open risks", "%(n)d substantial", "%(n)d substantial", n),
        "high": npgettext("open risks", "%(n)d high", "%(n)d high", n),
    }
    return forms[level] % {"n": n}


def stage_label(stage: str) -> str:
    try:
        return str(MaturityStage(stage).label)
    except ValueError:
        return stage


def criterion(key: str, label: str) -> str:
    return str(criterion_label({"key": key, "label": label}))


def criterion_measure(c: Mapping[str, Any]) -> str:
    return _("Measured %(measured)s, needs %(threshold)s.") % {
        "measured": number(c.get("measured"), 2),
        "threshold": number(c.get("threshold"), 2),
    }


# ----- ratings -----------------------------------------------------------------------------


def rating_evidence(rating: Rating) -> str:
    """The one line a rating rests on."""
    f = rating.facts
    if rating.level is None:
        return _("Not rated: no insight has been computed from enough data yet.")
    if rating.name == "progress":
        text = _("%(held)d of %(n)d criteria up to “%(stage)s” hold (%(share)s %%).") % {
            "held": f["held"],
            "n": f["criteria"],
            "stage": stage_label(f.get("next_stage") or MaturityStage.ALLIANCE),
            "share": number(rating.score),
        }
        if f.get("missing"):
            text += " " + _("Missing: %(what)s.") % {
                "what": "; ".join(criterion(k, k) for k in f["missing"][:3])
            }
        return text
    if rating.name == "implementation":
        parts = []
        if "promise_keeping" in f:
            parts.append(
                _("promises kept %(share)s %% (recent ones weigh most)")
                % {"share": number(f["promise_keeping"])}
            )
        if "open_dated" in f:
            parts.append(
                ngettext(
                    "%(late)d of %(n)d open dated commitment overdue",
                    "%(late)d of %(n)d open dated commitments overdue",
                    f["open_dated"],
                )
                % {"late": f["overdue"], "n": f["open_dated"]}
            )
        return _capital("; ".join(parts)) + "."
    parts = []
    if f.get("register"):
        counts = ", ".join(risks_rated(r, n) for r, n in reversed(f["by_rating"].items()))
        parts.append(_("open risks in the register: %(counts)s") % {"counts": counts})
    else:
        parts.append(_("no open risk in the register"))
    if f.get("on_track") is not None:
        parts.append(
            _("%(share)s %% of %(n)d open dated commitments likely on time")
            % {"share": number(f["on_track"]), "n": f["open_dated"]}
        )
    return _capital("; ".join(parts)) + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# ----- commitments and gaps ----------------------------------------------------------------


def commitment_why(k: KeyCommitment) -> str:
    parts = []
    if k.days_late:
        parts.append(
            ngettext("%(n)d day late", "%(n)d days late", k.days_late) % {"n": k.days_late}
        )
    elif k.past_due_in_dispute:
        parts.append(_("past due, in dispute (not counted late until it is settled)"))
    if k.affected:
        parts.append(
            ngettext(
                "holds up %(n)d commitment by up to %(days)d working days",
                "holds up %(n)d commitments by up to %(days)d working days",
                len(k.affected),
            )
            % {"n": len(k.affected), "days": max(a.working_days for a in k.affected)}
        )
    if k.probability_on_time is not None and not k.days_late and not k.past_due_in_dispute:
        parts.append(_("%(p)s %% likely on time") % {"p": number(100 * k.probability_on_time)})
    if k.p80 is not None and not k.days_late and not k.past_due_in_dispute:
        parts.append(_("80 %% likely done by %(day)s") % {"day": short_date(k.p80)})
    return _capital("; ".join(parts)) + "." if parts else ""


def gap(g: Mapping[str, Any]) -> str:
    """One line for a gap between two parties' expectations on a topic."""
    a, b = g["party"]["name"], g["other"]["name"]
    parts = []
    if g.get("date_gap_working_days"):
        parts.append(
            ngettext(
                "target dates %(n)d working day apart",
                "target dates %(n)d working days apart",
                abs(g["date_gap_working_days"]),
            )
            % {"n": abs(g["date_gap_working_days"])}
        )
    if g.get("priority_steps"):
        parts.append(
            ngettext(
                "priorities %(n)d step apart", "priorities %(n)d steps apart", g["priority_steps"]
            )
            % {"n": g["priority_steps"]}
        )
    if g.get("target_gap"):
        parts.append(
            _("targets %(share)s %% apart") % {"share": number(100 * float(g["target_gap"]))}
        )
    if not parts:
        return ""
    return _("%(a)s vs %(b)s: %(gaps)s") % {"a": a, "b": b, "gaps": ", ".join(parts)}


# ----- the bottom line ---------------------------------------------------------------------


def bottom_line(brief: AgreementBrief) -> list[str]:
    """Three sentences a minister's office reads first: where it stands, the ratings and
    what is late."""
    lines = []
    current = next((s for s in brief.steps if s.current), None)
    missing = [c for c in brief.criteria if not c.holds]
    if current is not None and brief.next_stage:
        lines.append(
            ngettext(
                "%(stage)s on the path to alliance; %(n)d criterion short of “%(next)s”.",
                "%(stage)s on the path to alliance; %(n)d criteria short of “%(next)s”.",
                len(missing),
            )
            % {"stage": current.label, "n": len(missing), "next": stage_label(brief.next_stage)}
        )
    elif current is not None:
        lines.append(_("%(stage)s on the path to alliance.") % {"stage": current.label})
    by = {r.name: r for r in brief.ratings}
    lines.append(
        _("Progress %(progress)s, implementation %(implementation)s, overall risk %(risk)s.")
        % {name: rating_phrase(by[name]) for name in ("progress", "implementation", "risk")}
    )
    c = brief.counts
    late = ngettext("%(n)d commitment overdue", "%(n)d commitments overdue", c.overdue) % {
        "n": c.overdue
    }
    grievances = ngettext(
        "%(n)d grievance unanswered past its response date",
        "%(n)d grievances unanswered past their response date",
        c.overdue_grievances,
    ) % {"n": c.overdue_grievances}
    trust = ""
    if brief.trust and brief.trust.index is not None:
        trust = _("; trust %(index)s / 100") % {"index": number(brief.trust.index)}
        if brief.trust.previous_index is not None:
            change = brief.trust.index - brief.trust.previous_index
            trust += " " + _("(%(change)s since %(day)s)") % {
                "change": ("+" if change >= 0 else "−") + number(abs(change)),
                "day": short_date(brief.trust.previous_as_of),
            }
    lines.append(_capital(f"{late}, {grievances}{trust}."))
    return lines


def rating_phrase(line: Any) -> str:
    text = level_in_sentence(line.name, line.current)
    previous = level_in_sentence(line.name, line.previous)
    if line.direction == "better":
        return _("%(level)s (up from %(previous)s)") % {"level": text, "previous": previous}
    if line.direction == "worse":
        return _("%(level)s (down from %(previous)s)") % {"level": text, "previous": previous}
    return text


def notes(brief: AgreementBrief) -> list[str]:
    """What the figures rest on, said once at the foot of the brief."""
    found = []
    if brief.as_of is None:
        found.append(
            _("No insight has been computed for this agreement yet: ratings are not given.")
        )
    elif brief.stale:
        found.append(
            _(
                "Counts are taken on %(today)s; the insight figures were last computed for "
                "%(as_of)s."
            )
            % {"today": short_date(brief.today), "as_of": short_date(brief.as_of)}
        )
    weak = [r.label for r in brief.ratings if r.state == "provisional"]
    if weak:
        found.append(
            _("Provisional, resting on little evidence: %(what)s.") % {"what": names(weak)}
        )
    return found
