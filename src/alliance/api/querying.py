"""The pages' filter classes as the API's query parameters: one filter definition for both.

``query_schema(CommitmentFilter)`` builds the schema that documents the parameters in
OpenAPI (a choice filter becomes an enum, an object filter a UUID, a multiple choice a
repeated parameter); ``filtered`` runs the same filter class on the request's query string.
The ordering filter (``sort``) is the page's and is left out: API pages follow a cursor.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import django_filters as df
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from alliance.api.problems import Problem

LEFT_OUT = (df.OrderingFilter,)


def _choices(f: df.Filter) -> list[str]:
    return [str(value) for value, _label in f.extra.get("choices", ()) if value != ""]


def _annotation(name: str, f: df.Filter) -> Any:
    if isinstance(f, df.MultipleChoiceFilter):
        return list[Enum(f"{name}_choice", {v: v for v in _choices(f)})] | None  # type: ignore[misc]
    if isinstance(f, df.ModelChoiceFilter):
        return UUID | None
    if isinstance(f, df.ChoiceFilter):
        return Enum(f"{name}_choice", {v: v for v in _choices(f)}) | None  # type: ignore[misc]
    if isinstance(f, df.BooleanFilter):
        return bool | None
    if isinstance(f, df.DateFilter):
        return date | None
    return Annotated[str, Field(max_length=200, pattern=r"^[^\x00]*$")] | None


def query_schema(filterset: type[df.FilterSet], name: str, *, drop: tuple[str, ...] = ()) -> Any:
    """A schema of ``filterset``'s parameters (labels as descriptions)."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations}
    for field, f in filterset.base_filters.items():
        if isinstance(f, LEFT_OUT) or field in drop:
            continue
        annotations[field] = _annotation(f"{name}_{field}", f)
        namespace[field] = Field(None, description=str(f.label or field))
    return type(name, (Schema,), namespace)


def filtered(
    request: HttpRequest,
    filterset: type[df.FilterSet],
    queryset: QuerySet,
    *,
    drop: tuple[str, ...] = (),
    **kwargs: Any,
) -> QuerySet:
    """``queryset`` filtered as the page filters it; a value the filter refuses is a 422
    naming the parameter."""
    data = request.GET.copy()
    for name in ("sort", *drop):
        data.pop(name, None)
    fs = filterset(data, queryset=queryset, **kwargs)
    for name in drop:
        fs.filters.pop(name, None)
    if not fs.is_valid():
        errors = [(f, str(text)) for f, texts in fs.errors.items() for text in texts]
        raise Problem(422, "invalid", "; ".join(f"{f}: {r}" for f, r in errors), errors=errors)
    return fs.qs
