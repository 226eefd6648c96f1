"""The served OpenAPI document: stable, unique operationIds and every error as one Problem under
application/problem+json (what generated clients and the fuzzers' conformance checks rely on)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from app.openapi import check_operation_ids

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in spec["paths"].items() for method, op in item.items()
            if method in METHODS]


def test_operation_ids_are_the_endpoint_names_and_unique(client: TestClient, app: Any) -> None:
    spec = client.get("/openapi.json").json()
    ids = [op["operationId"] for _, _, op in operations(spec)]
    assert len(ids) == len(set(ids)) >= 59
    names = {rc.original_route.name for rc in iter_route_contexts(app.routes)
             if isinstance(rc.original_route, APIRoute) and rc.original_route.include_in_schema}
    assert set(ids) == names
    by_route = {(m, p): op["operationId"] for m, p, op in operations(spec)}
    # A generated client's method names: renaming one of these is a change to the public API.
    assert by_route[("post", "/api/v1/postings/batch")] == "push_batch"
    assert by_route[("get", "/api/v1/jobs/{job_id}")] == "get_one_job"
    assert by_route[("post", "/api/v1/fairs")] == "post_fair"
    assert by_route[("get", "/api/v1/changes")] == "get_changes"


def test_a_repeated_operation_id_refuses_to_serve() -> None:
    spec = {"paths": {"/a": {"get": {"operationId": "same"}}, "/b": {"get": {"operationId": "same"}}}}
    with pytest.raises(RuntimeError, match="same"):
        check_operation_ids(spec)


def test_every_error_response_is_a_problem_under_application_problem_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    problem = schemas["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    assert set(problem["required"]) >= {"title", "status", "detail"}
    errors = problem["properties"]["errors"]
    assert {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}} in errors["anyOf"]
    assert set(schemas["FieldError"]["required"]) == {"field", "message", "type"}
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    checked = 0
    for method, path, op in operations(spec):
        for code, response in op["responses"].items():
            if int(code) < 400:
                continue
            checked += 1
            assert list(response["content"]) == ["application/problem+json"], (method, path, code)
            assert response["content"]["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"}, (method, path, code)  # examples may stand beside it
            assert response["description"] and response["description"] != "Problem details"
        codes = {int(c) for c in op["responses"]}
        if op.get("parameters") or op.get("requestBody"):
            assert 422 in codes, (method, path)
        if op.get("security"):
            assert {401, 403} <= codes, (method, path)
        if "{" in path:
            assert 404 in codes, (method, path)
    assert checked > 200


def test_served_errors_match_the_documented_problem(client: TestClient) -> None:
    """A few real errors, each with the documented content type and the Problem's fields."""
    answers = [client.get("/api/v1/jobs", params={"limit": 0}), client.get("/api/v1/me"),
               client.get("/api/v1/fairs/nope"), client.post("/api/v1/partners", json={})]
    for resp in answers:
        assert resp.headers["content-type"] == "application/problem+json"
        body = resp.json()
        assert body["status"] == resp.status_code and body["title"] and body["detail"]
    assert answers[0].json()["errors"][0]["field"] == "limit"
