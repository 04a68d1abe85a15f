"""Which kind a party keeps when the standards that name it disagree.

A kind comes either from a code (an IATI organisation type, an OC4IDS / OCDS party
classification in that codelist, Alliance's own ``x_kind``) or from a guess (the party's
role: a funder is taken for a lender; words in its name). The lead's rule, the same in any
import order: a coded kind beats a guess; between two coded kinds the newer publication
wins; between two guesses the kind the party has stays. What a party's kind came from is
recorded with it (a ``party-kind`` source identifier: its version is the publication's
date, its document the code, or ``coded: false``). A party made by hand or from a sheet has
no such record: its kind was chosen by a person and an import leaves it alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from alliance.interchange import services
from alliance.interchange.rows import explain
from alliance.interchange.values import when
from alliance.partnerships import models as pm
from alliance.partnerships import services as ps
from alliance.partnerships.choices import PartyKind

SCHEME = "party-kind"
OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Said:
    """What one publication says of a party's kind."""

    kind: str
    code: str  # "" for a guess
    version: str  # the publication's date-time, "" when it gives none
    place: str = ""

    @property
    def coded(self) -> bool:
        return bool(self.code)

    def moment(self) -> datetime:
        return when(self.version) or OLDEST

    def document(self) -> dict[str, Any]:
        return {"kind": self.kind, "coded": self.coded, "code": self.code}


def stronger(new: Said, old: Said) -> bool:
    """Whether ``new`` replaces ``old``: a code over a guess, a newer code over an older."""
    if not new.coded:
        return False
    return not old.coded or new.moment() > old.moment()


def settle(
    ctx: Any,
    mentions: list[tuple[pm.Party, Said]],
    created: set[int] | None = None,
) -> None:
    """Give each party the kind its strongest source says (see the module), record where
    it came from, and say every change in the mapping report. ``created``: the parties this
    batch made (their kind is the one the first mention gave them). One read for the
    batch; writes only where something changes."""
    if not mentions:
        return
    by_party: dict[int, tuple[pm.Party, list[Said]]] = {}
    for party, said in mentions:
        by_party.setdefault(party.pk, (party, []))[1].append(said)
    stored = services.source_versions(SCHEME, [str(p.uuid) for p, _s in by_party.values()])
    records = []
    for pk, (party, saids) in by_party.items():
        record = stored.get(str(party.uuid))
        if record is not None:
            doc = record[1] or {}
            current = Said(doc.get("kind", party.kind), doc.get("code", ""), record[0])
        elif pk in (created or ()):
            first = saids[0]
            current = Said(
                party.kind, first.code if first.kind == party.kind else "", first.version
            )
        else:
            continue  # a kind a person chose
        best = current
        for said in saids:
            if stronger(said, best):
                best = said
        if best.kind != party.kind:
            _change(ctx, party, current, best)
        if record is None or best.document() != (record[1] or {}) or best.version != record[0]:
            records.append((str(party.uuid), party, best.version, best.document()))
    services.source_versions_save(SCHEME, records)


def _change(ctx: Any, party: pm.Party, old: Said, new: Said) -> None:
    before = PartyKind(party.kind).label if party.kind in PartyKind.values else party.kind
    try:
        with transaction.atomic():
            ps.party_update(actor=ctx.actor, party=party, kind=new.kind)
    except Exception as exc:  # the party refuses the change: said with its place
        for column, reason in explain(exc):
            ctx.report.error(f"{column}: {reason}" if column else reason, column=new.place)
        return
    why = (
        _("the organisation type code %(code)s (%(v)s) replaces a kind guessed from a role")
        if not old.coded
        else _(
            "the organisation type code %(code)s (%(v)s) is newer than the code %(old)s (%(ov)s)"
        )
    ) % {"code": new.code, "v": new.version or "-", "old": old.code, "ov": old.version or "-"}
    ctx.report.note(
        _("The kind of %(p)s is now “%(new)s” (was “%(old)s”): %(why)s.")
        % {"p": party.name, "new": PartyKind(new.kind).label, "old": before, "why": why},
        column=new.place,
    )
    ctx.report.mapped(
        "organisation",
        ctx.report.say(
            gettext_noop("party kind changed: a coded type over a guess")
            if not old.coded
            else gettext_noop("party kind changed: a newer coded type")
        ),
    )
