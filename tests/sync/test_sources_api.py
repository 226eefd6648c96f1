"""/api/v1/sources: registration (SSRF refused), health, run now, runs; who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from tests.conftest import ADMIN, auth
from tests.sync.runs import feed


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"sync_allow_private": True, "sync_deadline_s": 3.0})


def register(client: TestClient, key: str, url: str, **body: Any) -> Any:
    return client.post("/api/v1/sources", json={"url": url, "format": "json", "interval_seconds": 600, **body},
                       headers=auth(key) if key != "admin" else ADMIN)


def test_a_partner_registers_syncs_and_reads_its_feed(client: TestClient, partner: Any, feed_server: Any) -> None:
    partner_id, key = partner
    url = feed_server.put("/doc/api.json", feed("A", "B") + b"")
    created = register(client, key, url, snapshot=True)
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["partner_id"] == partner_id and source["health"]["state"] == "never_run"
    run = client.post(f"/api/v1/sources/{source['id']}/sync", headers=auth(key))
    assert run.status_code == 200, run.text
    assert run.json()["status"] == "succeeded" and run.json()["counts"]["created"] == 2
    assert run.json()["trigger"] == "manual"
    health = client.get(f"/api/v1/sources/{source['id']}", headers=auth(key)).json()["health"]
    assert health["state"] == "ok" and health["last_counts"]["created"] == 2 and health["failure_streak"] == 0
    assert client.get("/api/v1/postings/A", headers=auth(key)).json()["status"] == "active"
    listed = client.get("/api/v1/sources", headers=auth(key)).json()
    assert [s["id"] for s in listed["items"]] == [source["id"]]


def test_runs_are_listed_newest_first_with_errors_and_pages(
        client: TestClient, partner: Any, feed_server: Any) -> None:
    _, key = partner
    source = register(client, key, feed_server.url("/flaky?fails=99&key=api")).json()
    for _ in range(3):
        assert client.post(f"/api/v1/sources/{source['id']}/sync", headers=auth(key)).status_code == 200
    page = client.get(f"/api/v1/sources/{source['id']}/runs?limit=2", headers=auth(key)).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert {r["error_class"] for r in page["items"]} == {"http_5xx"}
    rest = client.get(f"/api/v1/sources/{source['id']}/runs?limit=2&cursor={page['next_cursor']}",
                      headers=auth(key)).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    ids = [r["id"] for r in page["items"] + rest["items"]]
    assert ids == sorted(ids, reverse=True)
    health = client.get(f"/api/v1/sources/{source['id']}", headers=auth(key)).json()["health"]
    assert (health["state"], health["failure_streak"], health["last_error_class"]) == ("failing", 3, "http_5xx")


def test_another_partners_source_is_not_found(client: TestClient, make_partner: Any, feed_server: Any) -> None:
    _, owner_key = make_partner("university")
    other_id, other_key = make_partner("recruiter")
    source = register(client, owner_key, feed_server.put("/doc/mine.json", feed("A"))).json()
    for method, path in (("get", ""), ("post", "/sync"), ("get", "/runs"), ("delete", "")):
        response = client.request(method.upper(), f"/api/v1/sources/{source['id']}{path}", headers=auth(other_key))
        assert response.status_code == 404, (method, path)
    assert client.get("/api/v1/sources", headers=auth(other_key)).json()["items"] == []
    refused = register(client, owner_key, feed_server.url("/doc/x.json"), partner_id=other_id)
    assert refused.status_code == 403


def test_the_admin_registers_for_any_partner_and_sees_all(
        client: TestClient, make_partner: Any, feed_server: Any) -> None:
    partner_id, key = make_partner("provincial_platform")
    missing = register(client, "admin", feed_server.url("/doc/adm.json"))
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "partner_id"
    unknown = register(client, "admin", feed_server.url("/doc/adm.json"), partner_id="f" * 32)
    assert unknown.status_code == 422
    created = register(client, "admin", feed_server.url("/doc/adm.json"), partner_id=partner_id)
    assert created.status_code == 201 and created.json()["partner_id"] == partner_id
    assert client.get(f"/api/v1/sources/{created.json()['id']}", headers=auth(key)).status_code == 200
    assert len(client.get("/api/v1/sources", headers=ADMIN).json()["items"]) == 1
    duplicate = register(client, key, feed_server.url("/doc/adm.json"))
    assert duplicate.status_code == 409


def test_no_key_is_401(client: TestClient) -> None:
    assert client.get("/api/v1/sources").status_code == 401
    assert client.get("/api/v1/sources", headers=auth("hub_not-a-key")).status_code == 401


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/feed.json", "http://localhost/feed.json", "http://2130706433/feed.json",
    "http://0177.0.0.1/feed.json", "http://[::ffff:127.0.0.1]/feed.json", "http://169.254.169.254/latest/",
    "http://10.1.2.3/feed", "http://[fd00::1]/feed", "http://user:pw@example.com/feed", "file:///etc/passwd",
    "ftp://example.com/feed",
])
def test_private_and_tricky_urls_are_refused_at_registration(
        client: TestClient, settings: Settings, partner: Any, url: str) -> None:
    settings.sync_allow_private = False
    response = register(client, partner[1], url)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in response.json()["errors"]] == ["url"]


def test_bad_bodies_name_the_field(client: TestClient, partner: Any) -> None:
    _, key = partner
    cases = [({"format": "yaml"}, "format"), ({"interval_seconds": 1}, "interval_seconds"),
             ({"mapping": {"fields": {"nonsense": "x"}}}, "mapping.fields"),
             ({"withdraw_after_misses": 0}, "withdraw_after_misses"), ({"colour": "red"}, "colour")]
    for extra, field in cases:
        response = register(client, key, "https://jobs.example.com/feed.json", **extra)
        assert response.status_code == 422, extra
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


def test_patch_pauses_and_changes_a_source(client: TestClient, settings: Settings, partner: Any,
                                           feed_server: Any) -> None:
    _, key = partner
    source = register(client, key, feed_server.put("/doc/patch.json", feed("A"))).json()
    changed = client.patch(f"/api/v1/sources/{source['id']}", json={"enabled": False, "interval_seconds": 120},
                           headers=auth(key))
    assert changed.status_code == 200 and changed.json()["enabled"] is False
    assert changed.json()["interval_seconds"] == 120
    settings.sync_allow_private = False
    refused = client.patch(f"/api/v1/sources/{source['id']}", json={"url": "http://[::1]/x"}, headers=auth(key))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "url"
    assert client.delete(f"/api/v1/sources/{source['id']}", headers=auth(key)).status_code == 204
    assert client.get(f"/api/v1/sources/{source['id']}", headers=auth(key)).status_code == 404


def test_run_now_while_a_run_holds_the_lease_is_409(client: TestClient, partner: Any, db: Any,
                                                     feed_server: Any) -> None:
    from app.models import utcnow
    from app.sync.store import claim

    _, key = partner
    source = register(client, key, feed_server.url("/doc/busy.json")).json()
    claim(db, source["id"], "someone-else", now=utcnow(), lease_s=600, due_only=False)
    response = client.post(f"/api/v1/sources/{source['id']}/sync", headers=auth(key))
    assert response.status_code == 409
    assert client.get(f"/api/v1/sources/{source['id']}", headers=auth(key)).json()["health"]["state"] == "running"


def test_an_idempotency_key_replays_the_registration(client: TestClient, partner: Any, feed_server: Any) -> None:
    _, key = partner
    body = {"url": feed_server.url("/doc/idem.json"), "format": "json", "interval_seconds": 600}
    headers = {**auth(key), "Idempotency-Key": "register-idem-1"}
    first = client.post("/api/v1/sources", json=body, headers=headers)
    again = client.post("/api/v1/sources", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    other = client.post("/api/v1/sources", json={**body, "interval_seconds": 60}, headers=headers)
    assert other.status_code == 422
    assert len(client.get("/api/v1/sources", headers=auth(key)).json()["items"]) == 1
