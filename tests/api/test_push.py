"""Push: batch, single upsert, read-back, withdraw, as in CONTRACT.md."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from app.ingest.pipeline import expire_due
from tests.conftest import auth, distinct_posting, make_posting


def push(client: TestClient, key: str, *postings: dict[str, Any], **headers: str) -> Any:
    return client.post("/api/v1/postings/batch", json={"postings": list(postings)},
                       headers={**auth(key), **headers})


def test_batch_creates_postings_and_jobs_in_input_order(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = push(client, key, make_posting("B"), make_posting("A"), make_posting("C", title="测试工程师"))
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["external_id"] for r in results] == ["B", "A", "C"]
    assert all(r["status"] == "created" and r["job_id"] for r in results)
    job = client.get(f"/api/v1/jobs/{results[2]['job_id']}").json()
    assert job["title"] == "测试工程师"
    assert job["status"] == "open"
    assert job["locations"][0] == {"region_code": "440305", "province": "广东省", "city": "深圳市",
                                   "district": "南山区", "address": "南山区科技园"}
    assert job["sources"][0]["external_id"] == "C" and job["sources"][0]["status"] == "active"


def test_repushing_same_posting_is_unchanged_and_changed_one_is_updated(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    a, b = distinct_posting(0, external_id="A"), distinct_posting(1, external_id="B")
    first = push(client, key, a, b).json()["results"]
    second = push(client, key, a, {**b, "headcount": 99}).json()["results"]
    assert [r["status"] for r in second] == ["unchanged", "updated"]
    assert [r["job_id"] for r in second] == [r["job_id"] for r in first]
    assert client.get(f"/api/v1/jobs/{second[1]['job_id']}").json()["headcount"] == 99


def test_one_bad_posting_rejects_only_itself_naming_fields(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    bad = make_posting("BAD", title="", surprise=1)
    resp = push(client, key, make_posting("OK"), bad)
    assert resp.status_code == 200
    ok, rejected = resp.json()["results"]
    assert ok["status"] == "created"
    assert rejected["status"] == "rejected" and rejected["job_id"] is None
    fields = {e["field"] for e in rejected["errors"]}
    assert {"title", "surprise"} <= fields
    assert client.get("/api/v1/postings/BAD", headers=auth(key)).status_code == 404


def test_raw_partner_forms_are_normalised(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    raw = make_posting("RAW", title="Ｊａｖａ開發工程師", salary="8k-12k/月", locations=["广东省深圳市南山区"],
                       education="本科及以上", employer={"name": "深圳市某某科技有限公司", "type": "民营"})
    resp = client.put("/api/v1/postings/RAW", json=raw, headers=auth(key))
    assert resp.status_code == 201, resp.text
    body = resp.json()
    p = body["posting"]
    assert p["title"] == "Java开发工程师"
    assert p["salary"]["min"] == 8000 and p["salary"]["max"] == 12000 and p["salary"]["period"] == "month"
    assert p["locations"][0]["region_code"] == "440305"
    assert p["education"] == "bachelor" and p["employer"]["type"] == "private"
    assert body["received"]["title"] == "Ｊａｖａ開發工程師"


def test_put_creates_then_updates_and_get_reads_back(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    first = client.put("/api/v1/postings/P-1", json=make_posting("P-1"), headers=auth(key))
    assert first.status_code == 201
    again = client.put("/api/v1/postings/P-1", json=make_posting("P-1", headcount=9), headers=auth(key))
    assert again.status_code == 200
    got = client.get("/api/v1/postings/P-1", headers=auth(key)).json()
    assert got["posting"]["headcount"] == 9 and got["job_id"] == first.json()["job_id"]
    assert got["status"] == "active"


def test_put_without_external_id_in_body_uses_the_path(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    body = make_posting()
    del body["external_id"]
    resp = client.put("/api/v1/postings/FROM-PATH", json=body, headers=auth(key))
    assert resp.status_code == 201 and resp.json()["external_id"] == "FROM-PATH"


def test_withdraw_closes_a_job_whose_only_source_is_gone(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    job_id = client.put("/api/v1/postings/W", json=make_posting("W"), headers=auth(key)).json()["job_id"]
    assert client.delete("/api/v1/postings/W", headers=auth(key)).status_code == 204
    assert client.delete("/api/v1/postings/W", headers=auth(key)).status_code == 204
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "closed" and job["sources"][0]["status"] == "withdrawn"
    assert client.get("/api/v1/postings/W", headers=auth(key)).json()["status"] == "withdrawn"
    # Pushing it again brings it back.
    again = push(client, key, make_posting("W")).json()["results"][0]
    assert again["status"] == "updated" and again["job_id"] == job_id
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "open"


def test_invalid_credit_code_is_kept_but_unverified(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    good = distinct_posting(0, external_id="CC1", employer={"name": "某公司", "credit_code": "91350100M000100Y43"})
    bad = distinct_posting(1, external_id="CC2", employer={"name": "某公司", "credit_code": "91350100M000100Y44"})
    results = push(client, key, good, bad).json()["results"]
    assert [r["status"] for r in results] == ["created", "created"]
    one = client.get(f"/api/v1/jobs/{results[0]['job_id']}").json()["employer"]
    two = client.get(f"/api/v1/jobs/{results[1]['job_id']}").json()["employer"]
    assert one["credit_code_verified"] is True
    assert two["credit_code"] == "91350100M000100Y44" and two["credit_code_verified"] is False


def test_jobs_list_pages_with_cursor(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, *[distinct_posting(i) for i in range(5)])
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/jobs", params=params).json()
        seen += [j["id"] for j in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 5


def test_ambiguous_district_is_read_inside_the_partners_region(client: TestClient, make_partner: Any) -> None:
    _, shenzhen = make_partner("university", region_code="440300")
    _, national = make_partner("recruiter")
    ok = client.put("/api/v1/postings/NS", json=make_posting("NS", locations=["南山区"]), headers=auth(shenzhen))
    assert ok.status_code == 201 and ok.json()["posting"]["locations"][0]["region_code"] == "440305"
    # Without a region, 南山区 (深圳 or 鹤岗) is ambiguous: a clear 422, not a guess.
    amb = client.put("/api/v1/postings/NS", json=make_posting("NS", locations=["南山区"]), headers=auth(national))
    assert amb.status_code == 422 and amb.json()["errors"][0]["field"] == "locations[0]"
    # Junk text is not rescued by the partner's region.
    junk = client.put("/api/v1/postings/J", json=make_posting("J", locations=["火星基地"]), headers=auth(shenzhen))
    assert junk.status_code == 422


def test_job_type_other_from_the_contract_is_accepted(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = client.put("/api/v1/postings/OT", json=make_posting("OT", job_type="other"), headers=auth(key))
    assert resp.status_code == 201 and resp.json()["posting"]["job_type"] == "other"


def test_the_stored_change_document_names_each_source_partner_and_its_kind(
        client: TestClient, make_partner: Any) -> None:
    """The road renders a job's change-feed document from what the batch knows (its partners included)
    without reading them back: the document must say who sent each posting, as the job page does."""
    recruiter_id, recruiter = make_partner("recruiter", name="某招聘平台")
    university_id, university = make_partner("university", name="某大学就业中心", region_code="440300")
    job_id = push(client, recruiter, make_posting("R1")).json()["results"][0]["job_id"]
    assert push(client, university, make_posting("U1")).json()["results"][0]["job_id"] == job_id  # a cross-post
    changes = client.get("/api/v1/changes", headers=auth(university)).json()["changes"]
    stored = changes[-1]["job"]["sources"]
    assert sorted((s["partner_id"], s["partner_name"], s["partner_kind"]) for s in stored) == sorted([
        (recruiter_id, "某招聘平台", "recruiter"), (university_id, "某大学就业中心", "university")])
    page = client.get(f"/api/v1/jobs/{job_id}").json()["sources"]
    assert sorted(s["partner_kind"] for s in page) == ["recruiter", "university"]


def test_expiry_marks_due_postings_expired_and_closes_their_job(client: TestClient, db: Any,
                                                               partner: tuple[str, str]) -> None:
    _, key = partner
    resp = push(client, key, make_posting("EXP", valid_through="2030-01-01T00:00:00+08:00"),
                make_posting("LIVE", title="会计"))
    job_id, live = (r["job_id"] for r in resp.json()["results"])
    with db.write() as session:
        assert expire_due(session, now=datetime(2030, 1, 2, tzinfo=UTC)) == 1
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "closed" and [s["status"] for s in job["sources"]] == ["expired"]
    assert client.get(f"/api/v1/jobs/{live}").json()["status"] == "open"
    with db.write() as session:
        assert expire_due(session, now=datetime(2030, 1, 2, tzinfo=UTC)) == 0
