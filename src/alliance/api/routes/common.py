"""What every route module shares: the documented answers, the agreement a path names, the
page parameters, the representation's ETag on the response, and the one way a PATCH and a
DELETE go (``changed``, ``deleted``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Status

from alliance.accounts import policy
from alliance.analytics.tasks import insights_outdated
from alliance.api.access import get_or_404, visible
from alliance.api.http import check_if_match, etag_of
from alliance.api.problems import Problem, ProblemOut
from alliance.partnerships.models import Agreement, Party, Person

# Every operation may answer these (documented on each, so that clients and schemathesis
# know them): not signed in, not allowed, not found, invalid, too many requests.
ERRORS = (401, 403, 404, 422, 429)


def answers(status: int, schema: Any, *extra: int) -> dict[int, Any]:
    """The documented answers of an operation: ``status`` with ``schema``, and problems."""
    return {status: schema, **{code: ProblemOut for code in (*ERRORS, *extra)}}


Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (default 50).")]
Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]{1,200}$",
        description="next_cursor of the previous page; omit for the first page.",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag you read: the change is refused (412) if the item changed since.",
    ),
]
KEY_PATTERN = r"^[!-~]{1,200}$"  # printable ASCII without spaces, as HTTP headers carry
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        pattern=KEY_PATTERN,
        description="Any unique string: a retry with the same key and body gets the first "
        "answer instead of a second write (kept 24 hours).",
    ),
]


def agreement_or_404(request: HttpRequest, agreement_id: UUID | str) -> Agreement:
    return get_or_404(request, Agreement, uuid=agreement_id)


def with_etag(response: HttpResponse, data: dict[str, Any]) -> dict[str, Any]:
    response["ETag"] = etag_of(data)
    return data


def reference(
    request: HttpRequest, model: Any, uuid: UUID | None, field: str, **within: Any
) -> Any:
    """The object a request body names by UUID, if the caller may see it (within ``within``);
    else a 422 naming the field: the body is the client's mistake, not a missing page."""
    if uuid is None:
        return None
    found = visible(request, model).filter(uuid=uuid, **within).first()
    if found is None:
        raise _unknown(model, field)
    return found


def references(
    request: HttpRequest, model: Any, uuids: list[UUID], field: str, **within: Any
) -> list[Any]:
    """Several objects named by UUID, in the order given, each visible to the caller."""
    found = {o.uuid: o for o in visible(request, model).filter(uuid__in=uuids, **within)}
    missing = [u for u in uuids if u not in found]
    if missing:
        raise _unknown(model, field)
    return [found[u] for u in dict.fromkeys(uuids)]


def _unknown(model: Any, field: str) -> Problem:
    reason = _("No such %(what)s, or none you may see.") % {"what": model._meta.verbose_name}
    return Problem(422, "invalid", f"{field}: {reason}", errors=[(field, reason)])


def within(model: Any, agreement: Agreement) -> dict[str, Any]:
    """The lookup keeping ``model``'s objects to those of ``agreement``, as the pages' forms
    offer them: its own items, and the parties (and their people) taking part in it."""
    if model is Party:
        return {"participations__agreement": agreement.pk}
    if model is Person:
        return {"party__participations__agreement": agreement.pk}
    path = policy.AGREEMENT_PATH.get(model)
    return {path: agreement.pk} if path else {}


def members_named(agreement: Agreement, names: list[str], field: str = "restricted_to") -> list:
    """The agreement's members named by username (who may read a restricted item); anyone
    else named is a 422 on ``field``."""
    names = list(dict.fromkeys(names))
    users = list(
        get_user_model().objects.filter(username__in=names, memberships__agreement=agreement)
    )
    if len(users) != len(names):
        reason = _("Only members of the agreement may be named.")
        raise Problem(422, "invalid", reason, errors=[(field, reason)])
    return users


def changed(
    request: HttpRequest,
    response: HttpResponse,
    obj: Any,
    represent: Callable[[Any], dict[str, Any]],
    write: Callable[[Any], Any],
    *,
    concerns: Any = None,
    reread: Callable[[], Any] | None = None,
) -> dict[str, Any]:
    """One PATCH, once the caller may make it: a stale write is refused (``If-Match``
    against the representation read, 412); ``write`` gets a fresh copy of ``obj`` (so the
    service's audit event has the real "before"); the insights of ``concerns`` are queued
    for recomputation; the answer is the item as it is now (``reread``), with its ETag."""
    check_if_match(request, etag_of(represent(obj)))
    write(type(obj)._default_manager.get(pk=obj.pk))
    insights_outdated(concerns)
    return with_etag(response, represent(reread() if reread else obj))


def deleted(
    request: HttpRequest,
    obj: Any,
    represent: Callable[[Any], dict[str, Any]],
    delete: Callable[[Any], Any],
    *,
    concerns: Any = None,
) -> Status:
    """One DELETE, once the caller may make it: refused if stale (412), done through the
    service, the insights of ``concerns`` queued; 204."""
    check_if_match(request, etag_of(represent(obj)))
    delete(obj)
    insights_outdated(concerns)
    return Status(204, None)
