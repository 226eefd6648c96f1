"""Hardship case files: owner-only visibility, pseudonymous refs, recommendations, pushes, coverage."""

from __future__ import annotations

from typing import Any

from tests.campaign.helpers import job
from tests.conftest import auth


def case_body(ref: str = "S2026-001", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"student_ref": ref, "category": "low_income", "education": "bachelor",
                            "major": "计算机科学与技术", "region_codes": ["440000"], "job_types": ["full_time"],
                            "expected_salary": 6000}
    body.update(overrides)
    return body


def test_another_universitys_case_is_404_everywhere(client: Any, partner: Any, make_partner: Any,
                                                    post_jobs: Any) -> None:
    ids = post_jobs(job("A", "Java开发", "440305", "甲公司"))
    case = client.post("/api/v1/cases", json=case_body(), headers=auth(partner[1])).json()
    _, other = make_partner("university")
    url = f"/api/v1/cases/{case['id']}"
    for resp in (client.get(url, headers=auth(other)), client.patch(url, json={"status": "placed"}, headers=auth(other)),
                 client.get(f"{url}/recommendations", headers=auth(other)),
                 client.get(f"{url}/pushes", headers=auth(other)),
                 client.post(f"{url}/pushes", json={"job_ids": [ids["A"]]}, headers=auth(other))):
        assert resp.status_code == 404
    assert client.get("/api/v1/cases", headers=auth(other)).json()["items"] == []
    assert client.get(url, headers=auth(partner[1])).json()["student_ref"] == "S2026-001"
    assert client.get(url).status_code == 401


def test_case_refuses_personal_data_and_names_bad_fields(client: Any, partner: Any) -> None:
    key = auth(partner[1])
    for ref in ("44030519990101123X", "13800138000", "张三"):
        resp = client.post("/api/v1/cases", json=case_body(ref), headers=key)
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "student_ref", ref
    resp = client.post("/api/v1/cases", json=case_body(category="poor", region_codes=["440000", "12"],
                                                       expected_salary=-5), headers=key)
    assert {e["field"] for e in resp.json()["errors"]} == {"category", "region_codes[1]", "expected_salary"}
    assert client.post("/api/v1/cases", json=case_body(), headers=key).status_code == 201
    assert client.post("/api/v1/cases", json=case_body(), headers=key).status_code == 409


def test_recommendations_match_open_jobs_and_leave_out_pushed_ones(client: Any, partner: Any,
                                                                   post_jobs: Any) -> None:
    ids = post_jobs(
        job("fit1", "软件开发工程师", "440305", "甲科技", majors=["计算机科学与技术"]),
        job("fit2", "后台开发", "440106", "乙网络", majors=["计算机科学与技术"], education="associate"),
        job("far", "软件开发工程师", "110108", "丙软件", majors=["计算机科学与技术"]),
        job("master", "算法研究员", "440305", "丁智能", majors=["计算机科学与技术"], education="master"),
        job("intern", "开发实习生", "440305", "戊科技", majors=["计算机科学与技术"], job_type="internship"),
        job("closed", "运维工程师", "440305", "己科技", majors=["计算机科学与技术"]),
    )
    recruiter_key = post_jobs.key
    assert client.delete("/api/v1/postings/closed", headers=auth(recruiter_key)).status_code == 204
    key = auth(partner[1])
    case = client.post("/api/v1/cases", json=case_body(), headers=key).json()
    url = f"/api/v1/cases/{case['id']}"

    recs = client.get(f"{url}/recommendations", headers=key)
    assert recs.status_code == 200, recs.text
    got = {r["job_id"]: r for r in recs.json()["items"]}
    assert set(got) == {ids["fit1"], ids["fit2"]}
    reasons = " | ".join(got[ids["fit1"]]["reasons"])
    assert "广东省" in reasons and "计算机科学与技术" in reasons and "bachelor" in reasons

    pushed = client.post(f"{url}/pushes", json={"job_ids": [ids["fit1"]]}, headers=key)
    assert pushed.status_code == 200 and pushed.json() == {"created": [ids["fit1"]], "already": [], "pushes": 1}
    again = client.get(f"{url}/recommendations", headers=key).json()["items"]
    assert [r["job_id"] for r in again] == [ids["fit2"]]


def test_recommendations_fall_back_without_the_major_when_too_few_match(client: Any, partner: Any,
                                                                        post_jobs: Any) -> None:
    ids = post_jobs(job("other", "行政专员", "440305", "庚公司", majors=["行政管理"]))
    key = auth(partner[1])
    case = client.post("/api/v1/cases", json=case_body(major="考古学"), headers=key).json()
    recs = client.get(f"/api/v1/cases/{case['id']}/recommendations", headers=key).json()
    assert [r["job_id"] for r in recs["items"]] == [ids["other"]]
    assert "major" in recs["relaxed"]


def test_pushes_are_unique_per_case_and_unknown_jobs_are_named(client: Any, partner: Any, post_jobs: Any) -> None:
    ids = post_jobs(job("A", "Java开发", "440305", "甲公司"), job("B", "测试", "440305", "乙公司"))
    key = auth(partner[1])
    url = f"/api/v1/cases/{client.post('/api/v1/cases', json=case_body(), headers=key).json()['id']}"
    bad = client.post(f"{url}/pushes", json={"job_ids": [ids["A"], "missing"]}, headers=key)
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["job_ids[1]"]
    client.post(f"{url}/pushes", json={"job_ids": [ids["A"]]}, headers=key)
    second = client.post(f"{url}/pushes", json={"job_ids": [ids["A"], ids["B"]]}, headers=key).json()
    assert second == {"created": [ids["B"]], "already": [ids["A"]], "pushes": 2}
    listed = client.get(f"{url}/pushes", headers=key).json()["items"]
    assert [p["job_id"] for p in listed] == [ids["A"], ids["B"]]
    assert client.get(url, headers=key).json()["pushes"] == 2


def test_coverage_counts_open_cases_with_three_pushes_by_category(client: Any, partner: Any, make_partner: Any,
                                                                  post_jobs: Any) -> None:
    ids = list(post_jobs(*(job(f"J{i}", f"岗位{i}", "440305", f"公司{i}") for i in range(3))).values())
    key = auth(partner[1])

    def new_case(ref: str, category: str, pushes: int, status: str = "open") -> None:
        case = client.post("/api/v1/cases", json=case_body(ref, category=category, status=status), headers=key).json()
        if pushes:
            client.post(f"/api/v1/cases/{case['id']}/pushes", json={"job_ids": ids[:pushes]}, headers=key)

    new_case("a", "low_income", 3)
    new_case("b", "low_income", 1)
    new_case("c", "disabled", 0)
    new_case("d", "disabled", 3)
    new_case("e", "other", 0, status="placed")
    _, other = make_partner("university")
    client.post("/api/v1/cases", json=case_body("x"), headers=auth(other))

    cov = client.get("/api/v1/cases/coverage", headers=key).json()
    assert (cov["open"], cov["covered"], cov["uncovered"]) == (4, 2, 2)
    assert cov["by_category"]["low_income"] == {"open": 2, "covered": 1, "uncovered": 1}
    assert cov["by_category"]["disabled"] == {"open": 2, "covered": 1, "uncovered": 1}
    assert cov["by_category"]["other"] == {"open": 0, "covered": 0, "uncovered": 0}
    assert [(u["student_ref"], u["pushes"]) for u in cov["uncovered_cases"]] == [("c", 0), ("b", 1)]


def test_case_status_changes_and_list_filters(client: Any, partner: Any) -> None:
    key = auth(partner[1])
    case = client.post("/api/v1/cases", json=case_body(), headers=key).json()
    client.post("/api/v1/cases", json=case_body("S2", category="disabled"), headers=key)
    placed = client.patch(f"/api/v1/cases/{case['id']}", json={"status": "placed"}, headers=key)
    assert placed.status_code == 200 and placed.json()["status"] == "placed"
    refs = [c["student_ref"] for c in client.get("/api/v1/cases", params={"status": "open"}, headers=key).json()["items"]]
    assert refs == ["S2"]
    page = client.get("/api/v1/cases", params={"limit": 1}, headers=key).json()
    rest = client.get("/api/v1/cases", params={"limit": 1, "cursor": page["next_cursor"]}, headers=key).json()
    assert {page["items"][0]["student_ref"], rest["items"][0]["student_ref"]} == {"S2026-001", "S2"}
    assert rest["next_cursor"] is None
