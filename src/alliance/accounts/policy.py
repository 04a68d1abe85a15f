"""The one access policy: who may see and who may change what.

Every page, API endpoint, export, brief, feed and search starts from a queryset built here,
so a rule changes in one place. The rules:

- A user sees an agreement and everything hanging from it only as a member (``Membership``);
  superusers (administrators) see everything.
- Items with a confidentiality level: *shared* ones are seen by every member, *internal* ones
  only by the counsellor team (owner, counsellor, editor — never a party representative nor a
  viewer), *restricted* ones only by the users named on the item.
- Trust pulse answers are personal: the team sees them one by one; a party representative
  sees only their own (given as the person linked to their account), never a colleague's;
  viewers see none. Outside the team, everyone else's answers are read only as aggregates of
  at least ``MIN_ANSWERS_PER_CELL`` answers per cell (``pulse_answers_for_aggregates``). A
  representative may see who of their own party was asked and who answered (to chase
  colleagues), never what. Who is asked to answer a round (and their links) is the team's.
- Parties and people are seen through the agreements they take part in.
- A counsellor's own points for a meeting with a party (``PartyBriefNote``) are the team's:
  never shown to a party representative nor a viewer.
- Webhook subscriptions are personal (their owner's); each delivery carries only what the
  owner may see when it leaves.
- Snoozing an inbox item is personal (each member sees and changes their own snoozes);
  who of the team takes an item on (``InboxAssignment``) is seen and changed by the team.
- The team changes an agreement's data; a party representative changes only the commitments
  their party owes (status and evidence), the answers their party gives about a delivery owed
  to it (confirm or contest), new due dates their party proposes for a commitment it owes or
  is owed and its answers to the others' proposals, shared comments on those commitments,
  and their own pulse answers; viewers change nothing.
- Comments on a commitment: internal ones are the team's; shared ones are read by the team
  and the representatives of the commitment's own parties only. (The dated history of due
  dates is written by the services only.)

Anything a user may not see must answer 404, exactly like something that does not exist:
use ``get_visible_or_404``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from alliance.accounts.choices import TEAM_ROLES, Role
from alliance.accounts.models import AuditEvent, Invitation, Membership, Profile
from alliance.analytics.models import InsightSnapshot, StageChange
from alliance.api.models import WebhookDelivery, WebhookSubscription
from alliance.attention.models import InboxAssignment, InboxSnooze
from alliance.briefings.models import PartyBriefNote
from alliance.core.bulk import chunked
from alliance.core.models import Confidentiality
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
from alliance.extraction.models import Candidate, ExtractionRun
from alliance.partnerships.models import (
    Agreement,
    AgreementDocument,
    BlackoutPeriod,
    Commitment,
    CommitmentComment,
    CommitmentDueChange,
    CommitmentStatusChange,
    DeliveryConfirmation,
    DueDateAnswer,
    DueDateProposal,
    Milestone,
    Participation,
    Party,
    Person,
    StrategicObjective,
)
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

# How each agreement-scoped model reaches its agreement.
AGREEMENT_PATH: dict[type[Model], str] = {
    Agreement: "id",
    AgreementDocument: "agreement_id",
    Participation: "agreement_id",
    Milestone: "agreement_id",
    Commitment: "agreement_id",
    CommitmentStatusChange: "commitment__agreement_id",
    DeliveryConfirmation: "commitment__agreement_id",
    DueDateProposal: "commitment__agreement_id",
    DueDateAnswer: "proposal__commitment__agreement_id",
    CommitmentDueChange: "commitment__agreement_id",
    CommitmentComment: "commitment__agreement_id",
    StrategicObjective: "agreement_id",
    Interaction: "agreement_id",
    PersonNote: "agreement_id",
    Topic: "agreement_id",
    Expectation: "topic__agreement_id",
    TrustPulse: "agreement_id",
    TrustResponse: "pulse__agreement_id",
    PulseRespondent: "pulse__agreement_id",
    Grievance: "agreement_id",
    Risk: "agreement_id",
    RegulatoryRequirement: "agreement_id",
    LocalIndicator: "agreement_id",
    IndicatorObservation: "indicator__agreement_id",
    EarlyWarning: "agreement_id",
    InsightSnapshot: "agreement_id",
    PartyBriefNote: "agreement_id",
    StageChange: "agreement_id",
    AuditEvent: "agreement_id",
    Membership: "agreement_id",
    ExtractionRun: "agreement_id",
    Candidate: "run__agreement_id",
    Invitation: "agreement_id",
    InboxSnooze: "agreement_id",
    InboxAssignment: "agreement_id",
}
CONFIDENTIAL_MODELS = (Interaction, PersonNote, EarlyWarning, Risk)


def _is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def _member_agreement_ids(user: User, roles: tuple[str, ...] | None = None) -> QuerySet:
    memberships = Membership.objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("agreement_id")


def _scoped(user: User, model: type[Model], roles: tuple[str, ...] | None = None) -> QuerySet:
    """Objects of ``model`` in agreements where ``user`` holds one of ``roles``."""
    if not (user.is_authenticated and user.is_active):
        return model._default_manager.none()
    qs = model._default_manager.all()
    if _is_admin(user):
        return qs
    return qs.filter(**{f"{AGREEMENT_PATH[model]}__in": _member_agreement_ids(user, roles)})


def _confidential(user: User, model: type[Model]) -> QuerySet:
    qs = _scoped(user, model)
    if _is_admin(user) or not user.is_authenticated:
        return qs
    path = AGREEMENT_PATH[model]
    through = model.restricted_to.through  # type: ignore[attr-defined]
    fk = f"{model._meta.model_name}_id"
    named = through.objects.filter(user_id=user.pk).values(fk)
    return qs.filter(
        Q(confidentiality=Confidentiality.SHARED)
        | Q(
            confidentiality=Confidentiality.INTERNAL,
            **{f"{path}__in": _member_agreement_ids(user, TEAM_ROLES)},
        )
        | Q(confidentiality=Confidentiality.RESTRICTED, pk__in=named)
    )


# ----- one function per model: the querysets everything else starts from -----


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    return _scoped(user, Agreement)


def parties_visible_to(user: User) -> QuerySet[Party]:
    if _is_admin(user):
        return Party.objects.all()
    return Party.objects.filter(pk__in=_scoped(user, Participation).values("party_id"))


def blackout_periods_visible_to(user: User) -> QuerySet[BlackoutPeriod]:
    return BlackoutPeriod.objects.filter(party__in=parties_visible_to(user))


def people_visible_to(user: User) -> QuerySet[Person]:
    """People of the parties one sees, unless archived from every agreement through which one
    sees their party (a person taken out of an agreement is kept for the others)."""
    people = Person.objects.filter(party__in=parties_visible_to(user))
    if _is_admin(user):
        return people
    archived = Person.archived_from.through.objects.filter(
        person_id=OuterRef(OuterRef("pk"))
    ).values("agreement_id")
    still_in = Participation.objects.filter(
        party_id=OuterRef("party_id"), agreement_id__in=_member_agreement_ids(user)
    ).exclude(agreement_id__in=archived)
    return people.filter(Exists(still_in))


def agreement_documents_visible_to(user: User) -> QuerySet[AgreementDocument]:
    return _scoped(user, AgreementDocument)


def participations_visible_to(user: User) -> QuerySet[Participation]:
    return _scoped(user, Participation)


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return _scoped(user, Milestone)


def commitments_visible_to(user: User) -> QuerySet[Commitment]:
    return _scoped(user, Commitment)


def commitment_status_changes_visible_to(user: User) -> QuerySet[CommitmentStatusChange]:
    return _scoped(user, CommitmentStatusChange)


def delivery_confirmations_visible_to(user: User) -> QuerySet[DeliveryConfirmation]:
    """Whether a delivery was confirmed or contested (and why) is shared: both sides of the
    commitment, and every member, see it."""
    return _scoped(user, DeliveryConfirmation)


def due_date_proposals_visible_to(user: User) -> QuerySet[DueDateProposal]:
    """Renegotiations (proposals, answers, the dated history of due dates) are shared: the
    parties concerned and every member see them."""
    return _scoped(user, DueDateProposal)


def due_date_answers_visible_to(user: User) -> QuerySet[DueDateAnswer]:
    return _scoped(user, DueDateAnswer)


def commitment_due_changes_visible_to(user: User) -> QuerySet[CommitmentDueChange]:
    return _scoped(user, CommitmentDueChange)


def commitment_comments_visible_to(user: User) -> QuerySet[CommitmentComment]:
    """Internal comments: the counsellor team. Shared ones: the team and the representatives
    of the commitment's own parties (the owing party and the parties owed) — not other
    parties' representatives, nor viewers."""
    if _is_admin(user):
        return CommitmentComment.objects.all()
    team = _scoped(user, CommitmentComment, TEAM_ROLES)
    owed_to_theirs = Commitment.owed_to.through.objects.filter(
        represented(user, "commitment__agreement_id", "party_id")
    ).values("commitment_id")
    parties = represented(user, "commitment__agreement_id", "commitment__owed_by_id") | Q(
        commitment_id__in=owed_to_theirs
    )
    own = CommitmentComment.objects.filter(parties, confidentiality="shared")
    return team | own


def strategic_objectives_visible_to(user: User) -> QuerySet[StrategicObjective]:
    return _scoped(user, StrategicObjective)


def interactions_visible_to(user: User) -> QuerySet[Interaction]:
    return _confidential(user, Interaction)


def person_notes_visible_to(user: User) -> QuerySet[PersonNote]:
    return _confidential(user, PersonNote)


def early_warnings_visible_to(user: User) -> QuerySet[EarlyWarning]:
    return _confidential(user, EarlyWarning)


def topics_visible_to(user: User) -> QuerySet[Topic]:
    return _scoped(user, Topic)


def expectations_visible_to(user: User) -> QuerySet[Expectation]:
    return _scoped(user, Expectation)


def trust_pulses_visible_to(user: User) -> QuerySet[TrustPulse]:
    return _scoped(user, TrustPulse)


# Below this many answers a cell of pulse aggregates (a directed pair, a party as the others
# see it, a self-view) is not shown outside the counsellor team: a mean of one or two answers
# gives away who said what.
MIN_ANSWERS_PER_CELL = 3


def trust_responses_visible_to(user: User) -> QuerySet[TrustResponse]:
    """The team sees every answer one by one; a party representative only their own answers
    (the respondent is the person linked to their account, of the party they represent),
    never a colleague's; viewers none. Everything else reaches them as aggregates
    (``pulse_answers_for_aggregates``)."""
    if _is_admin(user):
        return TrustResponse.objects.all()
    team = _scoped(user, TrustResponse, TEAM_ROLES)
    own = TrustResponse.objects.filter(
        pk__in=_rep_scoped(user, TrustResponse, "respondent_party_id").filter(
            respondent__user_id=user.pk
        )
    )
    return team | own


def pulse_answers_for_aggregates(user: User, agreement: Agreement) -> tuple[QuerySet, int]:
    """The answers ``user``'s pulse figures of ``agreement`` are computed from, and how many
    respondents a cell (a directed pair, a party as the others see it, a self-view) needs
    before its mean is shown: the team's are its answers, every cell shown; any other member
    reads means over every answer of the agreement, only of cells with at least
    ``MIN_ANSWERS_PER_CELL`` respondents. Only identities and scores (no comment) leave here,
    and they must leave the caller only as such means or as counts."""
    fields = ("pulse_id", "respondent_id", "respondent_party_id", "about_party_id")
    dimensions = ("ability", "benevolence", "integrity", "predictability", "communication")
    membership = role_on(user, agreement.pk)
    answers = TrustResponse.objects.filter(pulse__agreement=agreement)
    if _is_admin(user) or (membership is not None and membership.role in TEAM_ROLES):
        return answers.values(*fields, *dimensions), 1  # the team reads every one anyway
    if membership is None:
        return TrustResponse.objects.none().values(*fields, *dimensions), MIN_ANSWERS_PER_CELL
    return answers.values(*fields, *dimensions), MIN_ANSWERS_PER_CELL


def pulse_answerers_visible_to(user: User) -> QuerySet:
    """Who answered which round — never what: ``pulse_id``, ``respondent_id``,
    ``respondent__name`` and ``respondent_party_id`` rows. The team's for every answer; a
    party representative's for the people of their own party (to chase colleagues who have
    not answered)."""
    fields = ("pulse_id", "respondent_id", "respondent__name", "respondent_party_id")
    if not (user.is_authenticated and user.is_active):
        return TrustResponse.objects.none().values(*fields)
    if _is_admin(user):
        return TrustResponse.objects.values(*fields).distinct()
    team = Q(pulse__agreement_id__in=_member_agreement_ids(user, TEAM_ROLES))
    own_party = represented(user, "pulse__agreement_id", "respondent_party_id")
    return TrustResponse.objects.filter(team | Q(own_party)).values(*fields).distinct()


def pulse_respondents_visible_to(user: User) -> QuerySet[PulseRespondent]:
    """Who is asked to answer a round, whether they did, and their comments: the team's."""
    return _scoped(user, PulseRespondent, TEAM_ROLES)


def pulse_sheets_of_own_party(user: User) -> QuerySet:
    """Who of a representative's own party is asked in each round and whether they answered:
    ``pulse_id``, ``person_id``, ``person__name`` and ``submitted_at`` rows only (never the
    draft, the comment nor the link). The team reads whole sheets
    (``pulse_respondents_visible_to``)."""
    fields = ("pulse_id", "person_id", "person__name", "submitted_at")
    if not (user.is_authenticated and user.is_active):
        return PulseRespondent.objects.none().values(*fields)
    own_party = represented(user, "pulse__agreement_id", "person__party_id")
    return PulseRespondent.objects.filter(own_party).values(*fields)


def grievances_visible_to(user: User) -> QuerySet[Grievance]:
    return _scoped(user, Grievance)


def risks_visible_to(user: User) -> QuerySet[Risk]:
    return _confidential(user, Risk)


def regulatory_requirements_visible_to(user: User) -> QuerySet[RegulatoryRequirement]:
    return _scoped(user, RegulatoryRequirement)


def local_indicators_visible_to(user: User) -> QuerySet[LocalIndicator]:
    return _scoped(user, LocalIndicator)


def indicator_observations_visible_to(user: User) -> QuerySet[IndicatorObservation]:
    return _scoped(user, IndicatorObservation)


def insight_snapshots_visible_to(user: User) -> QuerySet[InsightSnapshot]:
    """Snapshots are computed from shared data only, so every member sees them."""
    return _scoped(user, InsightSnapshot)


def party_brief_notes_visible_to(user: User) -> QuerySet[PartyBriefNote]:
    """A counsellor's own points for a meeting are internal: the team's, never a party's."""
    return _scoped(user, PartyBriefNote, TEAM_ROLES)


def stage_changes_visible_to(user: User) -> QuerySet[StageChange]:
    """Stage changes and their reasons rest on shared data: every member sees them."""
    return _scoped(user, StageChange)


def audit_events_visible_to(user: User) -> QuerySet[AuditEvent]:
    """The trail of an agreement is for its owners (administrators see every trail). What an
    event may show of a confidential item is decided per event (``accounts.audit``)."""
    return _scoped(user, AuditEvent, (Role.OWNER,))


def memberships_visible_to(user: User) -> QuerySet[Membership]:
    if _is_admin(user):
        return Membership.objects.all()
    return Membership.objects.filter(agreement_id__in=_member_agreement_ids(user, TEAM_ROLES))


def extraction_runs_visible_to(user: User) -> QuerySet[ExtractionRun]:
    """Readings of an agreement's text and their candidates are the team's working
    material: never shown to party representatives or viewers."""
    return _scoped(user, ExtractionRun, TEAM_ROLES)


def candidates_visible_to(user: User) -> QuerySet[Candidate]:
    return _scoped(user, Candidate, TEAM_ROLES)


def invitations_visible_to(user: User) -> QuerySet[Invitation]:
    """Owners see every invitation of their agreements; counsellors those of party
    representatives (whom they may invite)."""
    if not (user.is_authenticated and user.is_active):
        return Invitation.objects.none()
    if _is_admin(user):
        return Invitation.objects.all()
    return Invitation.objects.filter(
        Q(agreement_id__in=_member_agreement_ids(user, (Role.OWNER,)))
        | Q(
            agreement_id__in=_member_agreement_ids(user, (Role.COUNSELLOR,)),
            role=Role.PARTY_REPRESENTATIVE,
        )
    )


def inbox_snoozes_visible_to(user: User) -> QuerySet[InboxSnooze]:
    """Snoozing is personal: each member sees their own (administrators too)."""
    return _scoped(user, InboxSnooze).filter(user_id=user.pk)


def inbox_assignments_visible_to(user: User) -> QuerySet[InboxAssignment]:
    """Who of the team takes an item on is the team's business."""
    return _scoped(user, InboxAssignment, TEAM_ROLES)


def profiles_visible_to(user: User) -> QuerySet[Profile]:
    """A profile holds one's own choices: seen by its user (and administrators)."""
    if _is_admin(user):
        return Profile.objects.all()
    return (
        Profile.objects.filter(user_id=user.pk) if user.is_authenticated else Profile.objects.none()
    )


def webhook_subscriptions_visible_to(user: User) -> QuerySet[WebhookSubscription]:
    """A webhook subscription is personal: seen by its owner (and administrators). What its
    deliveries carry is decided by this policy, as the owner, when each leaves."""
    if _is_admin(user):
        return WebhookSubscription.objects.all()
    if not (user.is_authenticated and user.is_active):
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.filter(user_id=user.pk)


def webhook_deliveries_visible_to(user: User) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription__in=webhook_subscriptions_visible_to(user))


def _rep_scoped(user: User, model: type[Model], party_field: str) -> QuerySet:
    """Ids of ``model`` objects whose ``party_field`` is a party ``user`` represents in the
    same agreement."""
    return model._default_manager.filter(
        represented(user, AGREEMENT_PATH[model], party_field)
    ).values("pk")


def represented(user: User, agreement_path: str, party_path: str) -> Exists:
    """Rows whose party (at ``party_path``) is one ``user`` represents in the row's own
    agreement (at ``agreement_path``). One semi-join whatever the number of memberships: an
    OR of one clause per membership took a lender's representative in 2,000 agreements
    2.2 s to build, before the database saw it."""
    return Exists(
        Membership.objects.filter(
            user_id=user.pk,
            role=Role.PARTY_REPRESENTATIVE,
            agreement_id=OuterRef(agreement_path),
            party_id=OuterRef(party_path),
        )
    )


VISIBLE: dict[type[Model], Any] = {
    Agreement: agreements_visible_to,
    Party: parties_visible_to,
    BlackoutPeriod: blackout_periods_visible_to,
    Person: people_visible_to,
    AgreementDocument: agreement_documents_visible_to,
    Participation: participations_visible_to,
    Milestone: milestones_visible_to,
    Commitment: commitments_visible_to,
    CommitmentStatusChange: commitment_status_changes_visible_to,
    DeliveryConfirmation: delivery_confirmations_visible_to,
    DueDateProposal: due_date_proposals_visible_to,
    DueDateAnswer: due_date_answers_visible_to,
    CommitmentDueChange: commitment_due_changes_visible_to,
    CommitmentComment: commitment_comments_visible_to,
    StrategicObjective: strategic_objectives_visible_to,
    Interaction: interactions_visible_to,
    PersonNote: person_notes_visible_to,
    Topic: topics_visible_to,
    Expectation: expectations_visible_to,
    TrustPulse: trust_pulses_visible_to,
    TrustResponse: trust_responses_visible_to,
    PulseRespondent: pulse_respondents_visible_to,
    Grievance: grievances_visible_to,
    Risk: risks_visible_to,
    RegulatoryRequirement: regulatory_requirements_visible_to,
    LocalIndicator: local_indicators_visible_to,
    IndicatorObservation: indicator_observations_visible_to,
    EarlyWarning: early_warnings_visible_to,
    InsightSnapshot: insight_snapshots_visible_to,
    PartyBriefNote: party_brief_notes_visible_to,
    StageChange: stage_changes_visible_to,
    AuditEvent: audit_events_visible_to,
    Membership: memberships_visible_to,
    ExtractionRun: extraction_runs_visible_to,
    Candidate: candidates_visible_to,
    Invitation: invitations_visible_to,
    InboxSnooze: inbox_snoozes_visible_to,
    InboxAssignment: inbox_assignments_visible_to,
    Profile: profiles_visible_to,
}
# Not in VISIBLE: webhook subscriptions (like API tokens) are a user's bookkeeping, not the
# agreement's data; one limited to an agreement goes with it when the agreement is deleted.


def visible_to(user: User, model: type[Model]) -> QuerySet:
    """The queryset of ``model`` that ``user`` may see."""
    return VISIBLE[model](user)


def can_see(user: User, obj: Model) -> bool:
    return visible_to(user, type(obj)).filter(pk=obj.pk).exists()


def get_visible_or_404(user: User, model: type[Model], **lookup: Any) -> Model:
    """Fetch one object the user may see; anything else is a 404, as if it did not exist."""
    try:
        return visible_to(user, model).get(**lookup)
    except (model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:  # type: ignore[attr-defined]
        raise Http404 from exc


def visible_agreement_with_membership(
    user: User, **lookup: Any
) -> tuple[Agreement, Membership | None]:
    """The agreement ``lookup`` names if ``user`` may see it (else a 404, as
    :func:`get_visible_or_404`), with ``user``'s membership of it (None for an administrator
    who holds none).

    Every page of an agreement asks this first. For anyone but an administrator, seeing an
    agreement *is* holding a membership of it (:func:`agreements_visible_to`), so one query
    reads both, the agreement beside the membership, instead of reading the agreement and
    then the membership (``web/tests/test_agreement_for.py`` compares the two)."""
    if _is_admin(user) or not (user.is_authenticated and user.is_active):
        agreement = get_visible_or_404(user, Agreement, **lookup)
        return agreement, role_on(user, agreement.pk)
    try:
        membership = (
            Membership.objects.select_related("agreement")
            .filter(user_id=user.pk, **{f"agreement__{k}": v for k, v in lookup.items()})
            .first()
        )
    except (ValidationError, ValueError, TypeError) as exc:  # a malformed key: as the 404 above
        raise Http404 from exc
    if membership is None:
        raise Http404
    return membership.agreement, membership


# ----- changes -----


def role_on(user: User, agreement_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user_id=user.pk, agreement_id=agreement_id).first()


def agreement_of(obj: Model) -> int | None:
    """The id of the agreement an object belongs to (None for parties and people)."""
    if isinstance(obj, Agreement):
        return obj.pk
    path = AGREEMENT_PATH.get(type(obj))
    if path is None:
        return None
    value: Any = obj
    for part in path.removesuffix("_id").split("__"):
        value = getattr(value, part)
    return value.pk if isinstance(value, Model) else value


def can_change(user: User, obj: Model) -> bool:
    """May ``user`` create or change ``obj`` (which may be unsaved)?"""
    return _can_change(user, obj, role_on)


def _can_change(user: User, obj: Model, role_of: Callable[[User, int], Membership | None]) -> bool:
    """:func:`can_change`, with the user's membership of an agreement read by ``role_of``
    (one query each, or a map read once for a batch: :func:`can_change_all`)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_admin(user):
        return True
    if obj.pk is not None and isinstance(obj, CONFIDENTIAL_MODELS) and not can_see(user, obj):
        return False
    if isinstance(obj, Party | Person | BlackoutPeriod):
        return can_change_party(user, obj if isinstance(obj, Party) else obj.party)
    membership = role_of(user, agreement_of(obj))  # type: ignore[arg-type]
    if membership is None:
        return False
    if isinstance(obj, InboxSnooze):
        return obj.user_id == user.pk  # any member, for their own inbox only
    if membership.role in TEAM_ROLES:
        return True
    if membership.role == Role.PARTY_REPRESENTATIVE:
        if isinstance(obj, Commitment):
            return obj.owed_by_id == membership.party_id
        if isinstance(obj, DeliveryConfirmation | DueDateAnswer):
            return obj.party_id == membership.party_id
        if isinstance(obj, CommitmentComment):
            commitment = obj.commitment
            return (
                obj.confidentiality == "shared"
                and obj.party_id == membership.party_id
                and (
                    commitment.owed_by_id == membership.party_id
                    or commitment.owed_to.filter(pk=membership.party_id).exists()
                )
            )
        if isinstance(obj, DueDateProposal):
            commitment = obj.commitment
            return obj.party_id == membership.party_id and (
                commitment.owed_by_id == membership.party_id
                or commitment.owed_to.filter(pk=membership.party_id).exists()
            )
        if isinstance(obj, TrustResponse):
            # Their own answers only: a colleague's would show its values on the form.
            respondent = obj.respondent
            return respondent.party_id == membership.party_id and respondent.user_id == user.pk
    return False


def deletable_rows(user: User, model: type[Model], rows: list[Model]) -> list[Model]:
    """The rows of ``model`` that ``user`` may both see and change — what a deletion may take
    with it. Rows of tables outside the policy (links, bookkeeping such as feeds and import
    batches) go with what they belong to."""
    if _is_admin(user) or model not in VISIBLE:
        return rows
    visible = set(
        visible_to(user, model).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
    )
    return [row for row in rows if row.pk in visible and can_change(user, row)]


def permission_key(obj: Model) -> tuple[Any, ...]:
    """What ``can_change`` depends on for a new object, so a batch of new objects is
    checked once per distinct key: the model, the agreement, and the party (parties,
    people), the owing party (commitments) or the respondent (trust responses)."""
    subject: Any = None
    if isinstance(obj, Party):
        subject = obj.pk
    elif isinstance(obj, Person | BlackoutPeriod):
        subject = obj.party_id
    elif isinstance(obj, Commitment):
        subject = obj.owed_by_id
    elif isinstance(obj, TrustResponse):
        subject = obj.respondent_id
    return (type(obj), obj.pk, agreement_of(obj), subject)


def can_change_party(user: User, party: Party | None) -> bool:
    """Parties are shared across agreements: the team of any agreement the party takes part
    in may edit them, and any team member may create a new one."""
    if _is_admin(user):
        return True
    team = Membership.objects.filter(user_id=user.pk, role__in=TEAM_ROLES)
    if party is None or party.pk is None:
        return team.exists()
    return team.filter(agreement__participations__party=party).exists()


def can_manage_members(user: User, agreement: Agreement) -> bool:
    if _is_admin(user):
        return True
    membership = role_on(user, agreement.pk)
    return membership is not None and membership.role == Role.OWNER


def can_invite(user: User, agreement: Agreement, role: str) -> bool:
    """Owners invite people in any role; counsellors invite party representatives."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_admin(user):
        return True
    membership = role_on(user, agreement.pk)
    if membership is None:
        return False
    if membership.role == Role.OWNER:
        return True
    return membership.role == Role.COUNSELLOR and role == Role.PARTY_REPRESENTATIVE


def is_team_member(user: User, agreement: Agreement) -> bool:
    return agreement.pk in team_agreements(user, [agreement.pk])


def team_agreements(user: User, agreement_ids: Iterable[int]) -> set[int]:
    """Which of ``agreement_ids`` ``user`` is on the team of, in one query per 64."""
    ids = set(agreement_ids)
    if _is_admin(user):
        return ids
    if not user.is_authenticated:
        return set()
    return {
        agreement
        for chunk in chunked(ids)
        for agreement in Membership.objects.filter(
            user_id=user.pk, agreement_id__in=chunk, role__in=TEAM_ROLES
        ).values_list("agreement_id", flat=True)
    }


def can_change_all(user: User, objs: list[Model]) -> bool:
    """``all(can_change(user, obj) for obj in objs)`` for objects changed together: the same
    rules (:func:`_can_change`), with the user's memberships of all their agreements read
    at once instead of one query per object."""
    if not (user.is_authenticated and user.is_active):
        return False
    if _is_admin(user):
        return True
    ids = {agreement_of(obj) for obj in objs} - {None}
    roles = {
        membership.agreement_id: membership
        for chunk in chunked(ids)
        for membership in Membership.objects.filter(user_id=user.pk, agreement_id__in=chunk)
    }
    return all(_can_change(user, obj, lambda _user, pk: roles.get(pk)) for obj in objs)
