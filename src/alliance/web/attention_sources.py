"""The parties' own part in the inbox: deliveries to confirm and new due dates to answer
(``alliance.attention`` lists them beside its own sources, through the same policy)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from alliance.attention.choices import Concern, ItemKind
from alliance.attention.selectors import Item, Reader, register_source
from alliance.partnerships import selectors
from alliance.risks.choices import Severity

# A delivery waiting longer than this for its answer needs action this week.
CONFIRM_WITHIN_DAYS = 7


def _day(value):
    return formats.date_format(value, "DATE_FORMAT")


@register_source
def deliveries_to_confirm(reader: Reader) -> list[Item]:
    """A representative: each delivery declared to their party. The team: those waiting
    longer than ``CONFIRM_WITHIN_DAYS`` (to chase, or to record the party's answer)."""
    items = []
    asked = list(selectors.deliveries_to_confirm(reader.user))
    team = set(reader.ids(team=True))
    chased = [
        c
        for c in selectors.deliveries_awaiting_confirmation(reader.user)
        if c.commitment.agreement_id in team
        and (reader.today - c.delivery.happened_on).days >= CONFIRM_WITHIN_DAYS
    ]
    for conf in asked + chased:
        agreement = reader.agreements.get(conf.commitment.agreement_id)
        if agreement is None:
            continue
        declared = conf.delivery.happened_on
        waited = (reader.today - declared).days
        c = conf.commitment
        items.append(
            Item(
                kind=ItemKind.DELIVERY,
                subject=str(conf.uuid),
                agreement=agreement,
                severity=Severity.WARNING if waited >= CONFIRM_WITHIN_DAYS else Severity.INFO,
                due=declared,
                title=c.localized("title"),
                evidence=_("%(owing)s declared it delivered on %(day)s: confirm or contest")
                % {"owing": c.owed_by, "day": _day(declared)},
                action_url=reverse("delivery_answer", args=[agreement.uuid, c.uuid, conf.uuid]),
                action_label=_("Confirm or contest"),
                party=str(conf.party),
                concern=Concern.ASKED if conf in asked else "",
            )
        )
    return items


@register_source
def due_dates_to_answer(reader: Reader) -> list[Item]:
    items = []
    for answer in selectors.due_dates_to_answer(reader.user):
        proposal = answer.proposal
        c = proposal.commitment
        agreement = reader.agreements.get(c.agreement_id)
        if agreement is None:
            continue
        items.append(
            Item(
                kind=ItemKind.DUE_DATE,
                subject=str(proposal.uuid),
                agreement=agreement,
                severity=Severity.WARNING
                if proposal.from_due_on <= reader.today
                else Severity.INFO,
                due=proposal.from_due_on,
                title=c.localized("title"),
                evidence=_("%(party)s proposes %(to)s instead of %(from)s")
                % {
                    "party": proposal.party,
                    "to": _day(proposal.to_due_on),
                    "from": _day(proposal.from_due_on),
                },
                action_url=reverse(
                    "due_date_proposal", args=[agreement.uuid, c.uuid, proposal.uuid]
                ),
                action_label=_("Accept or refuse"),
                party=str(answer.party),
                concern=Concern.ASKED,
            )
        )
    return items
