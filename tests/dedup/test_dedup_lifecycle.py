"""One vacancy, one job, every source kept: cross-partner pushes through the API, and the life
cycle (updates that move a posting, jobs that close, withdrawals), each written to the change log."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import auth, make_posting, push
from tests.samples import AGENCY, PROVINCE, UNIVERSITY


def job_of(client: TestClient, key: str, external_id: str) -> str:
    resp = client.get(f"/api/v1/postings/{external_id}", headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()["job_id"]  # type: ignore[no-any-return]


def changes(db: Any) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(r[0], r[1]) for r in s.execute(text("SELECT job_id, op FROM changes ORDER BY seq"))]


def test_one_vacancy_from_three_partners_is_one_job_with_three_sources(client: TestClient, make_partner: Any) -> None:
    keys = {kind: make_partner(kind)[1] for kind in ("university", "recruiter", "provincial_platform")}
    push(client, keys["recruiter"], AGENCY)
    push(client, keys["university"], UNIVERSITY)
    push(client, keys["provincial_platform"], PROVINCE)
    jobs = {job_of(client, keys[k], p["external_id"])
            for k, p in (("university", UNIVERSITY), ("recruiter", AGENCY), ("provincial_platform", PROVINCE))}
    assert len(jobs) == 1
    job = client.get(f"/api/v1/jobs/{jobs.pop()}").json()
    assert sorted(s["partner_kind"] for s in job["sources"]) == ["provincial_platform", "recruiter", "university"]
    # University and provincial platform outrank the agency; between them the fresher wins.
    assert job["title"] == "嵌入式软件工程师-深圳"
    assert job["field_sources"]["title"] == job["field_sources"]["employer"]


def test_the_change_feed_carries_the_vacancy_as_one_job(client: TestClient, make_partner: Any, db: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, UNIVERSITY)
    push(client, k2, AGENCY)
    assert {job_id for job_id, _ in changes(db)} == {job_of(client, k1, "U-1")}


def test_siblings_in_another_city_or_of_another_seniority_stay_separate_jobs(client: TestClient, partner: Any) -> None:
    _, key = partner
    base = {"title": "Java开发工程师", "description": UNIVERSITY["description"]}
    push(client, key,
         make_posting("SZ", **base, locations=[{"region_code": "440300"}]),
         make_posting("GZ", **base, locations=[{"region_code": "440100"}]),
         make_posting("SZ-SR", **{**base, "title": "高级Java开发工程师"}, locations=[{"region_code": "440300"}]),
         make_posting("SZ-JR", **{**base, "title": "初级Java开发工程师"}, locations=[{"region_code": "440300"}]),
         make_posting("SZ-FT", **base, locations=[{"region_code": "440304"}]),
         make_posting("SZ-NS", **base, locations=[{"region_code": "440305"}]))
    jobs = {x: job_of(client, key, x) for x in ("SZ", "GZ", "SZ-SR", "SZ-JR", "SZ-FT", "SZ-NS")}
    # A city-level posting may join a district-level one in the same city (SZ ~ SZ-FT); the
    # other district, the other city and each seniority are other vacancies.
    assert jobs["SZ"] == jobs["SZ-FT"]
    assert len({jobs["SZ"], jobs["GZ"], jobs["SZ-SR"], jobs["SZ-JR"], jobs["SZ-NS"]}) == 5


def test_one_partner_sending_one_vacancy_twice_in_a_batch_gets_one_job(client: TestClient, partner: Any) -> None:
    _, key = partner
    results = push(client, key, make_posting("A"), make_posting("B", title="Java开发工程师【2022届春招】"))
    assert results[0]["job_id"] == results[1]["job_id"]


def test_an_update_that_describes_another_vacancy_moves_the_posting(client: TestClient, make_partner: Any,
                                                                    db: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X"))
    push(client, k2, make_posting("Y"))
    shared = job_of(client, k1, "X")
    assert job_of(client, k2, "Y") == shared
    before = len(changes(db))
    push(client, k2, make_posting("Y", title="产品经理", description="负责产品规划与需求分析。"))
    moved = job_of(client, k2, "Y")
    assert moved != shared
    assert job_of(client, k1, "X") == shared
    assert {(shared, "upsert"), (moved, "upsert")} <= set(changes(db)[before:])
    assert [s["external_id"] for s in client.get(f"/api/v1/jobs/{shared}").json()["sources"]] == ["X"]


def test_a_small_update_keeps_the_posting_in_its_job(client: TestClient, make_partner: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X"))
    push(client, k2, make_posting("Y"))
    push(client, k2, make_posting("Y", headcount=9, title="Java开发工程师（急招）"))
    assert job_of(client, k2, "Y") == job_of(client, k1, "X")


def test_a_job_left_without_postings_closes_and_is_deleted_from_the_feed(client: TestClient, make_partner: Any,
                                                                        db: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X", title="Python开发工程师"))
    alone = job_of(client, k1, "X")
    push(client, k2, make_posting("Y"))
    push(client, k1, make_posting("X"))  # now the same vacancy as Y: moves, its old job is empty
    assert job_of(client, k1, "X") == job_of(client, k2, "Y")
    assert client.get(f"/api/v1/jobs/{alone}").json()["status"] == "closed"
    assert changes(db)[-2:] in ([(alone, "delete"), (job_of(client, k2, "Y"), "upsert")],
                                [(job_of(client, k2, "Y"), "upsert"), (alone, "delete")])


def test_withdrawing_one_source_leaves_the_job_open_until_the_last_goes(client: TestClient, make_partner: Any,
                                                                       db: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, make_posting("X"))
    push(client, k2, make_posting("Y"))
    job_id = job_of(client, k1, "X")
    assert client.delete("/api/v1/postings/X", headers=auth(k1)).status_code == 204
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "open"
    assert {s["external_id"]: s["status"] for s in job["sources"]} == {"X": "withdrawn", "Y": "active"}
    assert client.delete("/api/v1/postings/Y", headers=auth(k2)).status_code == 204
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "closed"
    assert changes(db)[-1] == (job_id, "delete")


def test_a_closed_job_reopens_when_its_posting_comes_back(client: TestClient, partner: Any) -> None:
    _, key = partner
    push(client, key, make_posting("X"))
    job_id = job_of(client, key, "X")
    client.delete("/api/v1/postings/X", headers=auth(key))
    push(client, key, make_posting("X", headcount=2))
    assert job_of(client, key, "X") == job_id
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "open"


def test_weak_employer_name_joins_only_with_the_same_description(client: TestClient, make_partner: Any) -> None:
    (_, k1), (_, k2) = make_partner("university"), make_partner("recruiter")
    push(client, k1, UNIVERSITY)
    same = {**UNIVERSITY, "external_id": "W1", "employer": {"name": "某知名科技公司"}}
    other = {**UNIVERSITY, "external_id": "W2", "employer": {"name": "某知名科技公司"},
             "description": "负责公司门户网站的前端页面开发与维护，熟悉Vue与React框架。"}
    push(client, k2, same, other)
    assert job_of(client, k2, "W1") == job_of(client, k1, "U-1")
    assert job_of(client, k2, "W2") != job_of(client, k1, "U-1")


def test_named_posting_joins_a_job_first_seen_with_a_weak_employer_name(client: TestClient, make_partner: Any) -> None:
    """An agency posts first and hides the employer; the university's posting names it: one job."""
    (_, k1), (_, k2) = make_partner("recruiter"), make_partner("university")
    hidden = {**UNIVERSITY, "external_id": "W1", "employer": {"name": "某知名科技公司"}}
    other_city = {**hidden, "external_id": "W2", "locations": [{"region_code": "440100"}]}
    push(client, k1, hidden, other_city)
    push(client, k2, UNIVERSITY)
    assert job_of(client, k2, "U-1") == job_of(client, k1, "W1")
    assert job_of(client, k1, "W2") != job_of(client, k1, "W1")
    job = client.get(f"/api/v1/jobs/{job_of(client, k2, 'U-1')}").json()
    assert job["employer"]["name"] == "深圳通业科技股份有限公司"  # the named source outranks the hidden one


def test_hidden_employer_postings_with_and_without_a_requisition_code_are_one_job(  # each hides it its own way
        client: TestClient, make_partner: Any) -> None:
    (_, k1), (_, k2) = make_partner("recruiter"), make_partner("recruiter")
    hidden = {**UNIVERSITY, "employer": {"name": "某知名科技公司"}}
    push(client, k1, {**hidden, "external_id": "A1", "title": "嵌入式软件工程师(J10093)"},
         {**hidden, "external_id": "A2", "title": "嵌入式软件工程师(J20417)"})
    push(client, k2, {**hidden, "external_id": "B1", "title": "【急招】嵌入式软件工程师", "employer": {"name": "保密"}})
    assert job_of(client, k2, "B1") in {job_of(client, k1, "A1"), job_of(client, k1, "A2")}
    assert job_of(client, k1, "A1") != job_of(client, k1, "A2")  # two codes, two requisitions


def test_credit_code_links_a_short_name_to_its_employer(client: TestClient, make_partner: Any) -> None:
    (_, k1), (_, k2) = make_partner("employer"), make_partner("recruiter")
    code = "91350100M000100Y43"  # valid check character
    push(client, k1, make_posting("E1", employer={"name": "深圳市骏龙电子有限公司", "credit_code": code}))
    push(client, k2, make_posting("R1", employer={"name": "骏龙电子"}))
    assert job_of(client, k2, "R1") == job_of(client, k1, "E1")
    job = client.get(f"/api/v1/jobs/{job_of(client, k1, 'E1')}").json()
    assert job["employer"]["credit_code"] == code
