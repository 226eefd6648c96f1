"""Idempotency-Key: the same key and body replay the first answer; another body is a 422."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import auth, make_posting


def test_same_key_same_body_replays_the_first_answer(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    headers = {**auth(key), "Idempotency-Key": "k-1"}
    body = {"postings": [make_posting("I1")]}
    first = client.post("/api/v1/postings/batch", json=body, headers=headers)
    second = client.post("/api/v1/postings/batch", json=body, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second.json()["results"][0]["status"] == "created"  # replayed, not "unchanged"


def test_same_key_other_body_is_422(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    headers = {**auth(key), "Idempotency-Key": "k-2"}
    client.post("/api/v1/postings/batch", json={"postings": [make_posting("I2")]}, headers=headers)
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting("I3")]}, headers=headers)
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "Idempotency-Key"
    assert client.get("/api/v1/postings/I3", headers=auth(key)).status_code == 404


def test_put_replays_its_201(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    headers = {**auth(key), "Idempotency-Key": "put-1"}
    first = client.put("/api/v1/postings/I4", json=make_posting("I4"), headers=headers)
    second = client.put("/api/v1/postings/I4", json=make_posting("I4"), headers=headers)
    assert first.status_code == second.status_code == 201 and first.json() == second.json()


def test_keys_are_per_partner(client: TestClient, make_partner: Any) -> None:
    _, a = make_partner("university")
    _, b = make_partner("recruiter")
    body = {"postings": [make_posting("SAME")]}
    ra = client.post("/api/v1/postings/batch", json=body, headers={**auth(a), "Idempotency-Key": "shared"})
    rb = client.post("/api/v1/postings/batch", json=body, headers={**auth(b), "Idempotency-Key": "shared"})
    assert ra.json()["results"][0]["status"] == rb.json()["results"][0]["status"] == "created"
    # b's request really ran (a replay of a's answer would have stored nothing for b).
    assert client.get("/api/v1/postings/SAME", headers=auth(b)).status_code == 200


def test_keys_are_kept_at_least_24_hours_then_purged(client: TestClient, partner: tuple[str, str], db: Any,
                                                      settings: Any) -> None:
    from app.housekeeping import sweep_once

    _, key = partner
    client.post("/api/v1/postings/batch", json={"postings": [make_posting("T")]},
                headers={**auth(key), "Idempotency-Key": "old"})
    def age_by(hours: int) -> int:
        with db.write() as s:
            created = s.execute(text("SELECT created_at FROM idempotency_keys")).scalar_one()
            if isinstance(created, str):  # SQLite hands back text for raw SQL
                from datetime import datetime
                created = datetime.fromisoformat(created)
            s.execute(text("UPDATE idempotency_keys SET created_at = :t"), {"t": created - timedelta(hours=hours)})
        sweep_once(db, settings)
        with db.read() as s:
            return int(s.execute(text("SELECT count(*) FROM idempotency_keys")).scalar_one())

    assert settings.idempotency_ttl_hours >= 24
    assert age_by(23) == 1
    assert age_by(settings.idempotency_ttl_hours) == 0


def test_a_failed_request_does_not_burn_its_key(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    headers = {**auth(key), "Idempotency-Key": "retry-me"}
    assert client.delete("/api/v1/postings/NOPE", headers=headers).status_code == 404
    client.put("/api/v1/postings/NOPE", json=make_posting("NOPE"), headers=auth(key))
    assert client.delete("/api/v1/postings/NOPE", headers=headers).status_code == 204
