"""The REST API, version 1: ``/api/v1/`` with its OpenAPI 3.1 schema at
``/api/v1/openapi.json`` and browsable docs at ``/api/v1/docs`` (served from our own static
files: no CDN)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from alliance.api import problems
from alliance.api.auth import SessionAuth, TokenAuth
from alliance.api.problems import MEDIA_TYPE
from alliance.api.routes import (
    agreements,
    commitments,
    entities,
    insights,
    interactions,
    parties,
    party_items,
    webhooks,
)

DESCRIPTION = """
Every entity and every insight of Alliance, through the same services and the same access
policy as the pages. Authenticate with a personal token (`Authorization: Bearer alli_…`,
created on the *API tokens* page) or, from the site's own pages, with the session and its
CSRF token. Something you may not see answers 404, exactly like something that does not
exist. Errors are RFC 9457 problem details (`application/problem+json`) naming the field.
Lists are pages in creation order: pass `next_cursor` back as `cursor`. Items carry an
`ETag`; send it back as `If-Match` to have a stale write refused (412). A POST with an
`Idempotency-Key` is done once, however often it is retried. Each token (or signed-in
user) may send a limited number of requests a minute (429 with `Retry-After` beyond).
See docs/api.md for a worked example.
"""


class AllianceAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """ninja's schema, with the problems' own media type on every error answer."""
        schema = super().get_openapi_schema(**kwargs)
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {MEDIA_TYPE: content["application/json"]}
        return schema


api = AllianceAPI(
    title="Alliance API",
    version="1",
    description=DESCRIPTION,
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
)
problems.install(api)
api.add_router("", agreements.router)
api.add_router("", parties.router)
api.add_router("", commitments.router)
api.add_router("", interactions.router)
api.add_router("", entities.router)
api.add_router("", party_items.router)
api.add_router("", insights.router)
api.add_router("", webhooks.router)
