"""What hangs from a party (its people and its blackout periods): seen through the agreements
the party takes part in, changed by the team of any of them — written through the adapters
of the party page's forms (``web.entities.PARTY_ENTITIES``)."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.decorators import decorate_view

from alliance.analytics.tasks import insights_outdated
from alliance.api.access import get_or_404, one_or_404, require_write, visible
from alliance.api.http import idempotent, page_schema, paginate
from alliance.api.routes.common import (
    Cursor,
    IdempotencyKey,
    IfMatch,
    Limit,
    answers,
    changed,
    deleted,
    with_etag,
)
from alliance.api.schemas_items import (
    BlackoutIn,
    BlackoutOut,
    BlackoutPatch,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from alliance.partnerships.models import BlackoutPeriod, Party, Person
from alliance.web.entities import PARTY_ENTITIES

router = Router(tags=["parties"])


@dataclass(frozen=True)
class PartySpec:
    slug: str  # the party page's slug and the URL segment
    model: type[Model]
    out: type[Schema]
    create: type[Schema]
    patch: type[Schema]


SPECS = (
    PartySpec("people", Person, PersonOut, PersonIn, PersonPatch),
    PartySpec("blackouts", BlackoutPeriod, BlackoutOut, BlackoutIn, BlackoutPatch),
)


def item_data(spec: PartySpec, obj: Any, party: Party) -> dict[str, Any]:
    data = {name: getattr(obj, name) for name in spec.out.model_fields}
    return {**data, "id": obj.uuid, "party": party.uuid}


def _party(request: HttpRequest, party_id: UUID) -> Party:
    return get_or_404(request, Party, uuid=party_id)


def _items(request: HttpRequest, spec: PartySpec, party: Party) -> QuerySet:
    return visible(request, spec.model).filter(party=party)


def register(spec: PartySpec) -> None:
    """The five operations of one kind of a party's items."""
    base = "/parties/{uuid:party_id}/" + spec.slug
    one = base + "/{uuid:item_id}"
    name = spec.model._meta.model_name
    verbose = spec.model._meta.verbose_name
    adapters = PARTY_ENTITIES[spec.slug]
    page = page_schema(spec.out, f"{spec.out.__name__.removesuffix('Out')}Page")

    def _one(request: HttpRequest, party: Party, item_id: UUID) -> Any:
        return one_or_404(_items(request, spec, party), uuid=item_id)

    def item_list(
        request: HttpRequest, party_id: UUID, cursor: Cursor = None, limit: Limit = 50
    ) -> dict[str, Any]:
        party = _party(request, party_id)
        items, after = paginate(_items(request, spec, party), cursor, limit)
        return {"items": [item_data(spec, o, party) for o in items], "next_cursor": after}

    def item_create(
        request: HttpRequest,
        party_id: UUID,
        payload: spec.create,  # type: ignore[name-defined]
        response: HttpResponse,
        idempotency_key: IdempotencyKey = None,
    ) -> Status:
        party = _party(request, party_id)
        require_write(request, party)
        obj = adapters.create(request.auth, party, payload.dict())  # type: ignore[attr-defined]
        insights_outdated(party)
        response["Location"] = f"{request.path.rstrip('/')}/{obj.uuid}"  # type: ignore[attr-defined]
        return Status(201, with_etag(response, item_data(spec, obj, party)))

    def item_read(
        request: HttpRequest, party_id: UUID, item_id: UUID, response: HttpResponse
    ) -> dict[str, Any]:
        party = _party(request, party_id)
        return with_etag(response, item_data(spec, _one(request, party, item_id), party))

    def item_update(
        request: HttpRequest,
        party_id: UUID,
        item_id: UUID,
        payload: spec.patch,  # type: ignore[name-defined]
        response: HttpResponse,
        if_match: IfMatch = None,
    ) -> dict[str, Any]:
        party = _party(request, party_id)
        obj = _one(request, party, item_id)
        require_write(request, obj)
        changes = payload.dict(exclude_unset=True)
        return changed(
            request,
            response,
            obj,
            lambda o: item_data(spec, o, party),
            lambda fresh: adapters.update(request.auth, fresh, changes),  # type: ignore[attr-defined]
            concerns=party,
            reread=lambda: _one(request, party, item_id),
        )

    def item_delete(
        request: HttpRequest, party_id: UUID, item_id: UUID, if_match: IfMatch = None
    ) -> Status:
        party = _party(request, party_id)
        obj = _one(request, party, item_id)
        require_write(request, obj)
        return deleted(
            request,
            obj,
            lambda o: item_data(spec, o, party),
            lambda o: adapters.delete(request.auth, o),  # type: ignore[attr-defined]
            concerns=party,
        )

    item_list.__doc__ = f"The party's {spec.model._meta.verbose_name_plural} you may see."
    item_create.__doc__ = f"Add a {verbose} (the team of an agreement the party takes part in)."
    for view, suffix in (
        (item_list, "list"),
        (item_create, "create"),
        (item_read, "read"),
        (item_update, "update"),
        (item_delete, "delete"),
    ):
        view.__name__ = f"{name}_{suffix}"
    router.get(base, response=answers(200, page), operation_id=f"{name}_list")(item_list)
    router.post(base, response=answers(201, spec.out, 409), operation_id=f"{name}_create")(
        decorate_view(idempotent)(item_create)
    )
    router.get(one, response=answers(200, spec.out), operation_id=f"{name}_read")(item_read)
    router.patch(one, response=answers(200, spec.out, 412), operation_id=f"{name}_update")(
        item_update
    )
    router.delete(one, response=answers(204, None, 412), operation_id=f"{name}_delete")(item_delete)


for _spec in SPECS:
    register(_spec)
