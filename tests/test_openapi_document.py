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


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:  # X | None
        schema = next(s for s in schema["anyOf"] if s.get("type") != "null")
        return _resolve(spec, schema)
    return schema


def _pointer_exists(spec: dict[str, Any], schema: dict[str, Any], pointer: str) -> bool:
    for part in pointer.strip("/").split("/"):
        schema = _resolve(spec, schema)
        if part.isdigit():
            if schema.get("type") != "array":
                return False
            schema = schema["items"]
        else:
            if part not in schema.get("properties", {}):
                return False
            schema = schema["properties"][part]
    return True


def test_creating_operations_link_to_the_operations_that_take_their_ids(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    by_id = {op["operationId"]: (path, op) for _, path, op in operations(spec)}
    links: dict[str, set[str]] = {}
    for source, (path, op) in by_id.items():
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                target_path, target = by_id[link["operationId"]]
                names = {p["name"] for p in target.get("parameters", [])}
                for param, expression in link["parameters"].items():
                    assert param in names, (source, link)
                    if expression.startswith("$response.body#"):
                        body = response["content"]["application/json"]["schema"]
                        assert _pointer_exists(spec, body, expression.split("#", 1)[1]), (source, expression)
                    else:
                        assert expression.startswith("$request.path.") and \
                            "{" + expression.rsplit(".", 1)[1] + "}" in path, (source, expression)
                if any(p["in"] == "path" for p in target.get("parameters", [])):
                    assert {p["name"] for p in target["parameters"] if p["in"] == "path"} <= set(link["parameters"])
                links.setdefault(source, set()).add(link["operationId"])
    expected = {
        "push_batch": {"get_posting", "put_posting", "delete_posting", "get_one_job"},
        "put_posting": {"get_posting", "delete_posting", "explain_posting", "split_posting", "get_one_job"},
        "post_fair": {"get_one_fair", "patch_fair", "post_cancel", "delete_fair", "get_jobs"},
        "post_source": {"get_source", "patch_source", "delete_source", "post_sync", "get_runs"},
        "post_webhook": {"get_webhook", "patch_webhook", "delete_webhook", "get_deliveries"},
        "post_case": {"get_case", "patch_case", "get_recommendations", "post_pushes", "get_pushes"},
        "post_visit": {"get_visit"},
        "post_partner": {"get_one_partner", "post_key", "delete_keys"},
    }
    for source, targets in expected.items():
        assert targets <= links.get(source, set()), (source, links.get(source))


def test_every_operation_with_an_id_in_its_path_is_reached_by_some_link(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    targets = {link["operationId"] for _, _, op in operations(spec) for r in op["responses"].values()
               for link in r.get("links", {}).values()}
    with_ids = {op["operationId"] for _, path, op in operations(spec) if "{" in path}
    assert with_ids - targets == set()


def test_a_link_to_a_renamed_operation_refuses_to_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import openapi_links

    spec = {"paths": {"/a": {"post": {"operationId": "post_a", "responses": {"201": {}}}}}}
    monkeypatch.setattr(openapi_links, "LINKS", [("post_a", "201", {"get_gone": {"a_id": "$response.body#/id"}})])
    with pytest.raises(RuntimeError, match="get_gone"):
        openapi_links.add_links(spec)
