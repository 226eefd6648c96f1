"""Enterprise visits: own visits only, distinct employers against the target, per leader."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.campaign.helpers import job
from tests.conftest import auth

# A valid unified social credit code (check character computed by app.normalize.credit_code).
CODE = "91440300MA5FXT4K8N"


def visit(employer: str, leader: str = "王校长", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"employer_name": employer, "visited_at": datetime.now(UTC).isoformat(),
                            "leader_name": leader, "leader_title": "校长", "region_code": "440305",
                            "jobs_promised": 10}
    body.update(overrides)
    return body


def test_progress_counts_distinct_employers_per_university_and_leader(client: Any, partner: Any,
                                                                      make_partner: Any) -> None:
    key = auth(partner[1])
    for body in (visit("深圳甲科技有限公司"), visit("深圳甲科技有限公司", jobs_promised=5),
                 visit("深圳乙制造有限公司", leader="李书记", leader_title="党委书记"),
                 visit("丙集团", leader="李书记", leader_title="党委书记")):
        assert client.post("/api/v1/visits", json=body, headers=key).status_code == 201
    _, other = make_partner("university")
    client.post("/api/v1/visits", json=visit("丁公司"), headers=auth(other))

    progress = client.get("/api/v1/visits/progress", headers=key).json()
    assert progress["target"] == 100 and progress["employers_visited"] == 3 and progress["remaining"] == 97
    assert progress["visits"] == 4 and progress["jobs_promised"] == 35 and not progress["reached"]
    leaders = {lp["leader_name"]: lp for lp in progress["leaders"]}
    assert leaders["王校长"]["employers"] == 1 and leaders["王校长"]["visits"] == 2
    assert leaders["李书记"]["employers"] == 2 and leaders["李书记"]["leader_title"] == "党委书记"

    lower = client.put("/api/v1/visits/target", json={"target": 3}, headers=key)  # below the national rule
    assert lower.status_code == 422 and lower.json()["errors"][0]["field"] == "target"
    target = client.put("/api/v1/visits/target", json={"target": 120}, headers=key)
    assert target.status_code == 200 and target.json()["remaining"] == 117
    assert (target.json()["target"], target.json()["target_source"]) == (120, "university")
    assert client.get("/api/v1/visits/progress", headers=key).json()["target"] == 120
    assert len(client.get("/api/v1/visits", headers=key).json()["items"]) == 4
    assert [v["employer_name"] for v in client.get("/api/v1/visits", headers=auth(other)).json()["items"]] == ["丁公司"]


def test_another_universitys_visit_is_404(client: Any, partner: Any, make_partner: Any) -> None:
    created = client.post("/api/v1/visits", json=visit("甲公司"), headers=auth(partner[1])).json()
    _, other = make_partner("university")
    assert client.get(f"/api/v1/visits/{created['id']}", headers=auth(other)).status_code == 404
    assert client.get(f"/api/v1/visits/{created['id']}", headers=auth(partner[1])).json()["employer_name"] == "甲公司"


def test_visit_links_to_the_hubs_employer_by_credit_code_or_name(client: Any, partner: Any, post_jobs: Any) -> None:
    post_jobs(job("A", "Java开发", "440305", "深圳市星河科技有限公司"))
    by_name = client.post("/api/v1/visits", json=visit("深圳市星河科技有限公司"), headers=auth(partner[1])).json()
    assert by_name["employer_id"]
    employer = client.get(f"/api/v1/visits/{by_name['id']}", headers=auth(partner[1])).json()["employer_id"]
    assert employer == by_name["employer_id"]
    unknown = client.post("/api/v1/visits", json=visit("从未出现过的公司", credit_code=CODE), headers=auth(partner[1]))
    assert unknown.status_code == 201 and unknown.json()["employer_id"] is None


def test_visit_validation_names_fields_and_only_universities_keep_visits(client: Any, partner: Any,
                                                                         make_partner: Any) -> None:
    resp = client.post("/api/v1/visits", json=visit("甲公司", region_code="000000", jobs_promised=-1, leader_name=" "),
                       headers=auth(partner[1]))
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json()["errors"]} == {"region_code", "jobs_promised", "leader_name"}
    bad_target = client.put("/api/v1/visits/target", json={"target": 0}, headers=auth(partner[1]))
    assert bad_target.status_code == 422 and bad_target.json()["errors"][0]["field"] == "target"
    _, recruiter = make_partner("recruiter")
    assert client.post("/api/v1/visits", json=visit("甲公司"), headers=auth(recruiter)).status_code == 403
    assert client.get("/api/v1/visits/progress").status_code == 401


def test_the_same_credit_code_under_two_names_counts_as_one_employer(client: Any, partner: Any,
                                                                    post_jobs: Any) -> None:
    post_jobs(job("A", "Java开发", "440305", "深圳某某科技", credit_code=CODE))
    key = auth(partner[1])
    first = client.post("/api/v1/visits", json=visit("某某科技（深圳）", credit_code=CODE), headers=key).json()
    second = client.post("/api/v1/visits", json=visit("深圳某某科技有限公司", credit_code=CODE), headers=key).json()
    assert first["employer_id"] and first["employer_id"] == second["employer_id"]
    assert client.get("/api/v1/visits/progress", headers=key).json()["employers_visited"] == 1
