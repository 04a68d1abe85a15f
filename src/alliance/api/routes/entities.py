"""The simpler entities of an agreement (objectives, notes, topics, expectations, pulses and
their answers, grievances, risks, requirements, indicators, warnings), each with the same
five operations, written through the very adapters the pages' forms use
(``web.entities``: the same service calls, audit and checks).

An entity is described once (``Spec``): its schemas; its representation and its references
are read from the model (a foreign key or many-to-many is named by UUID).
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import django_filters as df
from django.db.models import ForeignKey, ManyToManyField, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.decorators import decorate_view

from alliance.accounts import policy
from alliance.analytics.tasks import insights_outdated
from alliance.api.access import one_or_404, require_team, require_write, visible
from alliance.api.http import idempotent, page_schema, paginate
from alliance.api.querying import filtered, query_schema
from alliance.api.routes.common import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    agreement_or_404,
    answers,
    changed,
    deleted,
    members_named,
    reference,
    references,
    with_etag,
    within,
)
from alliance.api.schemas import (
    ExpectationIn,
    ExpectationOut,
    ExpectationPatch,
    GrievanceIn,
    GrievanceOut,
    GrievancePatch,
    IndicatorIn,
    IndicatorOut,
    IndicatorPatch,
    ObservationIn,
    ObservationOut,
    ObservationPatch,
    RequirementIn,
    RequirementOut,
    RequirementPatch,
    RiskIn,
    RiskOut,
    RiskPatch,
    TopicIn,
    TopicOut,
    TopicPatch,
    WarningIn,
    WarningOut,
    WarningPatch,
)
from alliance.api.schemas_items import (
    NoteIn,
    NoteOut,
    NotePatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    PulseIn,
    PulseOut,
    PulsePatch,
    ResponseIn,
    ResponseOut,
    ResponsePatch,
)
from alliance.engagement.models import (
    Expectation,
    Grievance,
    PersonNote,
    Topic,
    TrustPulse,
    TrustResponse,
)
from alliance.partnerships.models import Agreement, StrategicObjective
from alliance.risks.models import (
    EarlyWarning,
    IndicatorObservation,
    LocalIndicator,
    RegulatoryRequirement,
    Risk,
)
from alliance.web.entities import AGREEMENT_ENTITIES
from alliance.web.filters import GrievanceFilter

router = Router(tags=["agreement items"])


@dataclass(frozen=True)
class Spec:
    slug: str  # the pages' slug and the URL segment
    model: type[Model]
    out: type[Schema]
    create: type[Schema]
    patch: type[Schema]
    filterset: type[df.FilterSet] | None = None
    # A party representative writes it too, where the policy lets them (their own pulse
    # answers); otherwise only the counsellor team writes, as on the pages.
    rep_writes: bool = False


SPECS = (
    Spec("objectives", StrategicObjective, ObjectiveOut, ObjectiveIn, ObjectivePatch),
    Spec("notes", PersonNote, NoteOut, NoteIn, NotePatch),
    Spec("pulses", TrustPulse, PulseOut, PulseIn, PulsePatch),
    Spec("responses", TrustResponse, ResponseOut, ResponseIn, ResponsePatch, rep_writes=True),
    Spec("grievances", Grievance, GrievanceOut, GrievanceIn, GrievancePatch, GrievanceFilter),
    Spec("risks", Risk, RiskOut, RiskIn, RiskPatch),
    Spec("topics", Topic, TopicOut, TopicIn, TopicPatch),
    Spec("expectations", Expectation, ExpectationOut, ExpectationIn, ExpectationPatch),
    Spec(
        "requirements",
        RegulatoryRequirement,
        RequirementOut,
        RequirementIn,
        RequirementPatch,
    ),
    Spec("indicators", LocalIndicator, IndicatorOut, IndicatorIn, IndicatorPatch),
    Spec("observations", IndicatorObservation, ObservationOut, ObservationIn, ObservationPatch),
    Spec("warnings", EarlyWarning, WarningOut, WarningIn, WarningPatch),
)


def _relations(model: type[Model]) -> dict[str, Any]:
    return {
        f.name: f
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if isinstance(f, ForeignKey | ManyToManyField)
    }


def item_data(spec: Spec, obj: Model, agreement: Agreement) -> dict[str, Any]:
    """The representation: the schema's fields read from the object, relations by UUID."""
    relations = _relations(spec.model)
    data: dict[str, Any] = {"id": obj.uuid, "agreement": agreement.uuid}  # type: ignore[attr-defined]
    for name in spec.out.model_fields:
        if name in data:
            continue
        field = relations.get(name)
        if isinstance(field, ManyToManyField):
            data[name] = sorted((o.uuid for o in getattr(obj, name).all()), key=str)
        elif isinstance(field, ForeignKey):
            related = getattr(obj, name)
            data[name] = related.uuid if related is not None else None
        else:
            data[name] = getattr(obj, name)
    return data


def _queryset(request: HttpRequest, spec: Spec, agreement: Agreement) -> QuerySet:
    relations = _relations(spec.model)
    fks = [n for n, f in relations.items() if isinstance(f, ForeignKey) and n != "agreement"]
    m2m = [n for n, f in relations.items() if isinstance(f, ManyToManyField)]
    path = policy.AGREEMENT_PATH[spec.model]
    m2m = [n for n in m2m if n in spec.out.model_fields]
    fks = [n for n in fks if n in spec.out.model_fields]
    qs = visible(request, spec.model).filter(**{path: agreement.pk}).prefetch_related(*m2m)
    return qs.select_related(*fks) if fks else qs


def _resolve(
    request: HttpRequest, spec: Spec, agreement: Agreement, data: dict[str, Any]
) -> dict[str, Any]:
    """The body's UUIDs as the objects they name, each visible to the caller and, where it
    hangs from an agreement, in this one."""
    for name, field in _relations(spec.model).items():
        if name not in data:
            continue
        target = field.related_model
        if name == "restricted_to":  # members, named by username
            data[name] = members_named(agreement, data[name])
        elif isinstance(field, ManyToManyField):
            data[name] = references(request, target, data[name], name, **within(target, agreement))
        else:
            data[name] = reference(request, target, data[name], name, **within(target, agreement))
    return data


def _may_write(request: HttpRequest, spec: Spec, agreement: Agreement, obj: Model | None) -> None:
    """The team writes every item; a representative only what ``rep_writes`` opens to them
    and the policy allows (checked again by the service on a new item)."""
    if spec.rep_writes:
        require_write(request, obj)
    else:
        require_team(request, agreement)


def register(spec: Spec) -> None:
    """The five operations of one entity."""
    base = "/agreements/{uuid:agreement_id}/" + spec.slug
    one = base + "/{uuid:item_id}"
    name = spec.model._meta.model_name
    adapters = AGREEMENT_ENTITIES[spec.slug]
    page = page_schema(spec.out, f"{spec.out.__name__.removesuffix('Out')}Page")
    filter_schema = query_schema(spec.filterset, f"{name}Filters") if spec.filterset else None

    def _one(request: HttpRequest, agreement: Agreement, item_id: UUID) -> Model:
        return one_or_404(_queryset(request, spec, agreement), uuid=item_id)

    def listing(
        request: HttpRequest, agreement_id: UUID, cursor: Cursor = None, limit: Limit = 50, **_: Any
    ) -> dict[str, Any]:
        agreement = agreement_or_404(request, agreement_id)
        qs = _queryset(request, spec, agreement)
        if spec.filterset is not None:
            qs = filtered(request, spec.filterset, qs, agreement=agreement)
        items, after = paginate(qs, cursor, limit)
        return {"items": [item_data(spec, o, agreement) for o in items], "next_cursor": after}

    if filter_schema is not None:

        def item_list(
            request: HttpRequest,
            agreement_id: UUID,
            filters: Query[filter_schema],  # type: ignore[valid-type]
            cursor: Cursor = None,
            limit: Limit = 50,
        ) -> dict[str, Any]:
            return listing(request, agreement_id, cursor, limit)

    else:

        def item_list(  # type: ignore[misc]
            request: HttpRequest, agreement_id: UUID, cursor: Cursor = None, limit: Limit = 50
        ) -> dict[str, Any]:
            return listing(request, agreement_id, cursor, limit)

    item_list.__name__ = f"{name}_list"
    item_list.__doc__ = f"The agreement's {spec.model._meta.verbose_name_plural} you may see."
    router.get(base, response=answers(200, page), operation_id=f"{name}_list")(item_list)

    def item_create(
        request: HttpRequest,
        agreement_id: UUID,
        payload: spec.create,  # type: ignore[name-defined]
        response: HttpResponse,
        idempotency_key: IdempotencyKey = None,
    ) -> Status:
        agreement = agreement_or_404(request, agreement_id)
        _may_write(request, spec, agreement, None)
        data = _resolve(request, spec, agreement, payload.dict())
        obj = adapters.create(request.auth, agreement, data)  # type: ignore[attr-defined]
        insights_outdated(agreement)
        response["Location"] = f"{request.path.rstrip('/')}/{obj.uuid}"  # type: ignore[attr-defined]
        return Status(
            201, with_etag(response, item_data(spec, _one(request, agreement, obj.uuid), agreement))
        )  # type: ignore[attr-defined]

    item_create.__name__ = f"{name}_create"
    who = "the team, or a representative for themselves" if spec.rep_writes else "the team"
    item_create.__doc__ = f"Record a {spec.model._meta.verbose_name} ({who})."
    router.post(base, response=answers(201, spec.out, 409), operation_id=f"{name}_create")(
        decorate_view(idempotent)(item_create)
    )

    def item_read(
        request: HttpRequest, agreement_id: UUID, item_id: UUID, response: HttpResponse
    ) -> dict[str, Any]:
        agreement = agreement_or_404(request, agreement_id)
        return with_etag(response, item_data(spec, _one(request, agreement, item_id), agreement))

    item_read.__name__ = f"{name}_read"
    router.get(one, response=answers(200, spec.out), operation_id=f"{name}_read")(item_read)

    def item_update(
        request: HttpRequest,
        agreement_id: UUID,
        item_id: UUID,
        payload: spec.patch,  # type: ignore[name-defined]
        response: HttpResponse,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        agreement = agreement_or_404(request, agreement_id)
        obj = _one(request, agreement, item_id)
        _may_write(request, spec, agreement, obj)
        data = _resolve(request, spec, agreement, payload.dict(exclude_unset=True))
        return changed(
            request,
            response,
            obj,
            lambda o: item_data(spec, o, agreement),
            lambda fresh: adapters.update(request.auth, fresh, data),  # type: ignore[attr-defined]
            concerns=agreement,
            reread=lambda: _one(request, agreement, item_id),
        )

    item_update.__name__ = f"{name}_update"
    router.patch(one, response=answers(200, spec.out, 412), operation_id=f"{name}_update")(
        item_update
    )

    def item_delete(
        request: HttpRequest, agreement_id: UUID, item_id: UUID, if_match: IfMatch = None
    ) -> Status:
        agreement = agreement_or_404(request, agreement_id)
        obj = _one(request, agreement, item_id)
        _may_write(request, spec, agreement, obj)
        return deleted(
            request,
            obj,
            lambda o: item_data(spec, o, agreement),
            lambda o: adapters.delete(request.auth, o),  # type: ignore[attr-defined]
            concerns=agreement,
        )

    item_delete.__name__ = f"{name}_delete"
    router.delete(one, response=answers(204, None, 412), operation_id=f"{name}_delete")(item_delete)


for _spec in SPECS:
    register(_spec)
