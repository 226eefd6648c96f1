"""Migration 0017 both ways, with data: fairs keep their jobs, partners and cases stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from app.migrate import downgrade, upgrade
from tests.conftest import auth, make_posting, push


def test_0017_steps_back_and_up_again_keeping_fairs_their_jobs_and_partners(
        client: Any, make_partner: Any, db: Any, db_url: str) -> None:
    _, key = make_partner("university", region_code="440300")
    job_id = push(client, key, make_posting("M-1"))[0]["job_id"]
    start = datetime.now(UTC) + timedelta(days=3)
    body = {"title": "校园双选会", "kind": "campus", "mode": "offline", "region_code": "440305",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=5)).isoformat(), "job_ids": [job_id]}
    fair = client.post("/api/v1/fairs", json=body, headers=auth(key)).json()
    national = client.post("/api/v1/fairs", json={**body, "mode": "online", "region_code": "000000"},
                           headers=auth(key)).json()
    assert national["scope"] == "national" and national["region_name"] == "全国"
    db.dispose()
    try:
        downgrade(db_url, "0016")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM api_keys")).scalar_one() >= 1
            assert conn.execute(text("SELECT fair_id FROM fair_jobs")).scalars().all() == [fair["id"]]
            assert conn.execute(text("SELECT count(*) FROM fairs")).scalar_one() == 1  # the national one had no region
    finally:
        db.dispose()
        upgrade(db_url)
    db.dispose()
    again = client.get(f"/api/v1/fairs/{fair['id']}").json()
    assert again["job_ids"] == [job_id] and again["scope"] == "regional" and again["series_id"] is None
    assert client.get("/api/v1/jobs", params={"fair": fair["id"], "q": "Java"}).json()["total"] == 1
