"""Reads for exports, feeds and import pages. Every queryset starts from the access policy:
what a user may not see is never written to a file they download."""

from __future__ import annotations

from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from typing import Any

from django.db.models import Model, QuerySet

from alliance.accounts import policy
from alliance.accounts.choices import TEAM_ROLES
from alliance.accounts.models import Membership
from alliance.interchange.entities import SPECS, Column, EntitySpec
from alliance.interchange.models import CalendarFeed, ImportBatch, hash_feed_token
from alliance.interchange.tabular import cell_text
from alliance.partnerships import models as pm

# Which agreement a row of each entity hangs from (parties and people: through participation).
AGREEMENT_FILTER: dict[str, str] = {
    "parties": "participations__agreement__in",
    "people": "party__participations__agreement__in",
    "blackout_periods": "party__participations__agreement__in",
    "agreements": "pk__in",
    "expectations": "topic__agreement__in",
    "trust_responses": "pulse__agreement__in",
    "indicator_observations": "indicator__agreement__in",
}


def export_queryset(user: Any, spec: EntitySpec, agreements: QuerySet) -> QuerySet:
    """The objects of ``spec`` in ``agreements`` that ``user`` may see."""
    lookup = AGREEMENT_FILTER.get(spec.name, "agreement__in")
    qs = policy.visible_to(user, spec.model).filter(**{lookup: agreements}).distinct()
    path = _agreement_path(spec.model)
    if path and spec.column("agreement") is not None:
        qs = qs.select_related(path)  # the agreement column of every row, in the same query
    return qs.order_by(*_ordering(spec))


def _agreement_path(model: type[Model]) -> str | None:
    """How a row reaches its agreement (``topic__agreement`` for an expectation)."""
    path = policy.AGREEMENT_PATH.get(model)
    return path.removesuffix("_id") if path and path != "id" else None


def _ordering(spec: EntitySpec) -> list[str]:
    if spec.name == "parties":
        return ["name"]
    return [*(spec.model._meta.ordering or []), "pk"]


def ref_text(obj: Model | None) -> str:
    """How a reference is written: a natural name where one is unique, else the UUID."""
    if obj is None:
        return ""
    if isinstance(obj, pm.Party | pm.Person):
        return obj.name
    if isinstance(obj, pm.Agreement):
        return obj.reference or obj.title
    if isinstance(obj, pm.Commitment):
        return str(obj.uuid)
    if hasattr(obj, "username"):
        return obj.get_username()
    for name in ("title", "name"):
        if hasattr(obj, name):
            return getattr(obj, name)
    return str(getattr(obj, "uuid", obj.pk))


def cell(obj: Model, column: Column) -> str:
    if column.name == "id":
        return str(obj.uuid)
    value = _value(obj, column.name)
    if column.kind == "ref":
        return ref_text(value)
    if column.kind == "refs":
        texts = sorted(ref_text(o) for o in value.all())
        return cell_text(texts)
    return cell_text(value, column.kind)


def _value(obj: Model, name: str) -> Any:
    """The column's value; the agreement of a row that hangs from it through another object
    (an expectation through its topic, an answer through its pulse) is found on that path."""
    if name == "agreement" and not _has_field(obj, "agreement"):
        value: Any = obj
        for part in (_agreement_path(type(obj)) or "agreement").split("__"):
            value = getattr(value, part)
        return value
    return getattr(obj, name)


def _has_field(obj: Model, name: str) -> bool:
    return any(f.name == name for f in obj._meta.concrete_fields)


def export_rows(user: Any, spec: EntitySpec, agreements: QuerySet) -> Iterator[list[str]]:
    """The rows of one entity as text cells, in a stable order (prerequisites first)."""
    objects = list(export_queryset(user, spec, agreements))
    if spec.name == "commitments":
        objects = _prerequisites_first(objects)
    for obj in objects:
        yield [cell(obj, column) for column in spec.columns]


def _prerequisites_first(commitments: list[pm.Commitment]) -> list[pm.Commitment]:
    by_pk = {c.pk: c for c in commitments}
    graph = {c.pk: set() for c in commitments}
    links = pm.CommitmentDependency.objects.filter(commitment_id__in=by_pk)
    for child, parent in links.values_list("commitment_id", "prerequisite_id"):
        if parent in by_pk:
            graph[child].add(parent)
    try:
        sorter = TopologicalSorter(graph)
        sorter.prepare()
    except CycleError:
        return commitments
    order: list[int] = []
    position = {c.pk: i for i, c in enumerate(commitments)}
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return [by_pk[pk] for pk in order]


def export_tables(
    user: Any, agreements: QuerySet, names: list[str] | None = None
) -> Iterator[tuple[str, list[str], Iterator[list[str]]]]:
    """``(entity, header, rows)`` for each entity, in import order."""
    for spec in SPECS:
        if names and spec.name not in names:
            continue
        yield spec.name, [c.name for c in spec.columns], export_rows(user, spec, agreements)


def importable_agreements(user: Any) -> QuerySet[pm.Agreement]:
    """Agreements whose data the user may change (the counsellor team's, or all for admins)."""
    qs = policy.agreements_visible_to(user)
    if user.is_superuser:
        return qs
    team = Membership.objects.filter(user_id=user.pk, role__in=TEAM_ROLES)
    return qs.filter(pk__in=team.values("agreement_id"))


def may_import(user: Any) -> bool:
    """Importing is for staff and for members of a counsellor team."""
    if not (user.is_authenticated and user.is_active):
        return False
    return bool(user.is_staff or user.is_superuser or importable_agreements(user).exists())


def batch_for(user: Any, batch_uuid: Any) -> ImportBatch | None:
    """An import batch is seen only by the person who uploaded it."""
    return ImportBatch.objects.filter(uuid=batch_uuid, created_by_id=user.pk).first()


def active_feed(user: Any, agreement: pm.Agreement) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, agreement=agreement, revoked_at=None).first()


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed behind a token whose user still sees its agreement, else None."""
    feed = (
        CalendarFeed.objects.select_related("user", "agreement")
        .filter(token_hash=hash_feed_token(token), revoked_at=None)
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    if not policy.agreements_visible_to(feed.user).filter(pk=feed.agreement_id).exists():
        return None
    return feed
