"""The party brief, "before you meet…": :func:`party_brief` returns plain data, apart from any
rendering, so that the page, the PDF, the command line, the API and e-mail read the same.

Bottom line first: where we stand with the party (trust both ways, its trend and evidence,
alignment on the topics they care about), then our objectives, theirs, the points to make and
what they will likely ask with our answer — each line with the one line of evidence it rests
on —, the open commitments both ways, the people, the recent interactions and background.

**Us.** For a party representative, "us" is their own party: what we owe them is what our
party owes the party we meet. For the counsellor team and decision makers, "us" is the rest
of the partnership: every other party of the agreement (each line names who owes whom).

Everything is read through the access policy, so a representative's or a viewer's brief holds
no internal or restricted item; the marking printed on every page is the most confidential
level of what is shown. Texts are written in the active language: call it inside
``translation.override(lang)``. The rules are documented in docs/briefings.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alliance.accounts import policy
from alliance.accounts.choices import Role
from alliance.attention import counts as attention
from alliance.briefings import party_points, snapshots, wording
from alliance.briefings import party_wording as say
from alliance.briefings.choices import NoteKind
from alliance.briefings.party_data import (
    InteractionLine,
    OpenCommitment,
    PartyBrief,
    PersonLine,
    TopicLine,
    TrustWay,
    World,
    capital,
    forecast,
)
from alliance.core.models import Confidentiality
from alliance.partnerships.choices import CommitmentStatus
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.risks.choices import RiskStatus
from alliance.web.access import access_for
from alliance.web.party_selectors import next_holidays
from alliance.web.templatetags.alliance import (
    month_name,
    quadrant_label,
    salience_label,
    working_week,
)

KINDS = ("trust", "schedule", "alignment", "salience")
MAX_COMMITMENTS = 6  # each way; the rest is counted
MAX_TOPICS = 4
MAX_PEOPLE = 8
MAX_INTERACTIONS = 5
HOLIDAY_DAYS = 60


# ----- the builder -------------------------------------------------------------------------


def party_brief(user: Any, agreement: Agreement, party: Party, today: date) -> PartyBrief:
    """The brief of ``user`` before meeting ``party`` of ``agreement`` on ``today`` (the
    caller has checked that the user sees both; the page answers 404 otherwise)."""
    access = access_for(user, agreement)
    mine = _reader_party(access, party)
    w = _world(user, agreement, party, mine, today)
    trust = _trust(w)
    topics = _topics(w)
    asks = party_points.asks(w, topics)
    team = access.is_team
    notes = party_points.team_notes(w) if team else {}
    brief = PartyBrief(
        agreement_uuid=str(agreement.uuid),
        agreement_title=agreement.localized("title"),
        reference=agreement.reference,
        party_uuid=str(party.uuid),
        party_name=party.name,
        party_short=str(party),
        ours=str(mine) if mine else None,
        reader_role=access.role,
        today=today,
        as_of=snapshots.as_of(w.current.get("trust") or w.current.get("schedule")),
        language=wording.language(),
        bottom_line=[],
        trust=trust,
        trust_trend=snapshots.party_trust_history(user, agreement, str(party.uuid)),
        topics=topics,
        alignment=_mean([t.score for t in topics]),
        our_objectives=party_points.our_objectives(w, topics, trust)
        + notes.get(NoteKind.OUR_OBJECTIVE, []),
        their_objectives=party_points.their_objectives(w) + notes.get(NoteKind.THEIR_OBJECTIVE, []),
        points=party_points.points(w, trust) + notes.get(NoteKind.POINT, []),
        asks=asks + notes.get(NoteKind.ASK, []),
        we_owe=[_open(w, c) for c in w.we_owe[:MAX_COMMITMENTS]],
        they_owe=[_open(w, c) for c in w.they_owe[:MAX_COMMITMENTS]],
        we_owe_count=len(w.we_owe),
        they_owe_count=len(w.they_owe),
        we_owe_overdue=sum(1 for c in w.we_owe if attention.is_overdue(c, today)),
        they_owe_overdue=sum(1 for c in w.they_owe if attention.is_overdue(c, today)),
        people=_people(w),
        interactions=_interactions(w),
        background=_background(w),
        marking="",
        team=team,
    )
    if any(notes.values()):
        w.levels.append(Confidentiality.INTERNAL)
    brief.marking = snapshots.marking(w.levels)
    brief.bottom_line = _bottom_line(brief)
    brief.notes = _notes(brief)
    return brief


def _reader_party(access: Any, party: Party) -> Party | None:
    """The reader's own party ("us"), for a representative meeting another party."""
    if access.role != Role.PARTY_REPRESENTATIVE or access.party_id in (None, party.pk):
        return None
    return Party.objects.filter(pk=access.party_id).first()


def _world(user: Any, agreement: Agreement, party: Party, mine: Party | None, today: date) -> World:
    current, previous = snapshots.latest_and_previous(user, agreement, KINDS)
    schedule = snapshots.data(current, "schedule") or {}
    commitments = list(
        policy.commitments_visible_to(user)
        .filter(agreement=agreement)
        .filter(Q(owed_by=party) | Q(owed_to=party))
        .distinct()
        .select_related("owed_by")
        .prefetch_related("owed_to")
        .order_by("due_on", "pk")
    )
    open_ = [
        c
        for c in commitments
        if c.status not in (CommitmentStatus.DELIVERED, CommitmentStatus.WAIVED)
    ]

    def owed_to(c: Commitment) -> set[int]:
        return {p.pk for p in c.owed_to.all()}

    we_owe = [
        c
        for c in open_
        if party.pk in owed_to(c)
        and c.owed_by_id != party.pk
        and (mine is None or c.owed_by_id == mine.pk)
    ]
    they_owe = [
        c for c in open_ if c.owed_by_id == party.pk and (mine is None or mine.pk in owed_to(c))
    ]
    return World(
        user=user,
        agreement=agreement,
        party=party,
        mine=mine,
        today=today,
        current=current,
        previous=previous,
        forecast={c["commitment"]["uuid"]: c for c in schedule.get("commitments") or ()},
        cascade={c["commitment"]["uuid"]: c for c in schedule.get("cascade") or ()},
        commitments=commitments,
        we_owe=_late_first(we_owe, today),
        they_owe=_late_first(they_owe, today),
        latest_change=_latest_changes(user, commitments),
        expectations=_latest_expectations(user, agreement),
    )


def _late_first(items: list[Commitment], today: date) -> list[Commitment]:
    return sorted(items, key=lambda c: (c.due_on >= today, c.due_on, c.pk))


def _latest_changes(user: Any, commitments: Sequence[Commitment]) -> dict[int, Any]:
    """The newest status change of each commitment (its date and evidence)."""
    rows = (
        policy.commitment_status_changes_visible_to(user)
        .filter(commitment__in=[c.pk for c in commitments])
        .order_by("commitment_id", "-happened_on", "-created_at")
    )
    found: dict[int, Any] = {}
    for change in rows:
        found.setdefault(change.commitment_id, change)
    return found


def _latest_expectations(user: Any, agreement: Agreement) -> dict[int, dict[int, Any]]:
    rows = (
        policy.expectations_visible_to(user)
        .filter(topic__agreement=agreement)
        .select_related("topic", "party")
        .order_by("topic_id", "party_id", "-recorded_on", "-created_at")
    )
    found: dict[int, dict[int, Any]] = defaultdict(dict)
    for e in rows:
        found[e.topic_id].setdefault(e.party_id, e)
    return found


def _mean(values: Sequence[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return sum(found) / len(found) if found else None


# ----- where we stand ----------------------------------------------------------------------


def _trust(w: World) -> list[TrustWay]:
    """Trust both ways: for a representative, between their party and the party met (the
    pair); for the team, the party's trust in the others and the others' in it."""
    data = snapshots.data(w.current, "trust")
    if not data:
        return []
    before = snapshots.data(w.previous, "trust") or {}
    since = snapshots.as_of(w.previous.get("trust"))
    uuid = str(w.party.uuid)
    if w.mine is not None:
        mine = str(w.mine.uuid)
        pairs = {(p["truster"]["uuid"], p["trustee"]["uuid"]): p for p in data.get("pairs") or ()}
        earlier = {
            (p["truster"]["uuid"], p["trustee"]["uuid"]): p for p in before.get("pairs") or ()
        }
        ways = [
            ((uuid, mine), _("%(a)s trusts %(b)s") % {"a": w.party, "b": w.mine}),
            ((mine, uuid), _("%(a)s trusts %(b)s") % {"a": w.mine, "b": w.party}),
        ]
        found = []
        for key, label in ways:
            pair, old = pairs.get(key), earlier.get(key) or {}
            index = pair.get("index") if pair else None
            found.append(
                _way(
                    label,
                    index,
                    old.get("index"),
                    since,
                    pair.get("state") if pair else None,
                    [pair] if pair else [],
                )
            )
        return found
    rows = {p["party"]["uuid"]: p for p in data.get("parties") or ()}
    old_rows = {p["party"]["uuid"]: p for p in before.get("parties") or ()}
    row, old = rows.get(uuid) or {}, old_rows.get(uuid) or {}
    pairs = data.get("pairs") or ()
    return [
        _way(
            _("%(party)s trusts the other parties") % {"party": w.party},
            row.get("trusts_others"),
            old.get("trusts_others"),
            since,
            row.get("trusts_others_state") or row.get("evidence_state"),
            [p for p in pairs if p["truster"]["uuid"] == uuid],
        ),
        _way(
            _("The other parties trust %(party)s") % {"party": w.party},
            row.get("trusted_by_others"),
            old.get("trusted_by_others"),
            since,
            row.get("trusted_by_others_state") or row.get("evidence_state"),
            [p for p in pairs if p["trustee"]["uuid"] == uuid],
        ),
    ]


def _way(
    label: str,
    index: float | None,
    previous: float | None,
    since: date | None,
    state: str | None,
    pairs: Sequence[Mapping[str, Any]],
) -> TrustWay:
    promises = sum((p.get("promise_keeping") or {}).get("n_due") or 0 for p in pairs)
    answers = sum((p.get("perception") or {}).get("n") or 0 for p in pairs)
    contacts = sum(
        ((p.get("components") or {}).get("engagement") or {}).get("n_events") or 0 for p in pairs
    )
    return TrustWay(
        label=label,
        index=index,
        previous=previous,
        change=say.trust_change(index, previous, since),
        state=state,
        state_label=say.state_label(state),
        basis=say.basis(promises, answers, contacts) if pairs else _("No event between them yet."),
    )


def _topics(w: World) -> list[TopicLine]:
    """The topics the party holds expectations on, most important to them first, each with
    the position furthest from theirs (ours, for a representative) and the gap."""
    alignment = snapshots.data(w.current, "alignment") or {}
    uuid = str(w.party.uuid)
    cells: dict[str, float | None] = {}
    for row in alignment.get("matrix") or ():
        if row["party"]["uuid"] == uuid:
            cells = {c["topic"]["uuid"]: c.get("score") for c in row.get("cells") or ()}
    gaps: dict[tuple[str, str], Mapping[str, Any]] = {}
    for t in alignment.get("topics") or ():
        for g in t.get("pairs") or ():
            a, b = g["party"]["uuid"], g["other"]["uuid"]
            if uuid in (a, b):
                other = b if a == uuid else a
                gaps[(t["topic"]["uuid"], other)] = g
    lines = []
    for by_party in w.expectations.values():
        theirs = by_party.get(w.party.pk)
        if theirs is None:
            continue
        topic = theirs.topic
        unit = topic.target_unit
        others = [e for pk, e in by_party.items() if pk != w.party.pk]
        if w.mine is not None:
            others = [e for e in others if e.party_id == w.mine.pk]
        furthest = max(
            others,
            key=lambda e: (
                (gaps.get((str(topic.uuid), str(e.party.uuid))) or {}).get("distance") or 0
            ),
            default=None,
        )
        g = gaps.get((str(topic.uuid), str(furthest.party.uuid))) if furthest else None
        score = cells.get(str(topic.uuid))
        line = TopicLine(
            topic=topic.localized("name"),
            priority=say.priority(theirs.priority),
            score=score,
            theirs=say.statement(theirs),
            their_target=say.target(theirs, unit),
            other=say.statement(furthest) if furthest else "",
            other_target=say.target(furthest, unit) if furthest else "",
            other_party=str(furthest.party) if furthest else "",
            gap=say.gap(g) if g else "",
        )
        lines.append((-theirs.priority, score if score is not None else 101, line))
    lines.sort(key=lambda t: (t[0], t[1], t[2].topic))
    return [t[2] for t in lines[:MAX_TOPICS]]


# ----- commitments, people, interactions, background --------------------------------------


def _open(w: World, c: Commitment) -> OpenCommitment:
    probability, p80 = forecast(w, c)
    return OpenCommitment(
        uuid=str(c.uuid),
        title=c.localized("title"),
        clause=c.clause,
        owed_by=str(c.owed_by),
        owed_to=[str(p) for p in c.owed_to.all()],
        due=c.due_on,
        status=c.status,
        status_label=str(c.get_status_display()),
        days_late=max((w.today - c.due_on).days, 0),
        outlook=say.outlook(
            status=c.status, due=c.due_on, today=w.today, probability=probability, p80=p80
        ),
    )


def _people(w: World) -> list[PersonLine]:
    people = (
        policy.people_visible_to(w.user)
        .filter(party=w.party)
        .prefetch_related(
            Prefetch(
                "notes",
                queryset=policy.person_notes_visible_to(w.user)
                .filter(agreement=w.agreement)
                .order_by("-created_at"),
                to_attr="brief_notes",
            )
        )
        .order_by("name")
    )
    found = []
    for person in people[:MAX_PEOPLE]:
        notes = person.brief_notes[:1]
        w.levels.extend(n.confidentiality for n in notes)
        found.append(
            PersonLine(
                name=person.name,
                role=person.role_title,
                languages=person.languages,
                notes=[say.quoted(n.text, 16) for n in notes],
            )
        )
    return found


def _interactions(w: World) -> list[InteractionLine]:
    rows = (
        policy.interactions_visible_to(w.user)
        .filter(agreement=w.agreement, parties=w.party)
        .order_by("-occurred_on", "-created_at")[:MAX_INTERACTIONS]
    )
    found = []
    for i in rows:
        w.levels.append(i.confidentiality)
        found.append(
            InteractionLine(
                day=i.occurred_on,
                kind=str(i.get_kind_display()),
                tone=i.tone,
                tone_label=str(i.get_tone_display()),
                summary=" ".join(i.localized("summary").split()),
                confidentiality=i.confidentiality,
            )
        )
    return found


def _background(w: World) -> list[str]:
    party = w.party
    lines = []
    who = f"{party.get_kind_display()} · {party.country} · {party.get_level_display()}"
    if party.parent_id:
        who += " · " + _("part of %(parent)s") % {"parent": party.parent}
    lines.append(who + ".")
    participation = w.agreement.participations.filter(party=party).first()
    salience = next(
        (
            p
            for p in (snapshots.data(w.current, "salience") or {}).get("parties") or ()
            if p["party"]["uuid"] == str(party.uuid)
        ),
        None,
    )
    if participation is not None:
        role = _("Role in the agreement: %(role)s") % {
            "role": participation.get_role_display().lower()
        }
        if salience:
            kind = salience_label(salience.get("mitchell_class", ""))
            quadrant = quadrant_label(salience.get("mendelow_quadrant", ""))
            role += "; " + f"{kind}, {quadrant}".lower()
            if salience.get("is_key"):
                role += " — " + _("a key party")
        lines.append(role + ".")
    lines.append(
        ngettext(
            "Decides in about %(n)d working day through %(steps)d approval steps",
            "Decides in about %(n)d working days through %(steps)d approval steps",
            party.decision_cycle_days,
        )
        % {"n": party.decision_cycle_days, "steps": party.approval_steps}
        + "; "
        + _("works %(week)s; fiscal year from %(month)s.")
        % {
            "week": working_week(party.working_week),
            "month": month_name(party.fiscal_year_start_month),
        }
    )
    blackouts = (
        policy.blackout_periods_visible_to(w.user)
        .filter(party=party, ends_on__gte=w.today)
        .order_by("starts_on")[:2]
    )
    for b in blackouts:
        lines.append(
            _("Blackout: %(reason)s, %(start)s – %(end)s.")
            % {
                "reason": b.reason,
                "start": wording.short_date(b.starts_on),
                "end": wording.short_date(b.ends_on),
            }
        )
    holidays = next_holidays(party, w.today, days=HOLIDAY_DAYS, limit=4)
    if holidays:
        lines.append(
            _("Public holidays ahead: %(days)s.")
            % {"days": "; ".join(f"{wording.short_date(h.day)} {h.name}" for h in holidays)}
        )
    risks = policy.risks_visible_to(w.user).filter(
        agreement=w.agreement, owner=party, status=RiskStatus.OPEN
    )
    for r in risks.order_by("-likelihood", "pk")[:2]:
        lines.append(
            _("Risk they own: %(title)s (%(rating)s).")
            % {"title": r.localized("title"), "rating": r.get_rating_display().lower()}
        )
    return lines


# ----- the bottom line ---------------------------------------------------------------------


def _bottom_line(b: PartyBrief) -> list[str]:
    lines = []
    ways = [t for t in b.trust if t.index is not None]
    if ways:
        parts = []
        for t in ways:
            text = f"{t.label} {wording.number(t.index)} / 100"
            extras = [x for x in (t.change, t.state_label) if x]
            if extras:
                text += f" ({', '.join(extras)})"
            parts.append(text)
        lines.append(capital("; ".join(parts)) + ".")
    else:
        lines.append(_("No trust figure yet for %(party)s.") % {"party": b.party_short})
    late_we, late_they = b.we_owe_overdue, b.they_owe_overdue
    we = ngettext(
        "%(n)d open commitment owed to them (%(late)d overdue)",
        "%(n)d open commitments owed to them (%(late)d overdue)",
        b.we_owe_count,
    ) % {"n": b.we_owe_count, "late": late_we}
    they = ngettext(
        "%(n)d owed by them (%(late)d overdue)",
        "%(n)d owed by them (%(late)d overdue)",
        b.they_owe_count,
    ) % {"n": b.they_owe_count, "late": late_they}
    lines.append(capital(f"{we}; {they}."))
    if b.alignment is not None:
        lowest = min((t for t in b.topics if t.score is not None), key=lambda t: t.score)
        lines.append(
            _(
                "Alignment on the topics they care about %(score)s / 100, "
                "lowest on “%(topic)s” (%(low)s)."
            )
            % {
                "score": wording.number(b.alignment),
                "topic": lowest.topic,
                "low": wording.number(lowest.score),
            }
        )
    if b.asks:
        lines.append(_("Expect first: %(ask)s") % {"ask": b.asks[0].ask})
    return lines


def _notes(b: PartyBrief) -> list[str]:
    found = []
    if b.as_of is None:
        found.append(
            _(
                "No insight has been computed for this agreement yet: "
                "trust, forecasts and alignment are not given."
            )
        )
    elif b.stale:
        found.append(
            _(
                "Counts are taken on %(today)s; "
                "the insight figures were last computed for %(as_of)s."
            )
            % {"today": wording.short_date(b.today), "as_of": wording.short_date(b.as_of)}
        )
    return found
