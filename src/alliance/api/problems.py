"""Every error the API answers, in one shape: RFC 9457 problem details.

``{"type", "title", "status", "detail", "instance", "errors": [{"field", "reason"}]}`` with
the media type ``application/problem+json``. A refused field is named in ``errors`` as the
request spelled it (``owed_by``, ``status``, ``cursor``), with the reason in the reader's
language — the same reasons the pages show.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://alliance.example/problems/"


class FieldError(Schema):
    field: str
    reason: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] = []


class Problem(Exception):
    """Raise to answer with a problem: ``Problem(412, "stale", _("…"))``."""

    def __init__(
        self,
        status: int,
        kind: str,
        detail: str,
        *,
        errors: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail
        self.errors = errors or []
        self.headers = headers or {}


TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
}


def problem_response(
    request: HttpRequest,
    status: int,
    kind: str,
    detail: str,
    *,
    errors: list[tuple[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = {
        "type": TYPE_BASE + kind,
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": str(detail),
        "instance": request.path,
        "errors": [{"field": f, "reason": str(r)} for f, r in errors or []],
    }
    response = HttpResponse(json.dumps(body), status=status, content_type=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def validation_errors(exc: ValidationError) -> list[tuple[str, str]]:
    """A service's refusal as (field, reason) pairs; a refusal of the whole item is ``""``."""
    if hasattr(exc, "error_dict"):
        pairs = []
        for field, texts in exc.message_dict.items():
            name = "" if field == NON_FIELD_ERRORS else field
            pairs += [(name, text) for text in texts]
        return pairs
    return [("", text) for text in exc.messages]


def _field_of(loc: list[Any] | tuple[Any, ...]) -> str:
    """ninja's location of a refused value (``["body", "payload", "owed_by", 0]``) as the
    field the client sent (``owed_by[0]``)."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        source = parts.pop(0)
        wrapper = {"body": "payload", "query": "filters"}.get(source)
        if len(parts) > 1 and parts[0] == wrapper:
            parts.pop(0)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def install(api: Any) -> None:
    """Register the problem answer for every error the API may raise."""

    @api.exception_handler(Problem)
    def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
        return problem_response(
            request, exc.status, exc.kind, exc.detail, errors=exc.errors, headers=exc.headers
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(
            request, 404, "not-found", _("Nothing here, or nothing you may see.")
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem_response(
            request, 403, "forbidden", str(exc) or _("You may not change this item.")
        )

    @api.exception_handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = validation_errors(exc)
        detail = "; ".join(f"{f}: {r}" if f else r for f, r in errors)
        return problem_response(request, 422, "invalid", detail, errors=errors)

    @api.exception_handler(NinjaValidationError)
    def _malformed(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [(_field_of(e.get("loc", ())), e.get("msg", "")) for e in exc.errors]
        detail = "; ".join(f"{f}: {r}" if f else r for f, r in errors)
        return problem_response(request, 422, "invalid", detail, errors=errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            request,
            401,
            "not-authenticated",
            _("Send a valid API token (Authorization: Bearer …) or sign in."),
            headers={"WWW-Authenticate": 'Bearer realm="alliance"'},
        )

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        kind = "csrf" if exc.status_code == 403 else "error"
        return problem_response(request, exc.status_code, kind, str(exc))
