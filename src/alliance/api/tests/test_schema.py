"""The schema: OpenAPI 3.1, every error answer documented as a problem, docs served locally."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client

PROBLEM = "application/problem+json"


def test_schema_is_openapi_3_1_and_documents_problems_on_every_operation(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"] == "3.1.0"
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 20
    for op in operations:
        answers = op["responses"]
        for status in ("401", "403", "404", "422", "429"):
            assert status in answers, (op["operationId"], status)
            assert list(answers[status]["content"]) == [PROBLEM], op["operationId"]
        assert op.get("security"), op["operationId"]
    security = schema["components"]["securitySchemes"]
    assert {s["type"] for s in security.values()} == {"http", "apiKey"}


def test_writes_document_if_match_and_posts_idempotency_key(db):
    schema = Client().get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
            if method == "patch" or method == "delete":
                assert "If-Match" in headers and "412" in op["responses"], (path, method)
            if method == "post":
                assert "Idempotency-Key" in headers and "409" in op["responses"], (path, method)


def test_docs_are_served_from_our_own_static_files(client, world):
    client.force_login(world.viewer)
    html = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert finders.find("ninja/swagger-ui-bundle.js")


def test_errors_are_problem_details_naming_the_field(world, api_as):
    api = api_as("owner")
    url = f"/api/v1/agreements/{world.agreement.uuid}/commitments"
    response = api.post(url, {"title": "", "category": "nonsense"})
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 422 and body["instance"] == url
    fields = {e["field"] for e in body["errors"]}
    assert {"title", "category", "owed_by", "owed_to"} <= fields
