"""A body that is not UTF-8 JSON is a 422 problem naming the body on every operation that takes one.

FastAPI answered bytes that are not UTF-8 with an undocumented bare 400 ("There was an error parsing
the body") on every route whose body it parses itself; ``/postings/batch`` (read by the hub) was right.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, auth

BODIES = {
    "latin1": '{"name": "深圳大学"}'.encode("gb18030"),
    "bytes": b"\xff\xfe\x00{",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "truncated": b'{"name": "x"',
}


def _operations_with_bodies(client: TestClient) -> list[tuple[str, str]]:
    spec = client.get("/openapi.json").json()
    return [(method.upper(), path) for path, item in spec["paths"].items() for method, op in item.items()
            if method != "parameters" and "requestBody" in op]


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_every_operation_answers_an_undecodable_body_with_a_422_naming_it(
        client: TestClient, make_partner: Any, kind: str) -> None:
    _, university = make_partner("university", region_code="440300")
    operations = _operations_with_bodies(client)
    assert len(operations) >= 12
    for method, path in operations:
        url = path.replace("{", "").replace("}", "")  # ids that do not exist: the body is read first
        answers = []
        for headers in (ADMIN, auth(university)):
            resp = client.request(method, url, content=BODIES[kind],
                                  headers={**headers, "Content-Type": "application/json"})
            assert resp.status_code in (401, 403, 404, 422), (method, path, resp.status_code, resp.text)
            assert resp.headers["content-type"] == "application/problem+json", (method, path)
            answers.append(resp)
        refused = [r for r in answers if r.status_code == 422]
        assert refused, (method, path, [r.status_code for r in answers])
        for resp in refused:
            assert [e["field"] for e in resp.json()["errors"]] == ["body"], (method, path, resp.text)
            assert resp.json()["errors"][0]["type"] == "json_invalid"


def test_the_reported_routes_name_the_bad_byte(client: TestClient) -> None:
    resp = client.post("/api/v1/partners", content=b'{"name":"\xff\xfe","kind":"university"}',
                       headers={**ADMIN, "Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"] == [{"field": "body", "message": "not UTF-8: byte 0xff at position 9",
                                      "type": "json_invalid"}]
