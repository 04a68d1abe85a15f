"""The party brief's judgement lines: our objectives, theirs, the points to make and what
they will likely ask with our answer, each derived from the data by the rules of
docs/briefings.md ("The party brief") with its one line of evidence, and the counsellor
team's own points (internal) added after them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.accounts import policy
from alliance.attention import counts as attention
from alliance.briefings import party_wording as say
from alliance.briefings import wording
from alliance.briefings.choices import NoteKind
from alliance.briefings.party_data import Ask, Item, TopicLine, TrustWay, World, capital, forecast
from alliance.insights.parameters import MATURITY
from alliance.partnerships.choices import CommitmentStatus, PartyKind
from alliance.partnerships.models import Commitment
from alliance.risks.choices import AlignmentStatus, WarningStatus

MAX_DERIVED = 3  # objectives, points
MAX_ASKS = 5  # derived from the data; the team's own come on top
RECENT_DELIVERY_DAYS = 90
SOON_DAYS = 30
REGULATORY_HORIZON_DAYS = 60
# Parties that carry local stakeholders' grievances to the table (communities and their
# authorities, NGOs, governments, and lenders, whose safeguards require a grievance mechanism).
GRIEVANCE_KINDS = frozenset(
    {
        PartyKind.COMMUNITY,
        PartyKind.NGO,
        PartyKind.LOCAL_AUTHORITY,
        PartyKind.GOVERNMENT,
        PartyKind.LENDER,
        PartyKind.MULTILATERAL,
    }
)


def our_objectives(w: World, topics: list[TopicLine], trust: list[TrustWay]) -> list[Item]:
    found: list[Item] = []
    late = [c for c in w.they_owe if c.due_on < w.today and c.status != CommitmentStatus.DISPUTED]
    if late:
        c = max(
            late,
            key=lambda c: (
                (w.cascade.get(str(c.uuid)) or {}).get("days_added") or 0,
                (w.today - c.due_on).days,
            ),
        )
        found.append(
            Item(
                _("Get a firm new date for “%(title)s”.") % {"title": c.localized("title")},
                _late_evidence(w, c),
            )
        )
    soon = [c for c in w.they_owe if w.today <= c.due_on <= w.today + timedelta(days=SOON_DAYS)]
    if soon:
        c = soon[0]
        probability, p80 = forecast(w, c)
        found.append(
            Item(
                _("Confirm “%(title)s” for %(day)s.")
                % {"title": c.localized("title"), "day": wording.short_date(c.due_on)},
                say.outlook(
                    status=c.status, due=c.due_on, today=w.today, probability=probability, p80=p80
                ),
            )
        )
    apart = [t for t in topics if t.gap and (t.score is None or t.score < 90)]
    if apart:
        t = min(apart, key=lambda t: t.score if t.score is not None else 100)
        found.append(
            Item(
                _("Narrow the gap on “%(topic)s” with %(other)s.")
                % {"topic": t.topic, "other": t.other_party},
                _gap_evidence(t),
            )
        )
    theirs = trust[0] if trust else None
    if theirs is not None and theirs.index is not None and theirs.index < MATURITY.trust_min:
        found.append(
            Item(
                _("Rebuild their trust: %(index)s / 100, where “Alliance” asks %(needed)d.")
                % {"index": wording.number(theirs.index), "needed": round(MATURITY.trust_min)},
                theirs.basis,
            )
        )
    return found[:MAX_DERIVED]


def _late_evidence(w: World, c: Commitment) -> str:
    days = (w.today - c.due_on).days
    text = _("Due %(day)s, %(late)s") % {
        "day": wording.short_date(c.due_on),
        "late": ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days},
    }
    k = w.cascade.get(str(c.uuid)) or {}
    affected = len(k.get("affected") or ())
    if affected:
        text += "; " + ngettext(
            "holds up %(n)d commitment by up to %(days)d working days",
            "holds up %(n)d commitments by up to %(days)d working days",
            affected,
        ) % {"n": affected, "days": max(int(a.get("working_days") or 0) for a in k["affected"])}
    return text + "."


def their_objectives(w: World) -> list[Item]:
    theirs = [
        by_party[w.party.pk] for by_party in w.expectations.values() if w.party.pk in by_party
    ]
    theirs.sort(key=lambda e: (-e.priority, e.target_date or date.max, e.topic.name))
    if not theirs:
        return [
            Item(
                _(
                    "No expectation of theirs is recorded: "
                    "ask what they expect from the partnership."
                )
            )
        ]
    return [
        Item(
            e.localized("statement"),
            "; ".join(
                part
                for part in (
                    _("%(topic)s, priority %(priority)s")
                    % {
                        "topic": e.topic.localized("name"),
                        "priority": say.priority(e.priority).lower(),
                    },
                    _("target %(value)s %(unit)s")
                    % {"value": wording.number(e.target_value, -2), "unit": e.topic.target_unit}
                    if e.target_value is not None
                    else "",
                    _("by %(day)s") % {"day": wording.short_date(e.target_date)}
                    if e.target_date
                    else "",
                    _("recorded %(day)s") % {"day": wording.short_date(e.recorded_on)},
                )
                if part
            )
            + ".",
        )
        for e in theirs[:MAX_DERIVED]
    ]


def points(w: World, trust: list[TrustWay]) -> list[Item]:
    """What to say first, most important first: our delay on what we owe them, owned before
    they raise it; what we delivered to them lately; what of ours may slip, said before they
    find out; which way their trust moves; another recent delivery."""
    delivered = _delivered(w)
    found = [*_our_delay(w), *delivered[:1], *_may_slip(w), *_trust_move(trust), *delivered[1:2]]
    return found[:MAX_DERIVED]


def _our_delay(w: World) -> list[Item]:
    for c in [c for c in w.we_owe if c.due_on < w.today][:1]:
        p80 = forecast(w, c)[1]
        return [
            Item(
                _("Acknowledge the delay on “%(title)s” before they raise it, and give a date.")
                % {"title": c.localized("title")},
                say.outlook(
                    status=c.status, due=c.due_on, today=w.today, probability=None, p80=p80
                ),
            )
        ]
    return []


def _delivered(w: World) -> list[Item]:
    since = w.today - timedelta(days=RECENT_DELIVERY_DAYS)
    delivered = [
        c
        for c in w.commitments
        if c.status == CommitmentStatus.DELIVERED
        and c.delivered_on
        and since <= c.delivered_on <= w.today
        and w.party.pk in {p.pk for p in c.owed_to.all()}
        and c.owed_by_id != w.party.pk
        and (w.mine is None or c.owed_by_id == w.mine.pk)
    ]
    delivered.sort(key=lambda c: c.delivered_on, reverse=True)
    found = []
    for c in delivered[:2]:
        evidence = say.lateness(c.delivered_on, c.due_on)
        if w.mine is None:
            evidence = _("By %(party)s, %(when)s") % {"party": c.owed_by, "when": evidence}
        else:
            evidence = capital(evidence)
        if c.evidence:
            evidence += "; " + say.quoted(c.evidence, 14)
        found.append(
            Item(
                _("“%(title)s” was delivered on %(day)s.")
                % {"title": c.localized("title"), "day": wording.short_date(c.delivered_on)},
                evidence + ".",
            )
        )
    return found


def _may_slip(w: World) -> list[Item]:
    for c in w.we_owe:
        probability, p80 = forecast(w, c)
        if c.due_on >= w.today and probability is not None and probability < 0.5:
            outlook = say.outlook(
                status=c.status, due=c.due_on, today=w.today, probability=probability, p80=p80
            )
            return [
                Item(
                    _("Say early that “%(title)s” may slip.") % {"title": c.localized("title")},
                    outlook,
                )
            ]
    return []


def _trust_move(trust: list[TrustWay]) -> list[Item]:
    theirs = trust[0] if trust else None
    if theirs is None or theirs.index is None or theirs.previous is None:
        return []
    change = round(theirs.index - theirs.previous)
    if change >= 3:
        text = _("Their trust is rising: build on it (%(change)s).")
    elif change <= -3:
        text = _(
            "Their trust is falling (%(change)s): acknowledge what slipped and say what changes."
        )
    else:
        return []
    return [Item(text % {"change": theirs.change}, theirs.basis)]


# ----- what they will likely ask -----------------------------------------------------------


def asks(w: World, topics: list[TopicLine]) -> list[Ask]:
    """Derived from the data, most pressing first (docs/briefings.md): what we owe them and
    is overdue, disputes between us, open warnings on what we owe them, their expectations
    we diverge from, grievances past their response date, regulatory requirements they
    enforce."""
    found: list[Ask] = []
    used: set[int] = set()
    for c in [c for c in w.we_owe if c.due_on < w.today][:2]:
        used.add(c.pk)
        found.append(
            Ask(
                "overdue",
                _("When will “%(title)s” be delivered?") % {"title": c.localized("title")},
                _commitment_answer(w, c),
                _late_evidence(w, c)[:-1] + _owed_by(w, c) + ".",
            )
        )
    disputed = [
        c
        for c in w.we_owe + w.they_owe
        if c.status == CommitmentStatus.DISPUTED and c.pk not in used
    ]
    for c in disputed[:1]:
        used.add(c.pk)
        change = w.latest_change.get(c.pk)
        answer = (
            _("Disputed on %(day)s: %(why)s.")
            % {"day": wording.short_date(change.happened_on), "why": say.quoted(change.evidence)}
            if change is not None and change.evidence
            else _(
                "No reason for the dispute is recorded: "
                "ask for theirs and propose how to settle it."
            )
        )
        found.append(
            Ask(
                "dispute",
                _("How do we settle the dispute over “%(title)s”?")
                % {"title": c.localized("title")},
                answer,
                _("Owed by %(by)s to %(to)s, due %(day)s.")
                % {
                    "by": c.owed_by,
                    "to": wording.names([str(p) for p in c.owed_to.all()]),
                    "day": wording.short_date(c.due_on),
                },
            )
        )
    found += _warning_asks(w, used)[:1]
    apart = sorted(
        (t for t in topics if t.gap), key=lambda t: t.score if t.score is not None else 100
    )
    for t in apart[:2]:
        found.append(
            Ask(
                "expectation",
                _("On “%(topic)s”: will you commit to %(theirs)s?")
                % {"topic": t.topic, "theirs": t.theirs},
                _expectation_answer(w, t),
                _gap_evidence(t),
            )
        )
    found += _grievance_asks(w)[:1]
    found += _requirement_asks(w)[:1]
    return found[:MAX_ASKS]


def _expectation_answer(w: World, t: TopicLine) -> str:
    if not t.other:
        return _("We have recorded no position on this topic: settle ours before the meeting.")
    if w.mine is not None:
        return _("Our position: %(ours)s.") % {"ours": t.other}
    return _("Furthest from theirs, %(party)s: %(other)s.") % {
        "party": t.other_party,
        "other": t.other,
    }


def _gap_evidence(t: TopicLine) -> str:
    """ "Theirs 74 km by 15/10/2026, MINT 60 km by 31/12/2026: target dates 28 working days
    apart. Alignment 69 / 100." (the targets where both are measurable)."""
    text = capital(t.gap)
    if t.their_target and t.other_target:
        text = _("Theirs %(theirs)s, %(party)s %(other)s: %(gap)s") % {
            "theirs": t.their_target,
            "party": t.other_party,
            "other": t.other_target,
            "gap": t.gap,
        }
    return text + "." + _alignment(t)


def _alignment(t: TopicLine) -> str:
    if t.score is None:
        return ""
    return " " + _("Alignment %(score)s / 100.") % {"score": wording.number(t.score)}


def _owed_by(w: World, c: Commitment) -> str:
    return "" if w.mine is not None else "; " + _("owed by %(party)s") % {"party": c.owed_by}


def _commitment_answer(w: World, c: Commitment) -> str:
    """Our answer on a commitment: its status, the forecast's date and the last update."""
    p80 = forecast(w, c)[1]
    if p80 is not None and p80 >= w.today:
        text = _("Expected by %(day)s (80 %% likely); now %(status)s.") % {
            "day": wording.short_date(p80),
            "status": c.get_status_display().lower(),
        }
    else:
        text = _("No forecast date: agree on a new date before the meeting (now %(status)s).") % {
            "status": c.get_status_display().lower()
        }
    change = w.latest_change.get(c.pk)
    if change is not None and change.evidence:
        text += " " + _("Last update %(day)s: %(what)s.") % {
            "day": wording.short_date(change.happened_on),
            "what": say.quoted(change.evidence, 14),
        }
    return text


def _warning_asks(w: World, used: set[int]) -> list[Ask]:
    """An open warning on something we owe them: they will ask whether it will be on time."""
    ours = {c.pk: c for c in w.we_owe if c.pk not in used}
    if not ours:
        return []
    warnings = (
        policy.early_warnings_visible_to(w.user)
        .filter(agreement=w.agreement, status=WarningStatus.OPEN, commitment__in=list(ours))
        .order_by("-raised_on", "pk")
    )
    found = []
    for warning in warnings[:3]:
        c = ours[warning.commitment_id]
        w.levels.append(warning.confidentiality)
        found.append(
            Ask(
                "warning",
                _("Will “%(title)s” be on time?") % {"title": c.localized("title")},
                _commitment_answer(w, c),
                _("Open warning since %(day)s: %(title)s.")
                % {"day": wording.short_date(warning.raised_on), "title": warning.headline},
            )
        )
        break
    return found


def _grievance_asks(w: World) -> list[Ask]:
    if w.party.kind not in GRIEVANCE_KINDS:
        return []
    late = list(
        policy.grievances_visible_to(w.user)
        .filter(attention.unanswered_grievance_q(w.today), agreement=w.agreement)
        .order_by("response_due_on", "pk")
    )
    if not late:
        return []
    oldest = late[0]
    return [
        Ask(
            "grievance",
            ngettext(
                "Why is a grievance still unanswered past its response date?",
                "Why are %(n)d grievances still unanswered past their response date?",
                len(late),
            )
            % {"n": len(late)},
            _(
                "The oldest, %(reference)s (%(category)s), is not answered yet: "
                "answer it or give a date before the meeting."
            )
            % {"reference": oldest.reference, "category": oldest.get_category_display().lower()},
            _("Received %(received)s, response due %(due)s.")
            % {
                "received": wording.short_date(oldest.received_on),
                "due": wording.short_date(oldest.response_due_on),
            },
        )
    ]


def _requirement_asks(w: World) -> list[Ask]:
    """A regulatory requirement the party enforces, not yet aligned, due within 60 days or
    past: the regulator will ask."""
    horizon = w.today + timedelta(days=REGULATORY_HORIZON_DAYS)
    rows = (
        policy.regulatory_requirements_visible_to(w.user)
        .filter(agreement=w.agreement, authority=w.party)
        .exclude(alignment_status=AlignmentStatus.ALIGNED)
        .filter(Q(deadline__isnull=True) | Q(deadline__lte=horizon))
        .prefetch_related(Prefetch("commitments", queryset=policy.commitments_visible_to(w.user)))
        .order_by("deadline", "pk")
    )
    for r in rows[:1]:
        linked = [
            f"{say.quoted(c.localized('title'), 24)} ({c.get_status_display().lower()})"
            for c in r.commitments.all()[:2]
        ]
        answer = _("%(status)s.") % {"status": r.get_alignment_status_display()}
        if linked:
            answer += " " + _("Linked: %(what)s.") % {"what": "; ".join(linked)}
        return [
            Ask(
                "requirement",
                _("Where do we stand on %(instrument)s?")
                % {"instrument": r.localized("instrument")},
                answer,
                _("Deadline %(day)s.") % {"day": wording.short_date(r.deadline)}
                if r.deadline
                else _("No deadline recorded."),
            )
        ]
    return []


# ----- the team's own points ---------------------------------------------------------------


def team_notes(w: World) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = defaultdict(list)
    rows = policy.party_brief_notes_visible_to(w.user).filter(agreement=w.agreement, party=w.party)
    for note in rows:
        if note.kind == NoteKind.ASK:
            found[note.kind].append(
                Ask(
                    "own",
                    note.text,
                    note.answer or _("Answer to prepare."),
                    _("Added by the team."),
                    own=True,
                    note=str(note.uuid),
                )
            )
        else:
            found[note.kind].append(
                Item(note.text, _("Added by the team."), own=True, note=str(note.uuid))
            )
    return found
