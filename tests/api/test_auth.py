"""Who may do what: 401 without a live key, 404 across partners, 403 for partner keys on admin endpoints."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, auth, make_posting


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"Authorization": "Bearer hub_bad_key"},
                                     {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer " + "x" * 5000}])
def test_push_without_a_valid_key_is_401_problem(client: TestClient, headers: dict[str, str]) -> None:
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting()]}, headers=headers)
    assert resp.status_code == 401
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert resp.json()["status"] == 401


def test_revoked_key_is_401_and_a_new_key_works(client: TestClient, partner: tuple[str, str]) -> None:
    partner_id, key = partner
    assert client.get("/api/v1/me", headers=auth(key)).status_code == 200
    assert client.delete(f"/api/v1/partners/{partner_id}/keys", headers=ADMIN).status_code == 204
    assert client.get("/api/v1/me", headers=auth(key)).status_code == 401
    new_key = client.post(f"/api/v1/partners/{partner_id}/keys", headers=ADMIN).json()["api_key"]
    assert client.get("/api/v1/me", headers=auth(new_key)).json()["id"] == partner_id


def test_keys_are_stored_only_as_hashes(client: TestClient, partner: tuple[str, str], db: Any) -> None:
    from sqlalchemy import text

    _, key = partner
    with db.read() as s:
        stored = [r[0] for r in s.execute(text("SELECT key_hash FROM api_keys"))]
    assert key not in stored and all(len(h) == 64 for h in stored)


def test_another_partners_posting_is_404_for_read_change_and_withdraw(client: TestClient, make_partner: Any) -> None:
    _, owner = make_partner("university")
    _, other = make_partner("recruiter")
    assert client.put("/api/v1/postings/MINE", json=make_posting("MINE"), headers=auth(owner)).status_code == 201
    assert client.get("/api/v1/postings/MINE", headers=auth(other)).status_code == 404
    assert client.delete("/api/v1/postings/MINE", headers=auth(other)).status_code == 404
    # A PUT by the other partner creates the other partner's own posting; the owner's stays untouched.
    assert client.put("/api/v1/postings/MINE", json=make_posting("MINE", title="改过"), headers=auth(other)).status_code == 201
    assert client.get("/api/v1/postings/MINE", headers=auth(owner)).json()["posting"]["title"].startswith("Java")


def test_partner_key_on_admin_endpoints_is_403(client: TestClient, partner: tuple[str, str]) -> None:
    partner_id, key = partner
    for method, path in [("post", "/api/v1/partners"), ("get", "/api/v1/partners"),
                         ("get", f"/api/v1/partners/{partner_id}"), ("delete", f"/api/v1/partners/{partner_id}/keys")]:
        kwargs: dict[str, Any] = {"json": {"name": "x", "kind": "university"}} if method == "post" else {}
        resp = getattr(client, method)(path, headers=auth(key), **kwargs)
        assert resp.status_code == 403, (method, path, resp.text)


def test_admin_token_cannot_push_as_a_partner(client: TestClient) -> None:
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting()]}, headers=ADMIN)
    assert resp.status_code == 403


def test_admin_creates_lists_and_reads_partners(client: TestClient) -> None:
    created = client.post("/api/v1/partners", json={"name": "北京大学", "kind": "university", "region_code": "110000"},
                          headers=ADMIN)
    assert created.status_code == 201
    body = created.json()
    assert body["api_key"].startswith("hub_") and body["region_code"] == "110000"
    listed = client.get("/api/v1/partners", headers=ADMIN).json()["items"]
    assert [p["name"] for p in listed] == ["北京大学"] and "api_key" not in listed[0]
    assert client.get(f"/api/v1/partners/{body['id']}", headers=ADMIN).json()["kind"] == "university"


def test_partner_creation_rejects_unknown_kind_naming_the_field(client: TestClient) -> None:
    resp = client.post("/api/v1/partners", json={"name": "x", "kind": "alien"}, headers=ADMIN)
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["kind"]
