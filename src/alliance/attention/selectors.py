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

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache, partial
from typing import Any, NamedTuple
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from alliance.accounts import policy
from alliance.accounts.choices import TEAM_ROLES, Role
from alliance.accounts.models import Membership
from alliance.analytics.selectors import forecast_chances_below
from alliance.attention import counts
from alliance.attention.choices import (
    AT_RISK_BELOW,
    AT_RISK_MEDIUM_BELOW,
    PULSE_CLOSING_DAYS,
    Concern,
    ItemKind,
)
from alliance.core.encryption import decrypt
from alliance.core.models import choice_label, translation_language
from alliance.engagement import pulse_links
from alliance.engagement.choices import GrievanceCategory
from alliance.engagement.models import PulseRespondent
from alliance.insights.early_warnings import warning_key
from alliance.partnerships.models import Agreement, Commitment, Party
from alliance.risks.choices import Severity
from alliance.risks.models import EarlyWarning, warning_headline

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

    What ranks, counts and filters it (kind, subject, agreement, severity, due, owner,
    concern) is set when it is made; its title (which ranks only items of the same severity
    and day) is given, or a function called the first time it is read. What only its line on
    the page says (evidence, action, party: dates and names formatted, a link reversed) is
    either given, or ``details``, a function called once, the first time one of them is
    read: a lender's representative in 2,000 agreements has 1,200 items, of which the page
    shows 50."""

    __slots__ = (
        "_details",
        "_later",
        "_team",
        "_title",
        "agreement",
        "assignee",
        "concern",
        "due",
        "kind",
        "owner",
        "severity",
        "snoozed_until",
        "subject",
    )

    def __init__(
        self,
        kind: str,
        subject: str,  # the UUID of what it is about
        agreement: Agreement,
        severity: str,  # a Severity value
        due: date | None,  # the day that makes it urgent (None: no date)
        title: str | Callable[[], str],  # or a function, called the first time it is read
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
        self._title = title
        self.owner = owner
        self.concern = concern
        self.assignee = assignee
        self.snoozed_until = snoozed_until
        self._team: list[Any] | Callable[[], list[Any]] = [] if team is None else team
        self._details = None if details else Details(evidence, action_url, action_label, party)
        self._later = details

    def __repr__(self) -> str:
        return f"<Item {self.key} {self.severity} {self.due}>"

    @property
    def details(self) -> Details:
        if self._later is not None:
            self._details, self._later = self._later(), None
        return self._details

    @property
    def title(self) -> str:
        """What it is about (read when first asked: it ranks only ties, :meth:`Inbox.first`)."""
        if callable(self._title):
            self._title = self._title()
        return self._title

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
        return self.admin or agreement_id in self._team

    @cached_property
    def _team(self) -> set[int]:
        return {pk for pk, m in self.memberships.items() if m.role in TEAM_ROLES}

    def is_viewer(self, agreement_id: int) -> bool:
        m = self.memberships.get(agreement_id)
        return not self.admin and m is not None and m.role == Role.VIEWER

    def rep_party(self, agreement_id: int) -> int | None:
        """The party a representative speaks for in the agreement (None for anyone else)."""
        return self._parties.get(agreement_id)

    @cached_property
    def _parties(self) -> dict[int, int]:
        """The party of each agreement where the reader is a representative (asked for
        every item: thousands of times for a counsellor of 300 agreements)."""
        if self.admin:
            return {}
        return {
            pk: m.party_id
            for pk, m in self.memberships.items()
            if m.role == Role.PARTY_REPRESENTATIVE
        }

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


class _Commitment(NamedTuple):
    """What an item reads of a commitment: a row, not a model. A counsellor of 300
    agreements ranks 3,500 commitments and 5,000 open warnings to show 50 items; as models
    (with the party owing each and the owner of each warning) they cost most of the page."""

    pk: int
    uuid: UUID
    agreement_id: int
    title: str  # in the reader's language (``Commitment.localized``)
    due_on: date
    owed_by_id: int
    owed_by: str  # the owing party as it is named (``str(Party)``: its short name, else name)


class _Subject(NamedTuple):
    """What a warning's item reads of its commitment (a row)."""

    pk: int
    uuid: UUID
    agreement_id: int
    owed_by_id: int
    owed_by: str  # as :attr:`_Commitment.owed_by`


class _Warning(NamedTuple):
    """What ranks, counts and names a warning's item (a row: see :class:`_Commitment`); its
    texts (the explanation and evidence, encrypted) are read for the items a page shows."""

    pk: int
    uuid: UUID
    agreement_id: int
    key: str
    rule: str
    # What its title is made of, as stored: read (decoded, decrypted) for the items whose
    # title is asked (:func:`_warning_title`).
    sealed_title: str  # a person's words, encrypted
    message: str  # a rule's words, as JSON text (message keys and parameters)
    severity: str
    raised_on: date
    owner: Any  # a user with the names pages show, or None
    commitment: _Subject | None

    @property
    def commitment_id(self) -> int | None:
        return None if self.commitment is None else self.commitment.pk


@dataclass
class _Warnings:
    """The open warnings the reader may see: by commitment, by key, and the rest; the texts
    of those whose lines are written (:func:`_warning_texts`), by primary key."""

    by_commitment: dict[int, list[_Warning]]
    by_key: dict[tuple[int, str], _Warning]
    rows: list[_Warning]
    texts: dict[int, EarlyWarning] = field(default_factory=dict)


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


def _commitment_columns() -> list[Any]:
    """The columns of a :class:`_Commitment`, its title in the reader's language read from
    its translations by the database (the whole JSON of every commitment's translations is
    otherwise decoded for one string)."""
    language = translation_language()
    return [
        "pk",
        "uuid",
        "agreement_id",
        "title",
        KeyTextTransform("title", KeyTransform(language, "translations")),
        "due_on",
        "owed_by_id",
        "owed_by__short_name",
        "owed_by__name",
    ]


def _commitment(row: Sequence[Any]) -> _Commitment:
    pk, uuid, agreement_id, title, translated, due_on, owed_by_id, short_name, name = row
    return _Commitment(
        pk, uuid, agreement_id, translated or title, due_on, owed_by_id, short_name or name
    )


_SUBJECT_COLUMNS = (
    "pk",
    "uuid",
    "agreement_id",
    "owed_by_id",
    "owed_by__short_name",
    "owed_by__name",
)


def _subject(row: Sequence[Any]) -> _Subject:
    pk, uuid, agreement_id, owed_by_id, short_name, name = row
    return _Subject(pk, uuid, agreement_id, owed_by_id, short_name or name)


class _Users:
    """The users named by rows (a warning's owner), one model each however many rows name
    them, with the columns pages show: what ``select_related("owner").only(...)`` made."""

    COLUMNS = ("id", "username", "first_name", "last_name")  # in the model's field order

    def __init__(self, db: str) -> None:
        self.users: dict[int, Any] = {}
        self.model = get_user_model()
        self.db = db

    def get(self, pk: int | None, *columns: Any) -> Any:
        if pk is None:
            return None
        user = self.users.get(pk)
        if user is None:
            user = self.users[pk] = self.model.from_db(self.db, self.COLUMNS, (pk, *columns))
        return user


def _warnings(reader: Reader) -> _Warnings:
    rows = (
        policy.early_warnings_visible_to(reader.user)
        .filter(counts.open_warning_q(), agreement_id__in=list(reader.agreements))
        .filter(_concerning(reader, "commitment__"))
        # Only what ranks, counts and names an item; the explanation and evidence (encrypted)
        # are read for the warnings a page shows (:func:`_warning_texts`).
        .values_list(
            "pk",
            "uuid",
            "agreement_id",
            "key",
            "rule",
            Cast("title", TextField()),  # as stored: no decryption (:func:`_warning_title`)
            Cast("message", TextField()),  # nor decoding
            "severity",
            "raised_on",
            *(f"owner__{name}" for name in _Users.COLUMNS),
            *(f"commitment__{name}" for name in _SUBJECT_COLUMNS),
        )
        # The primary key breaks ties: items of the same rank keep one order from one page
        # to the next (the database's order of equal rows changes with the columns read).
        .order_by("status", "-raised_on", "pk")
    )
    users = _Users(rows.db)
    warnings = _Warnings(defaultdict(list), {}, [])
    for row in rows:
        owner = users.get(*row[9:13])
        commitment = _subject(row[13:]) if row[13] is not None else None
        w = _Warning(*row[:9], owner, commitment)
        warnings.rows.append(w)
        warnings.by_key[(w.agreement_id, w.key)] = w
        if commitment is not None:
            warnings.by_commitment[commitment.pk].append(w)
    return warnings


def _most_severe(warnings: Sequence[Any], default: str) -> str:
    if not warnings:
        return default
    severities = [*(w.severity for w in warnings), default]
    return min(severities, key=lambda s: SEVERITY_RANK[s])


def _owner(warnings: Sequence[_Warning]) -> Any:
    return next((w.owner for w in warnings if w.owner is not None), None)


def _concern(reader: Reader, c: _Commitment | _Subject) -> str:
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
    c: _Commitment,
    kind: str,
    severity: str,
    evidence: Callable[[], str],
    warnings: Sequence[_Warning],
) -> Item:
    concern = _concern(reader, c)
    agreement = reader.agreements[c.agreement_id]
    # Its line is written by functions of the row (partials, not closures: a few objects
    # fewer for each of thousands of items, and as many fewer for the garbage collector).
    return Item(
        kind=kind,
        subject=str(c.uuid),
        agreement=agreement,
        severity=severity,
        due=c.due_on,
        title=c.title,
        owner=_owner(warnings),
        concern=concern,
        details=partial(_commitment_details, reader, agreement, c, concern, evidence),
    )


def _commitment_details(
    reader: Reader, agreement: Agreement, c: _Commitment, concern: str, evidence: Callable
) -> Details:
    updates = concern == Concern.OWES or reader.is_team(c.agreement_id)
    return Details(
        evidence(),
        reverse("commitment", args=[agreement.uuid, c.uuid]),
        _("Update the commitment") if updates else _("See the commitment"),
        c.owed_by,
    )


def _overdue(c: _Commitment, today: date) -> str:
    """The evidence of an overdue commitment's item."""
    days = (today - c.due_on).days
    return ngettext(
        "Due %(due)s, %(n)d day overdue; owed by %(party)s",
        "Due %(due)s, %(n)d days overdue; owed by %(party)s",
        days,
    ) % {"due": _day(c.due_on), "n": days, "party": c.owed_by}


def _likely_late(c: _Commitment, p: float, as_of_day: date) -> str:
    """The evidence of the item of a commitment likely late."""
    return _("Due %(due)s; %(p)d %% likely to be delivered on time (forecast of %(as_of)s)") % {
        "due": _day(c.due_on),
        "p": round(100 * p),
        "as_of": _day(as_of_day),
    }


def _commitments(reader: Reader, warnings: _Warnings) -> list[Item]:
    """Overdue commitments, and those still ahead that the forecast says are likely late."""
    visible = (
        policy.commitments_visible_to(reader.user)
        .filter(_concerning(reader), agreement_id__in=list(reader.agreements))
        .order_by("due_on", "title", "pk")
    )
    columns = _commitment_columns()
    items = []
    for row in visible.filter(counts.overdue_commitment_q(reader.today)).values_list(*columns):
        c = _commitment(row)
        mine = warnings.by_commitment.get(c.pk, ())
        severity = _most_severe(mine, Severity.WARNING)
        evidence = partial(_overdue, c, reader.today)
        items.append(_commitment_item(reader, c, ItemKind.OVERDUE, severity, evidence, mine))
    items += _at_risk(reader, visible, warnings)
    return items


def _at_risk(reader: Reader, visible: Any, warnings: _Warnings) -> list[Item]:
    """Open commitments still ahead whose chance of being on time, in the newest schedule
    forecast, is below ``AT_RISK_BELOW``."""
    chance = forecast_chances_below(list(reader.agreements.values()), AT_RISK_BELOW)
    if not chance:
        return []
    # The open commitments still ahead, those forecast likely late kept here: the same rows
    # as ``uuid__in=list(chance)``, without a query of 3,900 parameters (40 ms to prepare,
    # twice the time to read the 5,200 commitments still ahead).
    ahead = visible.filter(counts.open_commitment_q(), due_on__gte=reader.today)
    items = []
    for row in ahead.values_list(*_commitment_columns()):
        p, as_of = chance.get(str(row[1]), (None, None))
        if p is None:
            continue
        c = _commitment(row)
        mine = warnings.by_commitment.get(c.pk, ())
        severity = Severity.WARNING if p < AT_RISK_MEDIUM_BELOW else Severity.INFO
        evidence = partial(_likely_late, c, p, as_of)
        severity = _most_severe(mine, severity)
        items.append(_commitment_item(reader, c, ItemKind.AT_RISK, severity, evidence, mine))
    return items


class _Grievance(NamedTuple):
    """What an item reads of a grievance (a row: its encrypted texts are not read)."""

    uuid: UUID
    agreement_id: int
    reference: str
    category: str
    received_on: date
    response_due_on: date


def _grievances(reader: Reader, warnings: _Warnings) -> list[Item]:
    """Grievances unanswered past their response date (not a party's to answer: the team's
    and the viewers' inboxes only)."""
    ids = reader.ids(reps=False)
    rows = (
        policy.grievances_visible_to(reader.user)
        .filter(counts.unanswered_grievance_q(reader.today), agreement_id__in=ids)
        .order_by("response_due_on", "pk")
        .values_list(*_Grievance._fields)
    )
    title = _("Grievance %(reference)s (%(category)s)")
    items = []
    for g in map(_Grievance._make, rows):
        agreement = reader.agreements[g.agreement_id]
        key = warning_key("grievance_response_overdue", str(agreement.uuid), str(g.uuid))
        warning = warnings.by_key.get((g.agreement_id, key))
        category = choice_label(GrievanceCategory, g.category)
        items.append(
            Item(
                kind=ItemKind.GRIEVANCE,
                subject=str(g.uuid),
                agreement=agreement,
                severity=_most_severe([warning] if warning else [], Severity.WARNING),
                due=g.response_due_on,
                title=title % {"reference": g.reference, "category": category},
                owner=warning.owner if warning else None,
                details=_grievance_details(reader, agreement, g),
            )
        )
    return items


def _grievance_details(
    reader: Reader, agreement: Agreement, g: _Grievance
) -> Callable[[], Details]:
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
        items.append(
            Item(
                kind=ItemKind.WARNING,
                subject=str(w.uuid),
                agreement=agreement,
                severity=w.severity,
                due=w.raised_on,
                title=partial(_warning_title, w),
                owner=w.owner,
                concern=concern,
                details=partial(_warning_details, reader, warnings, agreement, w),
            )
        )
    return items


def _warning_title(w: _Warning) -> str:
    """``EarlyWarning.headline`` of the row."""
    message = json.loads(w.message)
    return warning_headline(message, "" if message else decrypt(w.sealed_title))


def _warning_details(
    reader: Reader, warnings: _Warnings, agreement: Agreement, w: _Warning
) -> Details:
    if w.pk not in warnings.texts:  # a line read outside :meth:`Inbox.build`
        _read_warning_texts(reader, warnings, [w.pk])
    texts = warnings.texts[w.pk]
    headline = _warning_title(w)
    labels = [
        str(line.get("label") if isinstance(line, dict) else line or "")
        for line in texts.evidence_lines
    ]
    # The first line that says more than the title (a rule's lone fact often repeats it).
    said = [t for t in labels if t and t != headline]
    evidence = (said[0] if said else "") or texts.next_action or texts.explanation
    if w.commitment is not None:
        url = reverse("commitment", args=[agreement.uuid, w.commitment.uuid])
    else:
        url = reverse("agreement", args=[agreement.uuid]) + "#warnings-title"
    return Details(
        str(evidence),
        url,
        _("See the warning"),
        w.commitment.owed_by if w.commitment is not None else "",
    )


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


class Inbox:
    """What needs the reader's action now (``items``, most urgent first) and what they
    snoozed (``snoozed``, soonest back first)."""

    def __init__(
        self,
        reader: Reader,
        items: list[Item],  # in any order
        snoozed: list[Item],
        readers: Iterable[Callable[[list[Item]], None]] = (),
    ) -> None:
        self.reader = reader
        # Ranked by severity and day; the ties, by title, only as far as asked (:meth:`first`).
        self._items = sorted(items, key=_urgency)
        self._ranked = 0  # the items before this one are ranked whole
        self.snoozed = snoozed
        # What :meth:`build` reads for the items it is given, for all of them at once.
        self.readers = list(readers)

    @property
    def items(self) -> list[Item]:
        """Every item, most urgent first (the ties of every day ranked by title)."""
        return self.first(len(self._items))

    @property
    def total(self) -> int:
        return len(self._items)

    def first(self, n: int) -> list[Item]:
        """The ``n`` most urgent items, in the order of :attr:`items`. Items of the same
        severity and day are ranked by title, which is read (a warning's message rendered, a
        person's words decrypted) for the ties among the first ``n`` only: a counsellor of
        300 agreements has 6,500 items, 2,700 of them warnings, to show 50."""
        items, i = self._items, self._ranked
        while i < min(n, len(items)):
            j = i + 1
            while j < len(items) and _urgency(items[j]) == _urgency(items[i]):
                j += 1
            if j - i > 1:
                items[i:j] = sorted(items[i:j], key=lambda item: item.title.casefold())
            i = j
        self._ranked = i
        return items[:n]

    def find(self, key: str) -> Item | None:
        item = next((i for i in self._items + self.snoozed if i.key == key), None)
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
        for item in self._items:
            n[item.severity] += 1
        return [(s.value, s.label, n[s.value]) for s in counts.SEVERITY_ORDER]

    def count(self, kind: str) -> int:
        return sum(1 for i in self._items if i.kind == kind)


def _urgency(item: Item) -> tuple[int, date]:
    """An item's rank but for its title (:attr:`Item.rank`)."""
    return (SEVERITY_RANK[item.severity], item.due or date.max)


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
    active = [i for i in items if i.snoozed_until is None]
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
    team_of: dict[int, Callable[[], list[Any]]] = {}  # one function per agreement
    for item in items:
        key, agreement_id = item.key, item.agreement.pk
        item.snoozed_until = snoozes.get(key)
        item.assignee = assignments.get((agreement_id, key))
        team = team_of.get(agreement_id)
        if team is None:
            team = team_of[agreement_id] = partial(teams.of, agreement_id)
        item.team = team


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
    subjects = {UUID(i.subject) for i in items if i.kind == ItemKind.WARNING and not i.built}
    if subjects:
        pks = [w.pk for w in warnings.rows if w.uuid in subjects and w.pk not in warnings.texts]
        _read_warning_texts(reader, warnings, pks)


def _read_warning_texts(reader: Reader, warnings: _Warnings, pks: list[int]) -> None:
    """The warnings ``pks`` with their texts (the message, explanation and evidence whose
    lines :func:`_warning_details` writes), through the access policy."""
    if not pks:
        return
    for w in (
        policy.early_warnings_visible_to(reader.user)
        .filter(pk__in=pks)
        .only("message", "explanation", "evidence")
    ):
        warnings.texts[w.pk] = w
