"""Writes on interactions, expectations, pulses and grievances (atomic, validated, audited)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alliance.accounts.choices import AuditAction
from alliance.core import clock
from alliance.core.models import Confidentiality
from alliance.core.services import (
    audit,
    delete_audited,
    require_change,
    save_changes,
    save_new,
    save_new_many,
    snapshot,
)
from alliance.engagement import pulse_links
from alliance.engagement.choices import COMMENT_CONFIDENTIALITY, TRUST_DIMENSIONS, GrievanceStatus
from alliance.engagement.models import (
    Expectation,
    Grievance,
    Interaction,
    PersonNote,
    PulseRespondent,
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


# ----- pulse rounds: respondents, personal links, answers --------------------------------

# Never in the trail: what the link's token is derived from and its digest.
SHEET_SECRET_FIELDS = ("nonce", "token_hash", "draft")
LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def default_pairs(agreement: Agreement, person: Person) -> list[Party]:
    """What a respondent rates unless told otherwise: their own party first (the self-view of
    the 360°), then every other party of the agreement."""
    parties = list(
        Party.objects.filter(participations__agreement=agreement).distinct().order_by("name")
    )
    own = [p for p in parties if p.pk == person.party_id]
    return own + [p for p in parties if p.pk != person.party_id]


def _sheet_snapshot(sheet: PulseRespondent) -> dict[str, Any]:
    data = snapshot(sheet)
    for name in SHEET_SECRET_FIELDS:
        data.pop(name, None)
    return data


@transaction.atomic
def pulse_round_open(
    *,
    actor: Any,
    agreement: Agreement,
    title: str,
    opens_on: date,
    closes_on: date,
    respondents: Iterable[Mapping[str, Any]],
    remind_before_days: int = 3,
    translations: Mapping[str, Any] | None = None,
) -> TrustPulse:
    """Open a pulse round with its respondents, each a mapping of ``person``, ``language``
    and ``about_parties`` (default: ``default_pairs``). Each respondent gets a personal link;
    the invitations leave through the outbox (``notifications.jobs.pulse_mail``)."""
    pulse = TrustPulse(
        agreement=agreement,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        remind_before_days=remind_before_days,
        translations=dict(translations or {}),
    )
    save_new(actor=actor, obj=pulse)
    specs = list(respondents)
    if not specs:
        raise ValidationError({"respondents": _("Choose at least one respondent.")})
    seen: set[int] = set()
    for spec in specs:
        person = spec["person"]
        if person.pk in seen:
            raise ValidationError(
                {"respondents": _("%(person)s is listed twice.") % {"person": person}}
            )
        seen.add(person.pk)
        pulse_respondent_add(
            actor=actor,
            pulse=pulse,
            person=person,
            language=spec.get("language") or "",
            about_parties=spec.get("about_parties") or None,
        )
    return pulse


@transaction.atomic
def pulse_respondent_add(
    *,
    actor: Any,
    pulse: TrustPulse,
    person: Person,
    language: str = "",
    about_parties: Iterable[Party] | None = None,
) -> PulseRespondent:
    """Ask ``person`` to answer ``pulse`` about ``about_parties`` in ``language``."""
    agreement = pulse.agreement
    members = members_of(agreement, {})
    if person.party_id not in members:
        raise ValidationError(
            {"respondents": _("%(person)s belongs to no party of the agreement.")
             % {"person": person}}
        )  # fmt: skip
    if not person.email:
        raise ValidationError(
            {"respondents": _("%(person)s has no e-mail address: add one on their page first.")
             % {"person": person}}
        )  # fmt: skip
    parties = list(about_parties) if about_parties is not None else default_pairs(agreement, person)
    if not parties:
        raise ValidationError(
            {"respondents": _("%(person)s must rate at least one party.") % {"person": person}}
        )
    if any(p.pk not in members for p in parties):
        raise ValidationError(
            {"respondents": _("%(person)s is asked about a party outside the agreement.")
             % {"person": person}}
        )  # fmt: skip
    if not language:
        spoken = [c.strip() for c in person.languages.split(",") if c.strip() in LANGUAGE_CODES]
        language = spoken[0] if spoken else settings.LANGUAGE_CODE
    if language not in LANGUAGE_CODES:
        raise ValidationError({"respondents": _("This language is not available.")})
    sheet = PulseRespondent(
        pulse=pulse,
        person=person,
        language=language,
        expires_at=pulse_links.expiry_for(pulse.closes_on),
    )
    pulse_links.new_link(sheet)
    require_change(actor, sheet)
    sheet.full_clean()
    sheet.save()
    sheet.about_parties.set(parties)
    audit(actor=actor, obj=sheet, action=AuditAction.CREATE, after=_sheet_snapshot(sheet))
    return sheet


def _round_for_change(actor: Any, pulse: TrustPulse) -> TrustPulse:
    """The round, locked, if ``actor`` may change it and it still takes answers (or has not
    opened yet): a closed round is history."""
    locked = TrustPulse.objects.select_for_update().select_related("agreement").get(pk=pulse.pk)
    require_change(actor, locked)
    if not pulse_links.round_takes_answers(locked, clock.today(), or_will=True):
        raise ValidationError(_("This pulse round is closed: it can no longer be changed."))
    return locked


@transaction.atomic
def pulse_round_extend(*, actor: Any, pulse: TrustPulse, closes_on: date) -> TrustPulse:
    """Move the closing date of an open round later; the links of those who have not
    answered live until the new day's end."""
    pulse = _round_for_change(actor, pulse)
    if closes_on <= pulse.closes_on:
        raise ValidationError(
            {"closes_on": _("Choose a day after the current closing date (%(day)s).")
             % {"day": date_format(pulse.closes_on, "DATE_FORMAT")}}
        )  # fmt: skip
    save_changes(actor=actor, obj=pulse, changes={"closes_on": closes_on})
    pulse.respondents.filter(submitted_at=None).update(expires_at=pulse_links.expiry_for(closes_on))
    return pulse


@transaction.atomic
def pulse_round_close(*, actor: Any, pulse: TrustPulse) -> TrustPulse:
    """Close an open round now: its closing date becomes today, the links of those who have
    not answered die at once, and the answers given so far count as a closed round's."""
    pulse = _round_for_change(actor, pulse)
    today = clock.today()
    if pulse.opens_on > today:
        raise ValidationError(
            _("This round has not opened yet: change its dates or delete it instead.")
        )
    now = clock.now()
    save_changes(
        actor=actor,
        obj=pulse,
        changes={"closes_on": today, "closed_at": now},
        action=AuditAction.STATUS,
    )
    pulse.respondents.filter(submitted_at=None).update(expires_at=now)
    return pulse


def _ratings_errors(
    sheet: PulseRespondent, ratings: Mapping[str, Mapping[str, Any]], parties: list[Party]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for party in parties:
        given = ratings.get(str(party.uuid), {})
        missing = [d for d in TRUST_DIMENSIONS if _rating(given.get(d)) is None]
        if missing:
            errors[str(party.uuid)] = [
                _("Rate %(party)s on every line (1 to 7).") % {"party": party.name}
            ]
    return errors


def _rating(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 7 else None


def _clean_draft(
    ratings: Mapping[str, Mapping[str, Any]], parties: list[Party], comment: str, privacy: str
) -> dict[str, Any]:
    """What a half-filled form holds, kept to the sheet's parties and valid ratings."""
    kept: dict[str, dict[str, int]] = {}
    for party in parties:
        given = ratings.get(str(party.uuid), {})
        values = {d: v for d in TRUST_DIMENSIONS if (v := _rating(given.get(d))) is not None}
        if values:
            kept[str(party.uuid)] = values
    return {"ratings": kept, "comment": comment[:4000], "comment_confidentiality": privacy}


def _open_sheet(sheet: PulseRespondent) -> PulseRespondent:
    locked = (
        PulseRespondent.objects.select_for_update()
        .select_related("pulse__agreement", "person")
        .get(pk=sheet.pk)
    )
    state = pulse_links.state_of(locked)
    if state == pulse_links.State.ANSWERED:
        raise ValidationError(_("These answers were already sent: a link works once."))
    if state != pulse_links.State.OPEN:
        raise ValidationError(_("This pulse round is not open."))
    return locked


def _privacy(value: str) -> str:
    allowed = {code for code, _label in COMMENT_CONFIDENTIALITY}
    return value if value in allowed else "internal"


@transaction.atomic
def pulse_draft_save(
    *,
    sheet: PulseRespondent,
    ratings: Mapping[str, Mapping[str, Any]],
    comment: str = "",
    comment_confidentiality: str = "internal",
) -> PulseRespondent:
    """Keep what a respondent has typed so far (the link is the authority: no account)."""
    sheet = _open_sheet(sheet)
    parties = list(sheet.about_parties.order_by("name"))
    sheet.draft = _clean_draft(ratings, parties, comment, _privacy(comment_confidentiality))
    sheet.save(update_fields=["draft"])
    return sheet


@transaction.atomic
def pulse_answers_submit(
    *,
    sheet: PulseRespondent,
    ratings: Mapping[str, Mapping[str, Any]],
    comment: str = "",
    comment_confidentiality: str = "internal",
) -> list[TrustResponse]:
    """Turn a respondent's ratings into ``TrustResponse`` rows, all or none, and spend the
    link. ``ratings`` maps a party's UUID to its five ratings (1–7); every party of the
    sheet must be rated on every dimension."""
    sheet = _open_sheet(sheet)
    parties = list(sheet.about_parties.order_by("name"))
    privacy = _privacy(comment_confidentiality)
    errors = _ratings_errors(sheet, ratings, parties)
    if errors:
        raise ValidationError(errors)
    person, pulse = sheet.person, sheet.pulse
    actor = person.user if person.user_id else None
    today = clock.today()
    if pulse.agreement.participations.filter(party_id=person.party_id).exists() is False:
        raise ValidationError(_("The respondent's party is not in the agreement."))
    if TrustResponse.objects.filter(pulse=pulse, respondent=person).exists():
        raise ValidationError(_("These answers were already sent: a link works once."))
    responses = []
    for party in parties:
        given = ratings[str(party.uuid)]
        response = TrustResponse(
            pulse=pulse,
            respondent=person,
            respondent_party_id=person.party_id,
            about_party=party,
            submitted_on=today,
            **{d: _rating(given[d]) for d in TRUST_DIMENSIONS},
        )
        responses.append(save_new(actor=actor, obj=response, check=False))
    before = _sheet_snapshot(sheet)
    sheet.submitted_at = clock.now()
    sheet.draft = {}
    sheet.comment = comment.strip()[:4000]
    sheet.comment_confidentiality = privacy
    sheet.save(update_fields=["submitted_at", "draft", "comment", "comment_confidentiality"])
    audit(
        actor=actor,
        obj=sheet,
        action=AuditAction.STATUS,
        before=before,
        after=_sheet_snapshot(sheet),
    )
    return responses


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
    """Change a round (the generic edit form, the API). The links of those who have not
    answered follow its closing date, as after ``pulse_round_extend``; a round closed early
    stays closed."""
    pulse = save_changes(actor=actor, obj=pulse, changes=changes)
    if "closes_on" in changes and pulse.closed_at is None:
        pulse.respondents.filter(submitted_at=None).update(
            expires_at=pulse_links.expiry_for(pulse.closes_on)
        )
    return pulse


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
