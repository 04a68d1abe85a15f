"""Health checks for a load balancer in front of several web processes (docs/deployment.md).

``live`` answers without touching anything (the process serves requests: it is also the
"hello world" floor of ``bench/web.py``); ``ready`` asks every configured database for one
row, so a process that lost its database is taken out of rotation. Neither needs a login,
and neither says anything but "ok" or which database alias did not answer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def live(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@never_cache
@require_GET
def ready(request: HttpRequest) -> HttpResponse:
    for alias in ["default", *settings.DATABASE_REPLICAS]:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            return HttpResponse(
                f"database {alias} unavailable", status=503, content_type="text/plain"
            )
    return HttpResponse("ok", content_type="text/plain")
