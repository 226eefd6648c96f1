"""API keys have ids, names and a last-used time: rotate one key without downtime, list keys
without their secrets, revoke one key while the others keep working."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.models import utcnow
from tests.conftest import ADMIN, auth


def _keys(client: TestClient, partner_id: str) -> list[dict[str, Any]]:
    resp = client.get(f"/api/v1/partners/{partner_id}/keys", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]  # type: ignore[no-any-return]


def _last_used(db: Any, key_id: str) -> datetime | None:
    with db.read() as s:
        value = s.execute(text("SELECT last_used_at FROM api_keys WHERE id = :id"), {"id": key_id}).scalar_one()
    return None if value is None else datetime.fromisoformat(str(value))


def test_a_key_is_rotated_without_downtime_and_revoked_by_its_id(client: TestClient) -> None:
    created = client.post("/api/v1/partners", json={"name": "深圳大学", "kind": "university",
                                                    "region_code": "440300"}, headers=ADMIN).json()
    partner_id, old_key, old_id = created["id"], created["api_key"], created["api_key_id"]
    listed = _keys(client, partner_id)
    assert [k["id"] for k in listed] == [old_id] and listed[0]["prefix"] == old_key.split("_")[1]

    resp = client.post(f"/api/v1/partners/{partner_id}/keys", json={"name": "新系统（2026）"}, headers=ADMIN)
    assert resp.status_code == 201, resp.text
    new = resp.json()
    assert new["id"] not in (partner_id, old_id) and new["partner_id"] == partner_id
    assert new["name"] == "新系统（2026）" and new["api_key"].startswith(f"hub_{new['prefix']}_")
    for key in (old_key, new["api_key"]):  # both work during the switch-over
        assert client.get("/api/v1/me", headers=auth(key)).json()["id"] == partner_id

    assert client.delete(f"/api/v1/partners/{partner_id}/keys/{old_id}", headers=ADMIN).status_code == 204
    assert client.get("/api/v1/me", headers=auth(old_key)).status_code == 401
    assert client.get("/api/v1/me", headers=auth(new["api_key"])).status_code == 200
    assert client.delete(f"/api/v1/partners/{partner_id}/keys/{old_id}", headers=ADMIN).status_code == 204

    listed = _keys(client, partner_id)
    assert [(k["id"], k["name"], k["revoked_at"] is not None) for k in listed] == [
        (old_id, None, True), (new["id"], "新系统（2026）", False)]
    for k in listed:  # never the secret, nor its hash
        assert set(k) == {"id", "partner_id", "name", "prefix", "created_at", "last_used_at", "revoked_at"}


def test_a_posted_key_without_a_body_has_no_name(client: TestClient, partner: tuple[str, str]) -> None:
    partner_id, _ = partner
    resp = client.post(f"/api/v1/partners/{partner_id}/keys", headers=ADMIN)
    assert resp.status_code == 201 and resp.json()["name"] is None
    bad = client.post(f"/api/v1/partners/{partner_id}/keys", json={"name": "  "}, headers=ADMIN)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["name"]


def test_revoking_a_key_of_another_partner_or_an_unknown_key_is_404(client: TestClient, make_partner: Any) -> None:
    mine, _ = make_partner("university")
    other, other_key = make_partner("recruiter")
    other_key_id = _keys(client, other)[0]["id"]
    assert client.delete(f"/api/v1/partners/{mine}/keys/{other_key_id}", headers=ADMIN).status_code == 404
    assert client.delete(f"/api/v1/partners/{mine}/keys/nope", headers=ADMIN).status_code == 404
    assert client.get("/api/v1/partners/nope/keys", headers=ADMIN).status_code == 404
    assert client.get("/api/v1/me", headers=auth(other_key)).status_code == 200


def test_partner_keys_cannot_list_or_revoke_keys(client: TestClient, partner: tuple[str, str]) -> None:
    partner_id, key = partner
    key_id = _keys(client, partner_id)[0]["id"]
    assert client.get(f"/api/v1/partners/{partner_id}/keys", headers=auth(key)).status_code == 403
    assert client.delete(f"/api/v1/partners/{partner_id}/keys/{key_id}", headers=auth(key)).status_code == 403


def test_last_use_is_recorded_at_most_once_a_minute(client: TestClient, partner: tuple[str, str], db: Any) -> None:
    partner_id, key = partner
    key_id = _keys(client, partner_id)[0]["id"]
    assert _last_used(db, key_id) is None
    before = utcnow()
    assert client.get("/api/v1/me", headers=auth(key)).status_code == 200
    first = _last_used(db, key_id)
    assert first is not None and first.replace(tzinfo=before.tzinfo) >= before - timedelta(seconds=1)
    for _ in range(10):  # within the minute: no further writes
        client.get("/api/v1/changes", headers=auth(key)).raise_for_status()
    assert _last_used(db, key_id) == first
    with db.write() as s:  # a minute later, the next request records it again
        s.execute(text("UPDATE api_keys SET last_used_at = :t WHERE id = :id"),
                  {"t": utcnow() - timedelta(minutes=2), "id": key_id})
    client.get("/api/v1/me", headers=auth(key)).raise_for_status()
    listed = _keys(client, partner_id)[0]["last_used_at"]
    assert datetime.fromisoformat(listed) >= before - timedelta(seconds=1)


def test_0015_adds_names_and_last_use_and_steps_back_keeping_the_keys(
        client: TestClient, partner: tuple[str, str], db: Any, db_url: str) -> None:
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from app.migrate import alembic_config, downgrade, upgrade

    partner_id, key = partner
    client.post(f"/api/v1/partners/{partner_id}/keys", json={"name": "备用"}, headers=ADMIN).raise_for_status()

    def columns() -> set[str]:
        with db.read() as s:
            return {c["name"] for c in inspect(s.get_bind()).get_columns("api_keys")}

    assert {"name", "last_used_at"} <= columns()
    before = ScriptDirectory.from_config(alembic_config()).get_revision("0015").down_revision
    try:
        downgrade(db_url, str(before))
        assert not {"name", "last_used_at"} & columns()
        with db.read() as s:
            assert s.execute(text("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL")).scalar_one() == 2
    finally:
        upgrade(db_url)
    assert {"name", "last_used_at"} <= columns()
    assert client.get("/api/v1/me", headers=auth(key)).status_code == 200
    assert [k["name"] for k in _keys(client, partner_id)] == [None, None]  # names do not survive a step back
