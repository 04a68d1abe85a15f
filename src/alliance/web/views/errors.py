"""Server errors. The database out of reach (PostgreSQL restarting, the network down) is not a
bug: it answers 503 with a page in the reader's language that retries by itself, rendered
without touching the database (no context processors, no user); anything else is the static
500 page."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils import translation
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException | None) -> bool:
    """Is ``exc`` the database out of reach or too busy (a connection refused or dropped, a
    lock not granted in time), rather than a query it refused (a bug)?"""
    return isinstance(exc, (OperationalError, InterfaceError))


def handler500(request: HttpRequest) -> HttpResponse:
    exc = sys.exception()
    if not database_unavailable(exc):
        return server_error(request)
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = loader.get_template("503.html").render({"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponseServerError(html)
    response.status_code = 503
    response.reason_phrase = "Service Unavailable"
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    return response
