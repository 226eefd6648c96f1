"""The change feed: cursors, deletes, subscription filters, snapshot, pruning (410)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import utcnow
from app.services.changes import CHANGES, DOCS, prune_changes, prune_expired
from tests.conftest import ADMIN, auth, make_posting, push


def posting(external_id: str, **overrides: Any) -> dict[str, Any]:
    """A posting no other in the test duplicates (dedup would merge identical ones)."""
    overrides.setdefault("title", f"岗位{external_id}")
    return make_posting(external_id, **overrides)



def follow(client: TestClient, key: str, cursor: str | None = None, **params: Any) -> tuple[list[dict[str, Any]], str]:
    """Read the feed to its end; returns every change and the last cursor."""
    seen: list[dict[str, Any]] = []
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        resp = client.get("/api/v1/changes", params=query, headers=auth(key))
        assert resp.status_code == 200, resp.text
        body = resp.json()
        seen += body["changes"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return seen, cursor


def test_feed_lists_upserts_in_commit_order_with_job_documents(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    first = push(client, key, posting("A"), posting("B", title="测试工程师"))
    second = push(client, key, posting("C", title="产品经理"))
    changes, _ = follow(client, key, limit=2)
    # One batch is one transaction: its changes are adjacent (in job id order), before the next batch's.
    assert {c["job_id"] for c in changes[:2]} == {r["job_id"] for r in first}
    assert changes[2]["job_id"] == second[0]["job_id"]
    assert [c["seq"] for c in changes] == [1, 2, 3]
    assert all(c["op"] == "upsert" for c in changes)
    by_id = {c["job_id"]: c["job"] for c in changes}
    assert by_id[first[1]["job_id"]]["title"] == "测试工程师"
    assert by_id[first[1]["job_id"]]["sources"][0]["external_id"] == "B"


def test_following_the_cursor_returns_only_new_changes(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"))
    _, cursor = follow(client, key)
    again, cursor2 = follow(client, key, cursor)
    assert again == [] and cursor2 == cursor
    push(client, key, posting("A", title="高级Java工程师"))
    fresh, _ = follow(client, key, cursor)
    assert len(fresh) == 1 and fresh[0]["job"]["title"] == "高级Java工程师"


def test_withdrawn_job_arrives_as_delete_with_null_job(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    job_id = push(client, key, posting("A"))[0]["job_id"]
    _, cursor = follow(client, key)
    assert client.delete("/api/v1/postings/A", headers=auth(key)).status_code == 204
    changes, _ = follow(client, key, cursor)
    assert changes == [{"seq": 2, "op": "delete", "job_id": job_id, "job": None}]


def test_change_carries_the_current_job_so_replay_converges(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"))
    push(client, key, posting("A", title="第二版"))
    changes, _ = follow(client, key)
    assert [c["op"] for c in changes] == ["upsert", "upsert"]
    assert {c["job"]["title"] for c in changes} == {"第二版"}


def test_region_filter_matches_by_hierarchy_and_sends_delete_when_a_job_leaves(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    rows = push(client, key, posting("SZ"),  # 440305 深圳南山
                posting("BJ", locations=[{"region_code": "110105"}]),
                posting("GZ", locations=[{"region_code": "440106"}], industry="C"))
    sz, bj, gz = (r["job_id"] for r in rows)
    changes, cursor = follow(client, key, region="440000")
    assert sorted(c["job_id"] for c in changes) == sorted([sz, gz])
    city, _ = follow(client, key, region="440300")
    assert [c["job_id"] for c in city] == [sz]
    both, _ = follow(client, key, region="440000", industry="C")
    assert [c["job_id"] for c in both] == [gz]
    # SZ moves to Beijing: for a Guangdong subscriber it leaves the slice.
    push(client, key, posting("SZ", locations=[{"region_code": "110101"}]))
    moved, _ = follow(client, key, cursor, region="440000")
    assert moved == [{"seq": 4, "op": "delete", "job_id": sz, "job": None}]
    nation, _ = follow(client, key)
    assert nation[-1]["op"] == "upsert" and nation[-1]["job_id"] == sz
    assert bj in {c["job_id"] for c in nation}


def test_filtered_page_skips_past_unmatched_changes(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, *[posting(f"BJ{i}", locations=[{"region_code": "110105"}]) for i in range(5)])
    resp = client.get("/api/v1/changes", params={"region": "440000", "limit": 2}, headers=auth(key)).json()
    assert resp["changes"] == [] and resp["has_more"] is False
    push(client, key, posting("SZ"))
    after = client.get("/api/v1/changes", params={"region": "440000", "cursor": resp["next_cursor"]},
                       headers=auth(key)).json()
    assert [c["seq"] for c in after["changes"]] == [6]


def test_bad_cursor_filter_and_missing_key_are_clear_errors(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    assert client.get("/api/v1/changes").status_code == 401
    assert client.get("/api/v1/changes", headers=ADMIN).status_code == 403
    tampered = client.get("/api/v1/changes", params={"cursor": "AAAAAAAAAAAAAAAAeyJzIjo1fQ"}, headers=auth(key))
    assert tampered.status_code == 422 and tampered.json()["errors"][0]["field"] == "cursor"
    bad = client.get("/api/v1/changes", params={"region": "999999", "industry": "Z", "job_type": "gig"},
                     headers=auth(key))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"region", "industry", "job_type"}
    assert client.get("/api/v1/changes", params={"limit": 0}, headers=auth(key)).status_code == 422
    snap = client.get("/api/v1/changes/snapshot", headers=auth(key)).json()
    wrong_kind = client.get("/api/v1/changes", params={"cursor": snap["changes_cursor"][::-1]}, headers=auth(key))
    assert wrong_kind.status_code == 422


def test_snapshot_pages_open_jobs_and_hands_over_to_the_feed(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    rows = push(client, key, *[posting(f"J{i}", title=f"岗位{i}") for i in range(5)])
    client.delete("/api/v1/postings/J0", headers=auth(key))
    jobs, cursor, changes_cursor = [], None, None
    while True:
        page = client.get("/api/v1/changes/snapshot", params={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=auth(key)).json()
        jobs += page["jobs"]
        changes_cursor = page["changes_cursor"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(j["id"] for j in jobs) == sorted(r["job_id"] for r in rows[1:])
    push(client, key, posting("J9", title="快照之后"))
    after, _ = follow(client, key, changes_cursor)
    assert [c["job"]["title"] for c in after] == ["快照之后"]


def test_snapshot_cursor_refuses_other_filters(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, *[posting(f"J{i}") for i in range(3)])
    page = client.get("/api/v1/changes/snapshot", params={"limit": 1}, headers=auth(key)).json()
    other = client.get("/api/v1/changes/snapshot", params={"limit": 1, "cursor": page["next_cursor"],
                                                           "region": "110000"}, headers=auth(key))
    assert other.status_code == 422


def test_pruned_log_keeps_latest_change_per_job_and_old_cursor_gets_410(
        client: TestClient, db: Database, partner: tuple[str, str]) -> None:
    _, key = partner
    a = push(client, key, posting("A"), posting("B"))
    behind = client.get("/api/v1/changes", params={"limit": 1}, headers=auth(key)).json()["next_cursor"]
    push(client, key, posting("A", title="A第二版"))
    client.delete("/api/v1/postings/B", headers=auth(key))
    _, caught_up = follow(client, key)
    removed = prune_changes(db, timedelta(days=30), utcnow() + timedelta(days=31))
    assert removed == 3  # A's first version, B's upsert and B's delete
    fresh, fresh_cursor = follow(client, key, limit=1)
    assert [(c["job_id"], c["op"], c["job"]["title"]) for c in fresh] == [(a[0]["job_id"], "upsert", "A第二版")]
    gone = client.get("/api/v1/changes", params={"cursor": behind}, headers=auth(key))
    assert gone.status_code == 410
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert "snapshot" in gone.json()["detail"]
    for cursor in (caught_up, fresh_cursor):
        assert client.get("/api/v1/changes", params={"cursor": cursor}, headers=auth(key)).status_code == 200


def test_fresh_reader_inside_the_compacted_log_gets_410_if_pruning_moves_on(
        client: TestClient, db: Database, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"), posting("B"))
    push(client, key, posting("A", title="新"), posting("B", title="新"))
    prune_changes(db, timedelta(days=30), utcnow() + timedelta(days=31))
    page = client.get("/api/v1/changes", params={"limit": 1}, headers=auth(key)).json()
    push(client, key, posting("C"))
    client.delete("/api/v1/postings/B", headers=auth(key))
    prune_changes(db, timedelta(days=30), utcnow() + timedelta(days=31))  # B's delete is compacted away
    resp = client.get("/api/v1/changes", params={"cursor": page["next_cursor"]}, headers=auth(key))
    assert resp.status_code == 410


def test_pruning_keeps_changes_younger_than_retention(client: TestClient, db: Database, settings: Settings,
                                                      partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"))
    push(client, key, posting("A", title="新"))
    assert prune_expired(db, settings) == 0
    assert prune_expired(db, settings.model_copy(update={"changes_retention_days": 0}),
                         utcnow() + timedelta(days=999)) == 0
    changes, _ = follow(client, key)
    assert len(changes) == 2


def test_a_job_its_posting_left_is_stored_closed_and_keeps_its_scope(
        client: TestClient, db: Database, partner: tuple[str, str]) -> None:
    """A job left with no postings (an admin merged it into another) is not among the rows the road
    wrote, so its row is read back to store its document: closed, one version on, with the job's scope,
    which is the next change's ``prior`` and what a filtered reader's delete is matched by."""
    _, key = partner
    old = push(client, key, posting("A"))[0]["job_id"]
    new = push(client, key, posting("B", title="会计", employer={"name": "广州市另一家公司有限公司"},
                                     locations=[{"region_code": "440106"}]))[0]["job_id"]
    assert client.post(f"/api/v1/admin/jobs/{old}/merge", json={"into": new}, headers=ADMIN).status_code == 200
    with db.read() as session:
        docs = {r.job_id: r for r in session.execute(select(DOCS.c.job_id, DOCS.c.status, DOCS.c.version,
                                                            DOCS.c.scope))}
        scopes = session.execute(select(CHANGES.c.scope, CHANGES.c.prior).where(CHANGES.c.job_id == old)
                                 .order_by(CHANGES.c.seq)).all()
    assert (docs[old].status, docs[old].version) == ("closed", 2)
    assert "440305" in docs[old].scope and "440106" in docs[new].scope
    assert [tuple(s) for s in scopes] == [(docs[old].scope, None), (docs[old].scope, docs[old].scope)]
    changes, _ = follow(client, key, region="440300")  # each change carries the job as it is now: closed
    assert [(c["op"], c["job_id"], c["job"]) for c in changes] == [("delete", old, None)] * 2
