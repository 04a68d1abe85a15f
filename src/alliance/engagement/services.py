"""Writes on interactions, expectations, pulses and grievances (atomic, validated, audited)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.core.models import Confidentiality
from alliance.core.services import delete_audited, save_changes, save_new, save_new_many
from alliance.engagement.choices import GrievanceStatus
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    PersonNote,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships.models import Agreement, Party, Person
from alliance.partnerships.services import commitment_create, members_of


def _restricted_m2m(actor: Any, confidentiality: str, restricted_to: Iterable[Any]) -> list[Any]:
    """The named users of a restricted item always include its author."""
    users = list(restricted_to)
    restricted = confidentiality == Confidentiality.RESTRICTED
    if restricted and getattr(actor, "pk", None) and actor not in users:
        users.append(actor)
    return users


@transaction.atomic
def interaction_log(
    *,
    actor: Any,
    agreement: Agreement,
    parties: Iterable[Party],
    people: Iterable[Person] = (),
    restricted_to: Iterable[Any] = (),
    follow_ups: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Interaction:
    """Log a meeting, call, letter, visit or workshop; each follow-up becomes a commitment.

    A follow-up is a mapping of ``commitment_create`` arguments (``title``, ``owed_by``,
    ``owed_to``, ``due_on``, …); durations default to the time left until the due date.
    """
    m2m = _interaction_links(actor, agreement, parties, people, restricted_to, fields, {})
    interaction = Interaction(agreement=agreement, logged_by=_user(actor), **fields)
    save_new(actor=actor, obj=interaction, m2m=m2m)
    for number, follow_up in enumerate(follow_ups, start=1):
        try:
            commitment_create(
                actor=actor,
                agreement=agreement,
                source_interaction=interaction,
                **_follow_up_defaults(interaction, follow_up),
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "follow_ups": _("Follow-up %(n)s: %(errors)s")
                    % {"n": number, "errors": _flat(exc)}
                }
            ) from exc
    return interaction


def _follow_up_defaults(interaction: Interaction, follow_up: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(follow_up)
    due_on = data.get("due_on")
    if isinstance(due_on, date):
        # Whoever sets a due date in a meeting leaves some slack: expect the work to take
        # half the window, with a bad case that overruns it by half.
        window = max((due_on - interaction.occurred_on).days * 5 // 7, 1)
        data.setdefault("duration_optimistic", max(window // 4, 1))
        data.setdefault("duration_likely", max(window // 2, 1))
        data.setdefault("duration_pessimistic", max(window * 3 // 2, 1))
    data.setdefault("category", "governance")
    # A follow-up is agreed during the interaction: it exists from then on.
    data.setdefault("created_at", interaction.created_at)
    data.setdefault("start_on", interaction.occurred_on)
    return data


def _flat(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def interaction_update(*, actor: Any, interaction: Interaction, **changes: Any) -> Interaction:
    m2m = {k: changes.pop(k) for k in ("parties", "people", "restricted_to") if k in changes}
    return save_changes(actor=actor, obj=interaction, changes=changes, m2m=m2m or None)


@transaction.atomic
def person_note_add(
    *,
    actor: Any,
    agreement: Agreement,
    person: Person,
    text: str,
    confidentiality: str = Confidentiality.INTERNAL,
    restricted_to: Iterable[Any] = (),
) -> PersonNote:
    """Write a note about a person (internal to the team unless said otherwise)."""
    note = PersonNote(
        agreement=agreement,
        person=person,
        text=text,
        confidentiality=confidentiality,
        author=_user(actor),
    )
    users = _restricted_m2m(actor, confidentiality, restricted_to)
    return save_new(actor=actor, obj=note, m2m={"restricted_to": users})


@transaction.atomic
def interaction_log_many(*, actor: Any, items: Iterable[Mapping[str, Any]]) -> list[Interaction]:
    """``interaction_log`` for many interactions without follow-ups (imports): the same
    checks (parties present take part, people present belong to them, restricted ones
    name their author), rows, links and audit events, in a few queries per batch."""
    members: dict[int, set[int]] = {}
    objs: list[Interaction] = []
    links: list[dict[str, list[Any]]] = []
    for raw in items:
        fields = dict(raw)
        agreement = fields.pop("agreement")
        parties, people = fields.pop("parties", ()), fields.pop("people", ())
        restricted_to = fields.pop("restricted_to", ())
        if fields.pop("follow_ups", None):
            raise ValueError("interaction_log_many does not create follow-ups")
        links.append(
            _interaction_links(actor, agreement, parties, people, restricted_to, fields, members)
        )
        objs.append(Interaction(agreement=agreement, logged_by=_user(actor), **fields))
    return save_new_many(actor=actor, objs=objs, m2m=links)


def _interaction_links(
    actor: Any,
    agreement: Agreement,
    parties: Iterable[Party],
    people: Iterable[Person],
    restricted_to: Iterable[Any],
    fields: Mapping[str, Any],
    members: dict[int, set[int]],
) -> dict[str, list[Any]]:
    """An interaction's links, checked: someone present, parties that take part in the
    agreement (``members`` keeps each agreement's, read once), people of those parties,
    and a restricted one naming its author."""
    parties, people = list(parties), list(people)
    if not parties:
        raise ValidationError({"parties": _("Name at least one party present.")})
    if any(p.pk not in members_of(agreement, members) for p in parties):
        raise ValidationError({"parties": _("Only parties to the agreement can be present.")})
    present = {p.pk for p in parties}
    if any(person.party_id not in present for person in people):
        raise ValidationError({"people": _("Each person present must belong to a party present.")})
    confidentiality = fields.get("confidentiality", Confidentiality.SHARED)
    return {
        "parties": parties,
        "people": people,
        "restricted_to": _restricted_m2m(actor, confidentiality, restricted_to),
    }


@transaction.atomic
def topic_create_many(*, actor: Any, items: Iterable[Mapping[str, Any]]) -> list[Topic]:
    """``topic_create`` for many topics at once (imports)."""
    return save_new_many(actor=actor, objs=[Topic(**fields) for fields in items])


@transaction.atomic
def grievance_register_many(*, actor: Any, items: Iterable[Mapping[str, Any]]) -> list[Grievance]:
    """``grievance_register`` for many grievances at once (imports)."""
    return save_new_many(actor=actor, objs=[Grievance(**fields) for fields in items])


@transaction.atomic
def expectation_record_many(*, actor: Any, items: Iterable[Mapping[str, Any]]) -> list[Expectation]:
    """``expectation_record`` for many expectations at once (imports): each party must
    take part in its topic's agreement (read once per agreement)."""
    members: dict[int, set[int]] = {}
    objs = []
    for fields in items:
        topic, party = fields["topic"], fields["party"]
        if party.pk not in members_of(topic.agreement, members):
            raise ValidationError({"party": _("This party does not take part in the agreement.")})
        objs.append(Expectation(**fields))
    return save_new_many(actor=actor, objs=objs)


@transaction.atomic
def topic_create(*, actor: Any, agreement: Agreement, **fields: Any) -> Topic:
    return save_new(actor=actor, obj=Topic(agreement=agreement, **fields))


@transaction.atomic
def expectation_record(*, actor: Any, topic: Topic, party: Party, **fields: Any) -> Expectation:
    """Record what ``party`` expects on ``topic`` now; earlier records stay as history."""
    if not topic.agreement.participations.filter(party=party).exists():
        raise ValidationError({"party": _("This party does not take part in the agreement.")})
    return save_new(actor=actor, obj=Expectation(topic=topic, party=party, **fields))


@transaction.atomic
def trust_pulse_open(*, actor: Any, agreement: Agreement, **fields: Any) -> TrustPulse:
    return save_new(actor=actor, obj=TrustPulse(agreement=agreement, **fields))


@transaction.atomic
def trust_response_submit(
    *, actor: Any, pulse: TrustPulse, respondent: Person, about_party: Party, **answers: Any
) -> TrustResponse:
    """Record one respondent's ratings of one party in a pulse."""
    members = set(pulse.agreement.participations.values_list("party_id", flat=True))
    if respondent.party_id not in members:
        raise ValidationError({"respondent": _("The respondent's party is not in the agreement.")})
    if about_party.pk not in members:
        raise ValidationError({"about_party": _("This party does not take part in the agreement.")})
    submitted_on = answers.get("submitted_on")
    if submitted_on and submitted_on > pulse.closes_on:
        raise ValidationError({"submitted_on": _("The pulse was already closed on that date.")})
    response = TrustResponse(
        pulse=pulse,
        respondent=respondent,
        respondent_party_id=respondent.party_id,
        about_party=about_party,
        **answers,
    )
    return save_new(actor=actor, obj=response)


@transaction.atomic
def grievance_register(*, actor: Any, agreement: Agreement, **fields: Any) -> Grievance:
    return save_new(actor=actor, obj=Grievance(agreement=agreement, **fields))


@transaction.atomic
def grievance_respond(
    *, actor: Any, grievance: Grievance, on: date, resolution: str = "", resolved: bool = False
) -> Grievance:
    """Record the answer to a grievance, and its resolution when it is settled."""
    changes: dict[str, Any] = {"responded_on": grievance.responded_on or on}
    if resolution:
        changes["resolution"] = resolution
    changes["status"] = GrievanceStatus.ANSWERED
    if resolved:
        if not resolution and not grievance.resolution:
            raise ValidationError({"resolution": _("Describe how the grievance was resolved.")})
        changes["resolved_on"] = on
        changes["status"] = GrievanceStatus.RESOLVED
    return save_changes(actor=actor, obj=grievance, changes=changes)


# ----- corrections and deletions (each audited with the values it removes) -----


@transaction.atomic
def interaction_delete(*, actor: Any, interaction: Interaction) -> None:
    """Delete an interaction; the commitments agreed during it stay, without their source."""
    delete_audited(actor=actor, obj=interaction)


@transaction.atomic
def person_note_update(*, actor: Any, note: PersonNote, **changes: Any) -> PersonNote:
    m2m = {"restricted_to": changes.pop("restricted_to")} if "restricted_to" in changes else None
    if m2m is not None:
        confidentiality = changes.get("confidentiality", note.confidentiality)
        m2m["restricted_to"] = _restricted_m2m(actor, confidentiality, m2m["restricted_to"])
    return save_changes(actor=actor, obj=note, changes=changes, m2m=m2m)


@transaction.atomic
def person_note_delete(*, actor: Any, note: PersonNote) -> None:
    delete_audited(actor=actor, obj=note)


@transaction.atomic
def topic_update(*, actor: Any, topic: Topic, **changes: Any) -> Topic:
    return save_changes(actor=actor, obj=topic, changes=changes)


@transaction.atomic
def topic_delete(*, actor: Any, topic: Topic) -> None:
    delete_audited(actor=actor, obj=topic)


@transaction.atomic
def expectation_update(*, actor: Any, expectation: Expectation, **changes: Any) -> Expectation:
    """Correct a recorded expectation (a changed position is a new record, not an update)."""
    if "party" in changes or "topic" in changes:
        raise ValidationError({"party": _("Record a new expectation for another party or topic.")})
    return save_changes(actor=actor, obj=expectation, changes=changes)


@transaction.atomic
def expectation_delete(*, actor: Any, expectation: Expectation) -> None:
    delete_audited(actor=actor, obj=expectation)


@transaction.atomic
def trust_pulse_update(*, actor: Any, pulse: TrustPulse, **changes: Any) -> TrustPulse:
    return save_changes(actor=actor, obj=pulse, changes=changes)


@transaction.atomic
def trust_pulse_delete(*, actor: Any, pulse: TrustPulse) -> None:
    delete_audited(actor=actor, obj=pulse)


@transaction.atomic
def trust_response_update(*, actor: Any, response: TrustResponse, **changes: Any) -> TrustResponse:
    if "respondent" in changes or "pulse" in changes:
        raise ValidationError({"respondent": _("Submit a new response for another respondent.")})
    return save_changes(actor=actor, obj=response, changes=changes)


@transaction.atomic
def trust_response_delete(*, actor: Any, response: TrustResponse) -> None:
    delete_audited(actor=actor, obj=response)


@transaction.atomic
def grievance_update(*, actor: Any, grievance: Grievance, **changes: Any) -> Grievance:
    return save_changes(actor=actor, obj=grievance, changes=changes)


@transaction.atomic
def grievance_delete(*, actor: Any, grievance: Grievance) -> None:
    delete_audited(actor=actor, obj=grievance)
