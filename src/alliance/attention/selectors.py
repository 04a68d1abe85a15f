"""The inbox ("My week"): one list, across every agreement the user may see, of what needs
action — overdue commitments and commitments at risk, grievances past their response date,
open early warnings, trust pulses to answer, and whatever other sources register
(:func:`register_source`; deliveries to confirm plug in there) — ranked by severity, then
by date, each with its owner, one line of evidence and its action one click away.

A party representative sees only what their party owes, is owed or is asked; a viewer reads
what the team reads minus anything internal (the access policy) and acts on nothing. Every
read starts from the access policy, in a fixed number of queries whatever the portfolio.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache, partial
from typing import Any, NamedTuple

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.accounts.choices import TEAM_ROLES, Role
from alliance.accounts.models import Membership
from alliance.analytics.selectors import latest_snapshots_for
from alliance.attention import counts
from alliance.attention.choices import (
    AT_RISK_BELOW,
    AT_RISK_MEDIUM_BELOW,
    PULSE_CLOSING_DAYS,
    Concern,
    ItemKind,
)
from alliance.engagement import pulse_links
from alliance.engagement.models import PulseRespondent
from alliance.insights.early_warnings import warning_key
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.risks.choices import Severity

SEVERITY_RANK = {s.value: i for i, s in enumerate(counts.SEVERITY_ORDER)}
# Rules whose warnings are said by the item of their subject (the overdue commitment, the
# grievance, the commitment at risk) rather than as items of their own.
FOLDED_RULES = ("overdue_commitment", "grievance_response_overdue", "schedule_p80_late")


class Details(NamedTuple):
    """What an item's line says beyond what ranks and counts it."""

    evidence: str  # one line: why it is here
    action_url: str
    action_label: str
    party: str = ""  # the party that must act, when there is one


class Item:
    """One thing that needs action, as the reader sees it.

    What ranks, counts and filters it (kind, subject, agreement, severity, due, title, owner,
    concern) is set when it is made. What only its line on the page says (evidence, action,
    party: dates and names formatted, a link reversed) is either given, or ``details``, a
    function called once, the first time one of them is read: a lender's representative in
    2,000 agreements has 1,200 items, of which the page shows 50."""

    __slots__ = (
        "_details",
        "_later",
        "_team",
        "agreement",
        "assignee",
        "concern",
        "due",
        "kind",
        "owner",
        "severity",
        "snoozed_until",
        "subject",
        "title",
    )

    def __init__(
        self,
        kind: str,
        subject: str,  # the UUID of what it is about
        agreement: Agreement,
        severity: str,  # a Severity value
        due: date | None,  # the day that makes it urgent (None: no date)
        title: str,
        evidence: str = "",
        action_url: str = "",
        action_label: str = "",
        party: str = "",
        owner: Any = None,  # the person who should act (a warning's owner, the assignee)
        concern: str = "",  # a representative's: what their party owes, is owed, or is asked
        assignee: Any = None,
        snoozed_until: date | None = None,
        team: list[Any] | None = None,  # whom the reader may assign it to
        *,
        details: Callable[[], Details] | None = None,
    ) -> None:
        self.kind = kind
        self.subject = subject
        self.agreement = agreement
        self.severity = severity
        self.due = due
        self.title = title
        self.owner = owner
        self.concern = concern
        self.assignee = assignee
        self.snoozed_until = snoozed_until
        self._team: list[Any] | Callable[[], list[Any]] = [] if team is None else team
        self._details = Details(evidence, action_url, action_label, party)
        self._later = details

    def __repr__(self) -> str:
        return f"<Item {self.key} {self.severity} {self.due}>"

    @property
    def details(self) -> Details:
        if self._later is not None:
            self._details, self._later = self._later(), None
        return self._details

    @property
    def team(self) -> list[Any]:
        """Whom the reader may assign it to (a function: read when first asked)."""
        if callable(self._team):
            self._team = self._team()
        return self._team

    @team.setter
    def team(self, value: list[Any] | Callable[[], list[Any]]) -> None:
        self._team = value

    @property
    def built(self) -> bool:
        """Whether its line is written (its details given or asked for)."""
        return self._later is None

    @property
    def evidence(self) -> str:
        return self.details.evidence

    @property
    def action_url(self) -> str:
        return self.details.action_url

    @property
    def action_label(self) -> str:
        return self.details.action_label

    @property
    def party(self) -> str:
        return self.details.party

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.subject}"

    @property
    def kind_label(self) -> str:
        return str(ItemKind(self.kind).label)

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    @property
    def concern_label(self) -> str:
        return str(Concern(self.concern).label) if self.concern else ""

    @property
    def who(self) -> Any:
        """Who should act: the assignee, else the owner."""
        return self.assignee or self.owner

    @property
    def rank(self) -> tuple[int, date, str]:
        return (SEVERITY_RANK[self.severity], self.due or date.max, self.title.casefold())


@dataclass
class Reader:
    """Who reads the inbox, on which day, and their place in each agreement."""

    user: Any
    today: date
    agreements: dict[int, Agreement]
    memberships: dict[int, Membership]

    @property
    def admin(self) -> bool:
        return bool(self.user.is_superuser)

    def is_team(self, agreement_id: int) -> bool:
        m = self.memberships.get(agreement_id)
        return self.admin or (m is not None and m.role in TEAM_ROLES)

    def is_viewer(self, agreement_id: int) -> bool:
        m = self.memberships.get(agreement_id)
        return not self.admin and m is not None and m.role == Role.VIEWER

    def rep_party(self, agreement_id: int) -> int | None:
        """The party a representative speaks for in the agreement (None for anyone else)."""
        m = self.memberships.get(agreement_id)
        if self.admin or m is None or m.role != Role.PARTY_REPRESENTATIVE:
            return None
        return m.party_id

    def ids(self, *, team: bool | None = None, reps: bool | None = None) -> list[int]:
        out = []
        for pk in self.agreements:
            if team is not None and self.is_team(pk) != team:
                continue
            if reps is not None and (self.rep_party(pk) is not None) != reps:
                continue
            out.append(pk)
        return out


Source = Callable[[Reader], Iterable[Item]]
_SOURCES: list[Source] = []


def register_source(source: Source) -> Source:
    """Add a source of inbox items (a function of the :class:`Reader`, returning
    :class:`Item` s it builds through the access policy, with a ``kind`` of
    :class:`~alliance.attention.choices.ItemKind`). Usable as a decorator."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def _day(value: date) -> str:
    return _day_in(value, get_language())


@lru_cache(maxsize=4096)
def _day_in(value: date, language: str | None) -> str:
    """A date as the reader's language writes it (90 µs each through Django's formats: a
    reader of 2,000 agreements has 13,000 items, mostly on a few hundred distinct days)."""
    return formats.date_format(value, "DATE_FORMAT")


def reader_for(user: Any, today: date) -> Reader:
    agreements = {a.pk: a for a in policy.agreements_visible_to(user).order_by("title")}
    memberships = {
        m.agreement_id: m
        for m in Membership.objects.filter(user_id=user.pk, agreement__in=agreements)
    }
    return Reader(user, today, agreements, memberships)


# ----- the sources ---------------------------------------------------------------------------


@dataclass
class _Warnings:
    """The open warnings the reader may see: by commitment, by key, and the rest."""

    by_commitment: dict[int, list[Any]]
    by_key: dict[str, Any]
    rows: list[Any]


def _concerning(reader: Reader, commitment: str = "") -> Q:
    """What concerns the reader, said to the database: everything of the agreements where
    they are not a representative; in those where they are, only the commitments (at
    ``commitment``, a path, "" for the commitment itself) their party owes or is owed —
    :func:`_concern` then says which (without reading whom it is owed to). A lender's
    representative in 2,000 agreements otherwise read 13,000 overdue commitments to keep
    those that concern them."""
    if not reader.ids(reps=True):
        return Q()
    owed_to_theirs = Commitment.owed_to.through.objects.filter(
        policy.represented(reader.user, "commitment__agreement_id", "party_id")
    ).values("commitment_id")
    return (
        Q(agreement_id__in=reader.ids(reps=False))
        | Q(policy.represented(reader.user, "agreement_id", f"{commitment}owed_by_id"))
        | Q(**{f"{commitment}pk__in": owed_to_theirs})
    )


# The columns an item reads from its commitment, the party that owes it and a warning's owner:
# a counsellor of 300 agreements has 3,000 commitments and 4,000 warnings to rank, each row
# (with its commitment, party and owner) made into models of 10 to 25 fields.
_COMMITMENT_FIELDS = (
    "uuid",
    "agreement_id",
    "title",
    "translations",
    "due_on",
    "owed_by__name",
    "owed_by__short_name",
)
_WARNING_FIELDS = (
    "uuid",
    "agreement_id",
    "key",
    "rule",
    "title",
    "message",
    "severity",
    "raised_on",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    *(f"commitment__{name}" for name in _COMMITMENT_FIELDS),
)


def _warnings(reader: Reader) -> _Warnings:
    rows = list(
        policy.early_warnings_visible_to(reader.user)
        .filter(counts.open_warning_q(), agreement_id__in=list(reader.agreements))
        .filter(_concerning(reader, "commitment__"))
        .select_related("owner", "commitment__owed_by")
        # Only what ranks, counts and names an item; the explanation and evidence (encrypted)
        # are read for the warnings a page shows (:func:`_warning_texts`).
        .only(*_WARNING_FIELDS)
        # The primary key breaks ties: items of the same rank keep one order from one page
        # to the next (the database's order of equal rows changes with the columns read).
        .order_by("status", "-raised_on", "pk")
    )
    by_commitment: dict[int, list[Any]] = defaultdict(list)
    for w in rows:
        if w.commitment_id:
            by_commitment[w.commitment_id].append(w)
    return _Warnings(by_commitment, {(w.agreement_id, w.key): w for w in rows}, rows)


def _most_severe(warnings: Iterable[Any], default: str) -> str:
    severities = [w.severity for w in warnings] + [default]
    return min(severities, key=lambda s: SEVERITY_RANK[s])


def _owner(warnings: Iterable[Any]) -> Any:
    return next((w.owner for w in warnings if w.owner_id), None)


def _concern(reader: Reader, c: Commitment) -> str:
    """For a representative: how the commitment concerns their party, which owes it or else
    is owed it (the database kept no other: :func:`_concerning`; one membership per person
    and agreement, so it is the party of that same membership). For everyone else: ""
    (every commitment of their agreements concerns them)."""
    party = reader.rep_party(c.agreement_id)
    if party is None:
        return ""
    return Concern.OWES if c.owed_by_id == party else Concern.OWED


def _commitment_item(
    reader: Reader,
    c: Commitment,
    kind: str,
    severity: str,
    evidence: Callable[[], str],
    warnings: list[Any],
) -> Item:
    concern = _concern(reader, c)
    agreement = reader.agreements[c.agreement_id]
    updates = concern == Concern.OWES or reader.is_team(c.agreement_id)

    def details() -> Details:
        return Details(
            evidence(),
            reverse("commitment", args=[agreement.uuid, c.uuid]),
            _("Update the commitment") if updates else _("See the commitment"),
            str(c.owed_by),
        )

    return Item(
        kind=kind,
        subject=str(c.uuid),
        agreement=agreement,
        severity=severity,
        due=c.due_on,
        title=c.localized("title"),
        owner=_owner(warnings),
        concern=concern,
        details=details,
    )


def _overdue(c: Commitment, today: date) -> Callable[[], str]:
    def evidence() -> str:
        days = (today - c.due_on).days
        return ngettext(
            "Due %(due)s, %(n)d day overdue; owed by %(party)s",
            "Due %(due)s, %(n)d days overdue; owed by %(party)s",
            days,
        ) % {"due": _day(c.due_on), "n": days, "party": c.owed_by}

    return evidence


def _likely_late(c: Commitment, p: float, as_of_day: date) -> Callable[[], str]:
    def evidence() -> str:
        return _("Due %(due)s; %(p)d %% likely to be delivered on time (forecast of %(as_of)s)") % {
            "due": _day(c.due_on),
            "p": round(100 * p),
            "as_of": _day(as_of_day),
        }

    return evidence


def _commitments(reader: Reader, warnings: _Warnings) -> list[Item]:
    """Overdue commitments, and those still ahead that the forecast says are likely late."""
    visible = (
        policy.commitments_visible_to(reader.user)
        .filter(_concerning(reader), agreement_id__in=list(reader.agreements))
        .select_related("owed_by")
        .only(*_COMMITMENT_FIELDS)
        .order_by("due_on", "title", "pk")
    )
    items = []
    for c in visible.filter(counts.overdue_commitment_q(reader.today)):
        mine = warnings.by_commitment.get(c.pk, [])
        severity = _most_severe(mine, Severity.WARNING)
        evidence = _overdue(c, reader.today)
        items.append(_commitment_item(reader, c, ItemKind.OVERDUE, severity, evidence, mine))
    items += _at_risk(reader, visible, warnings)
    return items


def _at_risk(reader: Reader, visible: Any, warnings: _Warnings) -> list[Item]:
    """Open commitments still ahead whose chance of being on time, in the newest schedule
    forecast, is below ``AT_RISK_BELOW``."""
    # Only figures and identifiers are read: the rows' messages are left unrendered.
    forecasts = latest_snapshots_for(
        list(reader.agreements.values()), ["schedule"], keys=("commitments",), localize=False
    )
    chance: dict[str, tuple[float, str]] = {}
    for kinds in forecasts.values():
        snapshot = kinds.get("schedule") or {}
        for row in snapshot.get("commitments") or ():
            p = row.get("probability_on_time")
            uuid = (row.get("commitment") or {}).get("uuid")
            if uuid and p is not None and p < AT_RISK_BELOW:
                chance[uuid] = (p, snapshot.get("as_of"))
    if not chance:
        return []
    ahead = visible.filter(
        counts.open_commitment_q(), due_on__gte=reader.today, uuid__in=list(chance)
    )
    items = []
    for c in ahead:
        p, as_of = chance[str(c.uuid)]
        mine = warnings.by_commitment.get(c.pk, [])
        severity = Severity.WARNING if p < AT_RISK_MEDIUM_BELOW else Severity.INFO
        as_of_day = date.fromisoformat(str(as_of)) if as_of else reader.today
        evidence = _likely_late(c, p, as_of_day)
        severity = _most_severe(mine, severity)
        items.append(_commitment_item(reader, c, ItemKind.AT_RISK, severity, evidence, mine))
    return items


def _grievances(reader: Reader, warnings: _Warnings) -> list[Item]:
    """Grievances unanswered past their response date (not a party's to answer: the team's
    and the viewers' inboxes only)."""
    ids = reader.ids(reps=False)
    rows = (
        policy.grievances_visible_to(reader.user)
        .filter(counts.unanswered_grievance_q(reader.today), agreement_id__in=ids)
        .order_by("response_due_on", "pk")
    )
    items = []
    for g in rows:
        agreement = reader.agreements[g.agreement_id]
        key = warning_key("grievance_response_overdue", str(agreement.uuid), str(g.uuid))
        warning = warnings.by_key.get((g.agreement_id, key))
        items.append(
            Item(
                kind=ItemKind.GRIEVANCE,
                subject=str(g.uuid),
                agreement=agreement,
                severity=_most_severe([warning] if warning else [], Severity.WARNING),
                due=g.response_due_on,
                title=_("Grievance %(reference)s (%(category)s)")
                % {"reference": g.reference, "category": g.get_category_display()},
                owner=warning.owner if warning else None,
                details=_grievance_details(reader, agreement, g),
            )
        )
    return items


def _grievance_details(reader: Reader, agreement: Agreement, g: Any) -> Callable[[], Details]:
    def details() -> Details:
        days = (reader.today - g.response_due_on).days
        team = reader.is_team(g.agreement_id)
        return Details(
            ngettext(
                "Answer was due %(due)s, %(n)d day ago; received %(received)s",
                "Answer was due %(due)s, %(n)d days ago; received %(received)s",
                days,
            )
            % {"due": _day(g.response_due_on), "n": days, "received": _day(g.received_on)},
            reverse("grievance_respond", args=[agreement.uuid, g.uuid])
            if team
            else reverse("agreement_grievances", args=[agreement.uuid]) + "?overdue=on",
            _("Answer the grievance") if team else _("See the register"),
        )

    return details


def _warning_items(reader: Reader, warnings: _Warnings, taken: set[int]) -> list[Item]:
    """Open warnings not already said by the item of their subject."""
    items = []
    for w in warnings.rows:
        if w.rule in FOLDED_RULES and (w.commitment_id is None or w.commitment_id in taken):
            continue
        if w.commitment_id in taken:
            continue
        agreement = reader.agreements[w.agreement_id]
        concern = ""
        if reader.rep_party(w.agreement_id) is not None:
            if w.commitment is None:
                continue  # about the partnership, not about what their party owes or is owed
            concern = _concern(reader, w.commitment)
        headline = w.headline
        items.append(
            Item(
                kind=ItemKind.WARNING,
                subject=str(w.uuid),
                agreement=agreement,
                severity=w.severity,
                due=w.raised_on,
                title=headline,
                owner=w.owner,
                concern=concern,
                details=_warning_details(agreement, w, headline),
            )
        )
    return items


def _warning_details(agreement: Agreement, w: Any, headline: str) -> Callable[[], Details]:
    def details() -> Details:
        labels = [
            str(line.get("label") if isinstance(line, dict) else line or "")
            for line in w.evidence_lines
        ]
        # The first line that says more than the title (a rule's lone fact often repeats it).
        said = [t for t in labels if t and t != headline]
        evidence = (said[0] if said else "") or w.next_action or w.explanation
        if w.commitment is not None:
            url = reverse("commitment", args=[agreement.uuid, w.commitment.uuid])
        else:
            url = reverse("agreement", args=[agreement.uuid]) + "#warnings-title"
        return Details(
            str(evidence),
            url,
            _("See the warning"),
            str(w.commitment.owed_by) if w.commitment is not None else "",
        )

    return details


def _pulses(reader: Reader) -> list[Item]:
    """Open trust pulses: a representative's party is asked to answer until it has; the team
    sees those closing within ``PULSE_CLOSING_DAYS`` with the answers so far."""
    ids = [pk for pk in reader.agreements if not reader.is_viewer(pk)]
    pulses = list(
        policy.trust_pulses_visible_to(reader.user)
        .filter(agreement_id__in=ids, opens_on__lte=reader.today, closes_on__gte=reader.today)
        .filter(closed_at=None)
        .annotate(answers=Count("responses"))
        .order_by("closes_on", "pk")
    )
    if not pulses:
        return []
    answered = defaultdict(set)  # pulse id -> parties that answered
    for row in policy.pulse_answerers_visible_to(reader.user).filter(pulse__in=pulses):
        answered[row["pulse_id"]].add(row["respondent_party_id"])
    represented = [reader.rep_party(pk) for pk in ids]
    parties = Party.objects.in_bulk([pk for pk in represented if pk is not None])
    # A representative asked in person answers through their own link (no typing for others;
    # made here, not when the line is written: an outdated link is renewed and saved).
    own_links = {
        sheet.pulse_id: reverse("pulse_answer", args=[pulse_links.current_token(sheet)])
        for sheet in PulseRespondent.objects.filter(
            pulse__in=pulses, person__user_id=reader.user.pk, submitted_at=None
        )
    }
    items = []
    for pulse in pulses:
        agreement = reader.agreements[pulse.agreement_id]
        party = reader.rep_party(pulse.agreement_id)
        closing = pulse.closes_on - reader.today < timedelta(days=PULSE_CLOSING_DAYS)
        if party is not None:
            if party in answered[pulse.pk] and pulse.pk not in own_links:
                continue
            items.append(
                Item(
                    kind=ItemKind.PULSE,
                    subject=str(pulse.uuid),
                    agreement=agreement,
                    severity=Severity.WARNING if closing else Severity.INFO,
                    due=pulse.closes_on,
                    title=str(pulse),
                    concern=Concern.ASKED,
                    details=_asked(agreement, pulse, parties[party], own_links.get(pulse.pk)),
                )
            )
        elif closing:
            items.append(
                Item(
                    kind=ItemKind.PULSE,
                    subject=str(pulse.uuid),
                    agreement=agreement,
                    severity=Severity.INFO,
                    due=pulse.closes_on,
                    title=str(pulse),
                    details=_closing(agreement, pulse),
                )
            )
    return items


def _asked(
    agreement: Agreement, pulse: Any, party: Party, own: str | None
) -> Callable[[], Details]:
    """A representative's pulse to answer (``own``: their own link, when asked in person)."""

    def details() -> Details:
        url = own or reverse("entity_create", args=[agreement.uuid, "responses"])
        return Details(
            _("Open until %(closes)s; no answer from %(party)s yet")
            % {"closes": _day(pulse.closes_on), "party": party},
            url,
            _("Answer the pulse"),
            str(party),
        )

    return details


def _closing(agreement: Agreement, pulse: Any) -> Callable[[], Details]:
    """The team's pulse closing soon, with the answers so far."""

    def details() -> Details:
        return Details(
            ngettext(
                "Closes %(closes)s; %(n)d answer so far",
                "Closes %(closes)s; %(n)d answers so far",
                pulse.answers,
            )
            % {"closes": _day(pulse.closes_on), "n": pulse.answers},
            reverse("entity_create", args=[agreement.uuid, "responses"]),
            _("Record answers"),
        )

    return details


# ----- the inbox ------------------------------------------------------------------------------


@dataclass
class Inbox:
    reader: Reader
    items: list[Item]  # what needs action now, most urgent first
    snoozed: list[Item]  # hidden until their day, soonest back first
    # What :meth:`build` reads for the items it is given, for all of them at once.
    readers: list[Callable[[list[Item]], None]] = field(default_factory=list)

    def find(self, key: str) -> Item | None:
        item = next((i for i in self.items + self.snoozed if i.key == key), None)
        return None if item is None else self.build([item])[0]

    def build(self, items: list[Item]) -> list[Item]:
        """``items`` (those a page shows) with their lines written and whom each may be
        assigned to, read in one query per kind of thing whatever their number. The counts
        and the order need none of it; an item not built this way still writes its line
        when read, one item at a time."""
        for read in self.readers:
            read(items)
        for item in items:
            item.details  # noqa: B018 (written now, while the rows it reads are at hand)
        return items

    @property
    def by_severity(self) -> list[tuple[str, Any, int]]:
        n = defaultdict(int)
        for item in self.items:
            n[item.severity] += 1
        return [(s.value, s.label, n[s.value]) for s in counts.SEVERITY_ORDER]

    def count(self, kind: str) -> int:
        return sum(1 for i in self.items if i.kind == kind)


def inbox(user: Any, today: date, *, mine: bool = False) -> Inbox:
    """Everything that needs ``user``'s attention on ``today``, across their agreements.
    ``mine``: only what is assigned to them or owned by them."""
    reader = reader_for(user, today)
    if not reader.agreements:
        return Inbox(reader, [], [])
    warnings = _warnings(reader)
    items = _commitments(reader, warnings)
    items += _grievances(reader, warnings)
    said = {i.subject for i in items if i.kind in (ItemKind.OVERDUE, ItemKind.AT_RISK)}
    taken = {pk for pk, ws in warnings.by_commitment.items() if _taken(ws, said)}
    items += _warning_items(reader, warnings, taken)
    items += _pulses(reader)
    for source in _SOURCES:
        items += list(source(reader))
    teams = _Teams(reader)
    _mark(reader, items, teams)
    if mine:
        items = [i for i in items if i.who is not None and i.who.pk == user.pk]
    active = sorted((i for i in items if i.snoozed_until is None), key=lambda i: i.rank)
    snoozed = sorted(
        (i for i in items if i.snoozed_until is not None), key=lambda i: i.snoozed_until
    )
    texts = partial(_warning_texts, reader, warnings)
    return Inbox(reader, active, snoozed, [teams.read, texts])


def _taken(warnings: list[Any], said: set[str]) -> bool:
    """Whether the commitment of these warnings already has an item (``said``: the subjects
    of the overdue and at-risk items)."""
    return any(str(w.commitment.uuid) in said for w in warnings if w.commitment is not None)


def _mark(reader: Reader, items: list[Item], teams: _Teams) -> None:
    """Snoozes (the reader's own, still running) and assignments (the team's) on the items,
    and whom the reader may assign each item to (read when asked: :class:`_Teams`)."""
    snoozes = {
        s.item: s.until
        for s in policy.inbox_snoozes_visible_to(reader.user).filter(until__gte=reader.today)
    }
    team_ids = reader.ids(team=True)
    assignments = {
        (a.agreement_id, a.item): a.assignee
        for a in policy.inbox_assignments_visible_to(reader.user)
        .filter(agreement_id__in=team_ids)
        .select_related("assignee")
    }
    for item in items:
        item.snoozed_until = snoozes.get(item.key)
        item.assignee = assignments.get((item.agreement.pk, item.key))
        item.team = partial(teams.of, item.agreement.pk)


class _Teams:
    """The active members of the counsellor team of the reader's team agreements, read for
    the agreements of the items shown only (a counsellor of 300 agreements otherwise read
    every team of them for the one page)."""

    def __init__(self, reader: Reader) -> None:
        self.team_ids = set(reader.ids(team=True))
        self.members: dict[int, list[Any]] = {}

    def read(self, items: list[Item]) -> None:
        self._read({i.agreement.pk for i in items})

    def _read(self, agreement_ids: set[int]) -> None:
        missing = (agreement_ids & self.team_ids) - set(self.members)
        if not missing:
            return
        for pk in missing:
            self.members[pk] = []
        for m in (
            Membership.objects.filter(
                agreement_id__in=missing, role__in=TEAM_ROLES, user__is_active=True
            )
            .select_related("user")
            .order_by("user__first_name", "user__username")
        ):
            self.members[m.agreement_id].append(m.user)

    def of(self, agreement_id: int) -> list[Any]:
        if agreement_id not in self.team_ids:
            return []
        if agreement_id not in self.members:
            self._read({agreement_id})
        return self.members[agreement_id]


def _warning_texts(reader: Reader, warnings: _Warnings, items: list[Item]) -> None:
    """The explanation and evidence (encrypted) of the warnings among ``items`` not yet
    built, in one query: the other warnings are read without them (2,500 open warnings of a
    counsellor of 300 agreements, three decryptions each, for the 50 items of a page)."""
    subjects = {i.subject for i in items if i.kind == ItemKind.WARNING and not i.built}
    rows = {w.pk: w for w in warnings.rows if str(w.uuid) in subjects}
    if not rows:
        return
    for pk, explanation, evidence in (
        policy.early_warnings_visible_to(reader.user)
        .filter(pk__in=list(rows))
        .values_list("pk", "explanation", "evidence")
    ):
        rows[pk].explanation = explanation
        rows[pk].evidence = evidence
