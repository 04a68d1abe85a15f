"""HTTP's own tools for safe concurrent use: ETags and If-Match (a stale write answers 412),
cursor pages, and Idempotency-Key on POST (a retry gets the first answer, not a second
write)."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema

from alliance.api.choices import IDEMPOTENCY_HOURS
from alliance.api.models import IdempotentRequest
from alliance.api.problems import Problem, problem_response
from alliance.api.services import token_digest

# ----- ETag / If-Match ------------------------------------------------------------------


def etag_of(data: Any) -> str:
    """A strong ETag of a representation (what a GET of the item returns)."""
    raw = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def check_if_match(request: HttpRequest, current: str) -> None:
    """A write that names the version it read (``If-Match``) is refused when the item has
    changed since (412); without the header the write goes through."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    if current not in tags:
        raise Problem(
            412,
            "stale",
            _("The item changed since you read it: read it again, then repeat the change."),
            headers={"ETag": current},
        )


# ----- cursor pages -----------------------------------------------------------------------


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """``{"items": [item…], "next_cursor": str | null}`` for one kind of item."""
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item], "next_cursor": str | None},  # type: ignore[valid-type]
            "__doc__": "One page; pass next_cursor as cursor for the next one (null: the end).",
        },
    )


def _encode(created_at: datetime, uuid: UUID) -> str:
    raw = f"{created_at.isoformat()}|{uuid}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, uuid = raw.split("|")
        return datetime.fromisoformat(when), UUID(uuid)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(
            422,
            "invalid",
            _("This cursor was not given by the API."),
            errors=[("cursor", _("This cursor was not given by the API."))],
        ) from exc


def paginate(queryset: QuerySet, cursor: str | None, limit: int) -> tuple[list[Any], str | None]:
    """Items after ``cursor`` in creation order (stable while others write: a keyset on
    ``(created_at, uuid)``, never an offset), and the cursor of the next page."""
    queryset = queryset.order_by("created_at", "uuid")
    if cursor:
        when, uuid = _decode(cursor)
        queryset = queryset.filter(Q(created_at__gt=when) | Q(created_at=when, uuid__gt=uuid))
    items = list(queryset[: limit + 1])
    if len(items) <= limit:
        return items, None
    last = items[limit - 1]
    return items[:limit], _encode(last.created_at, last.uuid)


# ----- Idempotency-Key ------------------------------------------------------------------

IDEMPOTENCY_HEADER = "Idempotency-Key"
KEPT_HEADERS = ("Content-Type", "ETag", "Location")


def _caller(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return "token:" + token_digest(authorization[7:].strip())[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def idempotent(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For POST views: the first answer (2xx) to an ``Idempotency-Key`` is kept for a day and
    given again to a retry with the same body; the same key with another body is refused
    (422), and a retry while the first is still running is told so (409)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        caller = _caller(request)
        if request.method != "POST" or not key or caller is None:
            return view(request, *args, **kwargs)
        if not re.fullmatch(r"[!-~]{1,200}", key):
            reason = _("An Idempotency-Key is 1 to 200 printable ASCII characters.")
            return problem_response(
                request, 422, "invalid", reason, errors=[(IDEMPOTENCY_HEADER, reason)]
            )
        fingerprint = hashlib.sha256(
            request.method.encode() + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        IdempotentRequest.objects.filter(
            created_at__lt=timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(
                    caller=caller, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            return _replay(request, caller, key, fingerprint)
        response = view(request, *args, **kwargs)
        if 200 <= response.status_code < 300:
            record.status = response.status_code
            record.body = response.content
            record.headers = {h: response[h] for h in KEPT_HEADERS if h in response}
            record.save(update_fields=["status", "body", "headers"])
        else:  # nothing was written: a retry may try again
            record.delete()
        return response

    return wrapper


def _replay(request: HttpRequest, caller: str, key: str, fingerprint: str) -> HttpResponse:
    record = IdempotentRequest.objects.filter(caller=caller, key=key).first()
    if record is None or record.status is None:
        return problem_response(
            request,
            409,
            "in-progress",
            _("A request with this Idempotency-Key is still running: retry in a moment."),
            headers={"Retry-After": "1"},
        )
    if record.fingerprint != fingerprint:
        reason = _("This Idempotency-Key was used for another request.")
        return problem_response(
            request, 422, "idempotency-key-reused", reason, errors=[(IDEMPOTENCY_HEADER, reason)]
        )
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response
