"""Expiry of postings past valid_through, and the `hub` command."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.housekeeping import sweep_once
from app.ingest.pipeline import expire_due
from tests.conftest import IS_PG, auth, distinct_posting, make_posting


def test_posting_past_valid_through_expires_and_its_job_closes(client: TestClient, partner: tuple[str, str],
                                                                db: Any, settings: Any) -> None:
    _, key = partner
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    job_id = client.put("/api/v1/postings/E", json=make_posting("E", valid_through=soon), headers=auth(key)).json()["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "open"
    with db.write() as s:
        assert expire_due(s, datetime.now(UTC) + timedelta(hours=2)) == 1
    assert client.get("/api/v1/postings/E", headers=auth(key)).json()["status"] == "expired"
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "closed" and job["sources"][0]["status"] == "expired"
    assert sweep_once(db, settings)["expired"] == 0


def test_posting_already_past_valid_through_is_stored_expired(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = client.put("/api/v1/postings/OLD", json=make_posting("OLD", valid_through="2020-01-01T00:00:00+08:00"),
                      headers=auth(key))
    assert resp.status_code == 201 and resp.json()["status"] == "expired"


def test_naive_times_are_read_as_beijing_time(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = client.put("/api/v1/postings/TZ", json=make_posting("TZ", posted_at="2026-05-09T09:00:00"), headers=auth(key))
    assert resp.json()["posting"]["posted_at"] == "2026-05-09T01:00:00+00:00"


def test_hub_partner_create_prints_id_and_key(settings: Any) -> None:
    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_SECRET_KEY": settings.secret_key, "PATH": ""}
    out = subprocess.run([sys.executable, "-m", "app.cli", "partner", "create", "--name", "清华大学",
                          "--kind", "university", "--region", "110000"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["api_key"].startswith("hub_") and body["name"] == "清华大学" and body["id"]
    bad = subprocess.run([sys.executable, "-m", "app.cli", "partner", "create", "--name", "x", "--kind", "alien"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "kind" in bad.stderr


def test_hub_migrate_is_repeatable(settings: Any) -> None:
    env = {"HUB_DATABASE_URL": settings.database_url, "PATH": ""}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=env, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr


@pytest.mark.skipif(not IS_PG, reason="planner statistics are PostgreSQL's")
def test_sweep_analyses_tables_whose_statistics_went_stale(client: TestClient, partner: tuple[str, str],
                                                           db: Any) -> None:
    from sqlalchemy import text

    from app.housekeeping import analyze_stale

    def pending() -> int:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_force_next_flush()"))
            conn.commit()
        with db.engine.connect() as conn:
            return int(conn.execute(text("SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                                         "WHERE relname = 'postings'")).scalar_one())

    analyze_stale(db)
    _, key = partner
    client.post("/api/v1/postings/batch", json={"postings": [distinct_posting(i) for i in range(80)]},
                headers=auth(key)).raise_for_status()
    deadline = time.time() + 10
    while pending() < 80 and time.time() < deadline:  # backends report their counts within a second
        time.sleep(0.2)
    assert "postings" in analyze_stale(db)
    assert pending() == 0 and "postings" not in analyze_stale(db)


def test_hub_search_rebuild_indexes_every_job_again(client: TestClient, partner: tuple[str, str], settings: Any,
                                                    db: Any) -> None:
    postings = [make_posting(f"R{i}", title=t, employer={"name": f"{t}公司"}) for i, t in
                enumerate(["园林设计师", "会计", "护士"])]
    assert client.post("/api/v1/postings/batch", json={"postings": postings},
                       headers=auth(partner[1])).status_code == 200
    with db.write() as s:  # the index lost its rows (a failed manual repair, say)
        if db.sqlite:
            s.execute(text("INSERT INTO search_fts (search_fts) VALUES ('delete-all')"))
            s.execute(text("DELETE FROM search_texts"))
        s.execute(text("DELETE FROM search_docs"))
    assert client.get("/api/v1/jobs", params={"q": "园林"}).json()["total"] == 0
    env = {"HUB_DATABASE_URL": settings.database_url, "PATH": ""}
    for extra in ([], ["--keep"]):
        out = subprocess.run([sys.executable, "-m", "app.cli", "search", "rebuild", *extra], env=env,
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["indexed_jobs"] == 3
        found = client.get("/api/v1/jobs", params={"q": "园林"}).json()
        assert found["total"] == 1 and found["items"][0]["title"] == "园林设计师"
        assert client.get("/api/v1/jobs").json()["total"] == 3


@pytest.mark.skipif(not IS_PG, reason="GIN pending lists are PostgreSQL's")
def test_search_index_pending_lists_are_merged_beside_the_writers(client: TestClient, partner: tuple[str, str],
                                                                    db: Any) -> None:
    from app.housekeeping import GIN_INDEXES, merge_search_pending

    with db.read() as s:
        options = dict(s.execute(text("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(:ix)"),
                                 {"ix": list(GIN_INDEXES)}).all())
    assert options == {ix: ["gin_pending_list_limit=16384"] for ix in GIN_INDEXES}
    merge_search_pending(db)
    client.post("/api/v1/postings/batch", json={"postings": [distinct_posting(i) for i in range(80)]},
                headers=auth(partner[1])).raise_for_status()
    before = client.get("/api/v1/jobs", params={"q": "工程师"}).json()["total"]
    assert merge_search_pending(db) > 0  # the 80 jobs' lexemes waited in the pending lists
    assert merge_search_pending(db) == 0
    assert client.get("/api/v1/jobs", params={"q": "工程师"}).json()["total"] == before > 0


@pytest.mark.skipif(IS_PG, reason="the write-ahead log checkpoint is SQLite's")
def test_sqlite_log_is_checkpointed_beside_the_writers(client: TestClient, partner: tuple[str, str],
                                                       db: Any) -> None:
    """Writers' commits leave the log to ``checkpoint_wal`` (run every second by ``hub serve``) until it
    passes the backstop; after a push, the checkpoint copies the log's pages and the data reads back."""
    from app.db import WAL_BACKSTOP_PAGES
    from app.housekeeping import checkpoint_wal

    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_BACKSTOP_PAGES
    client.post("/api/v1/postings/batch", json={"postings": [distinct_posting(i) for i in range(40)]},
                headers=auth(partner[1])).raise_for_status()
    assert checkpoint_wal(db) > 0  # the push's pages, now in the database file
    assert client.get("/api/v1/jobs").json()["total"] == 40
