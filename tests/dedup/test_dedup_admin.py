"""Admin explain and overrides: split and merge stick when the postings are updated later,
and every move reaches the change log (a merged-away job as ``delete``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import ADMIN, auth, make_posting, push


def record(client: TestClient, key: str, external_id: str) -> dict[str, Any]:
    return client.get(f"/api/v1/postings/{external_id}", headers=auth(key)).json()  # type: ignore[no-any-return]


def last_changes(db: Any, n: int) -> set[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(text("SELECT job_id, op FROM changes ORDER BY seq DESC LIMIT :n"), {"n": n})
        return {(r[0], r[1]) for r in rows}


def two_partners_one_job(client: TestClient, make_partner: Any) -> tuple[str, str]:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X"))
    push(client, k2, make_posting("Y", title="【急招】Java开发工程师"))
    return k1, k2


def test_explain_shows_the_features_and_score_that_joined_a_posting(client: TestClient, make_partner: Any) -> None:
    k1, k2 = two_partners_one_job(client, make_partner)
    y = record(client, k2, "Y")
    resp = client.get(f"/api/v1/admin/postings/{y['id']}/explain", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["decision"] == "matched" and body["job_id"] == record(client, k1, "X")["job_id"]
    assert body["score"] >= body["threshold"]
    assert body["features"]["title"] == "exact" and body["features"]["employer"] == "same"
    assert body["features"]["veto"] is None
    assert body["current"]["members"] == 1 and body["current"]["score"] >= body["stay_threshold"]
    x = record(client, k1, "X")
    assert client.get(f"/api/v1/admin/postings/{x['id']}/explain", headers=ADMIN).json()["decision"] == "new"


def test_explain_needs_the_admin_token_and_an_existing_posting(client: TestClient, partner: Any) -> None:
    _, key = partner
    assert client.get("/api/v1/admin/postings/nope/explain", headers=ADMIN).status_code == 404
    assert client.get("/api/v1/admin/postings/nope/explain", headers=auth(key)).status_code == 403
    assert client.get("/api/v1/admin/postings/nope/explain").status_code == 401


def test_split_gives_a_posting_its_own_job_and_it_stays_there_after_updates(client: TestClient, make_partner: Any,
                                                                          db: Any) -> None:
    k1, k2 = two_partners_one_job(client, make_partner)
    shared = record(client, k1, "X")["job_id"]
    y = record(client, k2, "Y")
    resp = client.post(f"/api/v1/admin/postings/{y['id']}/split", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    own = resp.json()["job_id"]
    assert own != shared and resp.json() == {"posting_id": y["id"], "job_id": own, "previous_job_id": shared,
                                             "moved": True}
    assert last_changes(db, 2) == {(shared, "upsert"), (own, "upsert")}
    push(client, k2, make_posting("Y", title="【急招】Java开发工程师", headcount=7))  # an update
    assert record(client, k2, "Y")["job_id"] == own
    push(client, k1, make_posting("X", headcount=3))
    assert record(client, k1, "X")["job_id"] == shared
    explain = client.get(f"/api/v1/admin/postings/{y['id']}/explain", headers=ADMIN).json()
    assert explain["decision"] == "pinned"
    assert {(o["kind"], o["job_id"]) for o in explain["overrides"]} == {("pin", own), ("forbid", shared)}


def test_merge_moves_every_posting_closes_the_other_job_and_sticks(client: TestClient, make_partner: Any,
                                                                 db: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X"))
    push(client, k2, make_posting("Y", title="Java后端开发", description="负责服务端接口开发。"))
    a, b = record(client, k1, "X")["job_id"], record(client, k2, "Y")["job_id"]
    assert a != b
    resp = client.post(f"/api/v1/admin/jobs/{b}/merge", json={"into": a}, headers=ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"job_id": a, "merged_job_id": b, "moved_postings": 1}
    assert record(client, k2, "Y")["job_id"] == a
    assert last_changes(db, 2) == {(a, "upsert"), (b, "delete")}
    assert client.get(f"/api/v1/jobs/{b}").json()["status"] == "closed"
    push(client, k2, make_posting("Y", title="Java后端开发", description="负责服务端接口开发与维护。"))
    assert record(client, k2, "Y")["job_id"] == a
    again = client.post(f"/api/v1/admin/jobs/{b}/merge", json={"into": a}, headers=ADMIN)
    assert again.status_code == 409


def test_merge_rejects_itself_and_unknown_jobs(client: TestClient, partner: Any) -> None:
    _, key = partner
    push(client, key, make_posting("X"))
    job_id = record(client, key, "X")["job_id"]
    assert client.post(f"/api/v1/admin/jobs/{job_id}/merge", json={"into": job_id}, headers=ADMIN).status_code == 422
    assert client.post(f"/api/v1/admin/jobs/{job_id}/merge", json={"into": "nope"}, headers=ADMIN).status_code == 422
    assert client.post("/api/v1/admin/jobs/nope/merge", json={"into": job_id}, headers=ADMIN).status_code == 404
    assert client.post(f"/api/v1/admin/jobs/{job_id}/merge", json={}, headers=ADMIN).status_code == 422


def test_employer_record_lists_the_names_it_was_seen_under(client: TestClient, make_partner: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X", employer={"name": "深圳市骏龙电子有限公司"}))
    push(client, k2, make_posting("Y", employer={"name": "駿龍電子（深圳）有限公司"}))
    job = client.get(f"/api/v1/jobs/{record(client, k1, 'X')['job_id']}").json()
    resp = client.get(f"/api/v1/admin/employers/{job['employer']['id']}", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    names = resp.json()["names"]
    assert [n["name"] for n in names] == ["深圳市骏龙电子有限公司", "骏龙电子(深圳)有限公司"]
    assert {n["name_key"] for n in names} == {"骏龙电子"}
