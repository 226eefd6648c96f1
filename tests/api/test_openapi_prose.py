"""The served OpenAPI reads well and tells the truth: every operation has a summary and a
description, every tag a description, the version is the package's, the webhook the hub calls
is described, and every example is accepted by (or is what comes back from) the real API."""

from __future__ import annotations

import re
from importlib.metadata import version
from typing import Any

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app import __version__
from app.openapi_examples import DELIVERY, EXAMPLES
from app.openapi_text import DESCRIPTIONS, TAGS
from app.schemas.common import Problem
from app.schemas.posting import PostingIn
from app.schemas.webhooks import DeliveryPayload
from tests.conftest import ADMIN, auth

METHODS = {"get", "put", "post", "patch", "delete"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _ops(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in spec["paths"].values() for m, op in item.items() if m in METHODS}


def _routes(app: Any) -> dict[str, APIRoute]:
    return {rc.original_route.name: rc.original_route for rc in iter_route_contexts(app.routes)
            if isinstance(rc.original_route, APIRoute) and rc.original_route.include_in_schema}


def test_every_operation_has_a_summary_and_a_description_said_once(client: TestClient, app: Any) -> None:
    ops = _ops(client.get("/openapi.json").json())
    assert len(ops) >= 60
    bare = [i for i, op in ops.items() if not op.get("summary") or len(op.get("description", "")) < 20]
    assert bare == [], f"give these endpoints a docstring (or an entry in app/openapi_text.py): {bare}"
    assert sorted(set(DESCRIPTIONS) - set(ops)) == [], "descriptions of operations that no longer exist"
    routes = _routes(app)
    twice = [i for i in DESCRIPTIONS if i in routes and routes[i].description]
    assert twice == [], f"these have a docstring and an entry in app/openapi_text.py: {twice}"


def test_every_tag_is_described_and_used(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    used = {t for op in _ops(spec).values() for t in op.get("tags", [])}
    described = {t["name"]: t.get("description", "") for t in spec["tags"]}
    assert used == set(described) and all(len(d) > 40 for d in described.values())
    assert [t["name"] for t in spec["tags"]] == [t["name"] for t in TAGS]


def test_the_document_carries_the_package_version(client: TestClient) -> None:
    info = client.get("/openapi.json").json()["info"]
    assert info["version"] == __version__ == version("hub24365")
    assert "problem+json" in info["description"] and info["license"]["identifier"] == "Apache-2.0"


def test_the_webhook_the_hub_calls_is_described_with_both_signatures(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["webhooks"]["job-changes"]["post"]
    body = op["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/DeliveryPayload"}
    assert {"delivery_id", "webhook_id", "changes"} <= set(spec["components"]["schemas"]["DeliveryPayload"]["required"])
    headers = {p["name"] for p in op["parameters"] if p["in"] == "header"}
    assert {"X-Hub-Signature", "webhook-id", "webhook-timestamp", "webhook-signature"} <= headers
    assert DeliveryPayload.model_validate(body["examples"]["example"]["value"]).changes[1].op == "delete"
    assert "422" not in op["responses"] and body["examples"]["example"]["value"] == DELIVERY


def _examples(op: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if "requestBody" in op:
        found["request"] = op["requestBody"]["content"]["application/json"].get("examples")
    for code, response in op["responses"].items():
        for media, content in response.get("content", {}).items():
            if "examples" in content:
                found["problem" if media == "application/problem+json" else code] = content["examples"]
    return {k: v["example" if k != "problem" else "invalid"]["value"] for k, v in found.items() if v}


def test_every_example_is_in_the_document_and_fits_its_model(client: TestClient, app: Any) -> None:
    ops, routes = _ops(client.get("/openapi.json").json()), _routes(app)
    bodies = {"put_posting": PostingIn}
    assert len(EXAMPLES) >= 10
    for op_id, examples in EXAMPLES.items():
        assert _examples(ops[op_id]) == examples, op_id
        route = routes[op_id]
        for key, value in examples.items():
            if key == "request" and op_id == "push_batch":  # the example shows a rejection too
                for posting, result in zip(value["postings"], examples["200"]["results"], strict=True):
                    if result["status"] == "rejected":
                        with pytest.raises(ValidationError):
                            PostingIn.model_validate(posting)
                    else:
                        PostingIn.model_validate(posting)
            elif key == "request":
                model = bodies.get(op_id) or route.body_field.field_info.annotation  # type: ignore[union-attr]
                model = getattr(model, "__args__", (model,))[0]  # X | None
                model.model_validate({"external_id": "x", **value} if op_id == "put_posting" else value)
            elif key == "problem":
                Problem.model_validate(value)
            else:
                model = route.responses.get(int(key), {}).get("model") or route.response_model
                model.model_validate(value)
    postings = EXAMPLES["push_batch"]["request"]["postings"]
    assert all(CJK.search(p["employer"]["name"]) for p in postings)


def test_request_examples_are_accepted_and_answers_look_like_the_examples(client: TestClient) -> None:
    created = client.post("/api/v1/partners", json=EXAMPLES["post_partner"]["request"], headers=ADMIN)
    assert created.status_code == 201 and set(created.json()) == set(EXAMPLES["post_partner"]["201"])
    partner_id, key = created.json()["id"], created.json()["api_key"]
    rotated = client.post(f"/api/v1/partners/{partner_id}/keys", json=EXAMPLES["post_key"]["request"], headers=ADMIN)
    assert rotated.status_code == 201 and rotated.json()["name"] == EXAMPLES["post_key"]["201"]["name"]
    assert set(rotated.json()) == set(EXAMPLES["post_key"]["201"])

    pushed = client.post("/api/v1/postings/batch", json=EXAMPLES["push_batch"]["request"], headers=auth(key))
    assert pushed.status_code == 200
    shown = EXAMPLES["push_batch"]["200"]["results"]
    got = pushed.json()["results"]
    assert [(r["external_id"], r["status"], r["errors"]) for r in got] == \
        [(r["external_id"], r["status"], r["errors"]) for r in shown]

    put = client.put("/api/v1/postings/SZU-2026-00020", json=EXAMPLES["put_posting"]["request"], headers=auth(key))
    assert put.status_code == 201, put.text
    shown_posting = EXAMPLES["put_posting"]["201"]["posting"]
    assert {**put.json()["posting"], "external_id": "SZU-2026-00018"} == shown_posting

    # The problem examples are what the API answers to the same mistakes.
    mistakes = {
        "post_partner": client.post("/api/v1/partners", json={"name": "深圳大学", "kind": "alien"}, headers=ADMIN),
        "push_batch": client.post("/api/v1/postings/batch", headers=auth(key), json={
            "postings": [EXAMPLES["push_batch"]["request"]["postings"][0]] * 2}),
        "put_posting": client.put("/api/v1/postings/SZU-2026-00018", json={"title": "会计"}, headers=auth(key)),
        "get_jobs": client.get("/api/v1/jobs", params={"limit": 101}),
    }
    for op_id, resp in mistakes.items():
        shown = EXAMPLES[op_id]["problem"]
        assert resp.status_code == 422 and resp.headers["content-type"] == "application/problem+json"
        assert {k: resp.json()[k] for k in ("title", "detail", "errors")} == \
            {k: shown[k] for k in ("title", "detail", "errors")}, op_id
