"""The parties' own part in the inbox: deliveries to confirm and new due dates to answer
(``alliance.attention`` lists them beside its own sources, through the same policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from alliance.attention.choices import Concern, ItemKind
from alliance.attention.selectors import Details, Item, Reader, register_source
from alliance.partnerships import selectors
from alliance.partnerships.models import Agreement, DeliveryConfirmation, DueDateAnswer
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
        items.append(
            Item(
                kind=ItemKind.DELIVERY,
                subject=str(conf.uuid),
                agreement=agreement,
                severity=Severity.WARNING if waited >= CONFIRM_WITHIN_DAYS else Severity.INFO,
                due=declared,
                title=conf.commitment.localized("title"),
                concern=Concern.ASKED if conf in asked else "",
                details=_delivery(agreement, conf),
            )
        )
    return items


def _delivery(agreement: Agreement, conf: DeliveryConfirmation) -> Callable[[], Details]:
    def details() -> Details:
        c = conf.commitment
        return Details(
            _("%(owing)s declared it delivered on %(day)s: confirm or contest")
            % {"owing": c.owed_by, "day": _day(conf.delivery.happened_on)},
            reverse("delivery_answer", args=[agreement.uuid, c.uuid, conf.uuid]),
            _("Confirm or contest"),
            str(conf.party),
        )

    return details


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
                concern=Concern.ASKED,
                details=_due_date(agreement, answer),
            )
        )
    return items


def _due_date(agreement: Agreement, answer: DueDateAnswer) -> Callable[[], Details]:
    def details() -> Details:
        proposal = answer.proposal
        return Details(
            _("%(party)s proposes %(to)s instead of %(from)s")
            % {
                "party": proposal.party,
                "to": _day(proposal.to_due_on),
                "from": _day(proposal.from_due_on),
            },
            reverse(
                "due_date_proposal", args=[agreement.uuid, proposal.commitment.uuid, proposal.uuid]
            ),
            _("Accept or refuse"),
            str(answer.party),
        )

    return details
