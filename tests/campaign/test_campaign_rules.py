"""Targets from above: the ministry sets, a province raises, a university aims higher; nobody lowers
a rule set above them, and progress shows the rule that applies and where it came from."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.campaign.helpers import job
from tests.conftest import ADMIN, auth


def _progress(client: Any, key: str) -> dict[str, Any]:
    resp = client.get("/api/v1/visits/progress", headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def _rules(client: Any, key: str) -> dict[str, Any]:
    return {r["rule"]: r for r in client.get("/api/v1/rules", headers=auth(key)).json()["rules"]}


def test_the_rule_that_applies_is_the_highest_and_says_where_it_comes_from(client: Any, make_partner: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    got = _progress(client, uni)
    assert (got["target"], got["target_source"], got["remaining"]) == (100, "default", 100)

    assert client.put("/api/v1/rules", json={"visit_employers": 120}, headers=auth(national)).status_code == 200
    assert (_progress(client, uni)["target"], _progress(client, uni)["target_source"]) == (120, "national")

    low = client.put("/api/v1/rules/province", json={"visit_employers": 90, "case_pushes": 2}, headers=auth(province))
    assert low.status_code == 422
    assert {e["field"] for e in low.json()["errors"]} == {"visit_employers", "case_pushes"}
    assert "120" in low.json()["errors"][0]["message"] or "120" in low.json()["errors"][1]["message"]
    raised = client.put("/api/v1/rules/province", json={"visit_employers": 130}, headers=auth(province))
    assert raised.status_code == 200
    levels = {r["rule"]: r for r in raised.json()["rules"]}["visit_employers"]
    assert (levels["value"], levels["source"], levels["levels"]["national"], levels["levels"]["province"]) == \
        (130, "province", 120, 130)

    below = client.put("/api/v1/visits/target", json={"target": 125}, headers=auth(uni))
    assert below.status_code == 422 and below.json()["errors"][0]["field"] == "target"
    assert _progress(client, uni)["target"] == 130
    own = client.put("/api/v1/visits/target", json={"target": 150}, headers=auth(uni))
    assert (own.json()["target"], own.json()["target_source"]) == (150, "university")

    # The ministry raises above everyone: its rule applies; nobody below can undercut it.
    client.put("/api/v1/rules", json={"visit_employers": 200}, headers=auth(national))
    got = _progress(client, uni)
    assert (got["target"], got["target_source"]) == (200, "national")
    view = _rules(client, uni)["visit_employers"]
    assert view["levels"] == {"national": 200, "province": 130, "province_university": None, "university": 150}
    row = client.get(f"/api/v1/oversight/universities/{uni_id}", headers=auth(province)).json()
    assert (row["visit_target"], row["visit_target_source"], row["visits_remaining"]) == (200, "national", 200)


def test_only_each_level_sets_its_own_rules(client: Any, make_partner: Any) -> None:
    _, uni = make_partner("university", region_code="440300")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    for key, path in ((province, "/api/v1/rules"), (uni, "/api/v1/rules"), (national, "/api/v1/rules/province"),
                      (uni, "/api/v1/rules/province"), (national, "/api/v1/rules/university")):
        assert client.put(path, json={"visit_employers": 300}, headers=auth(key)).status_code == 403, (key, path)
    assert client.put("/api/v1/rules", json={"visit_employers": 300}, headers=ADMIN).status_code == 403
    assert client.put("/api/v1/rules", json={"visit_employers": 0}, headers=auth(national)).status_code == 422
    assert client.put("/api/v1/rules", json={"other": 5}, headers=auth(national)).status_code == 422
    assert _rules(client, national)["visit_employers"]["value"] == 100
    assert client.get("/api/v1/rules", headers=ADMIN).json()["scope"] == "national"
    assert client.get("/api/v1/rules", headers=auth(province)).json()["scope"] == "province"


def test_a_province_flags_a_university_and_raises_its_rules(client: Any, make_partner: Any, post_jobs: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, other_province = make_partner("provincial_platform", region_code="110000")
    url = f"/api/v1/oversight/universities/{uni_id}"
    assert _progress(client, uni)["new_employer_target"] is None
    flagged = client.patch(url, json={"below_placement_rate": True}, headers=auth(province))
    assert flagged.status_code == 200 and flagged.json()["new_employer_target"] == 100
    got = _progress(client, uni)
    assert got["below_placement_rate"] and (got["new_employer_target"], got["new_employers_remaining"]) == (100, 100)

    low = client.patch(url, json={"rules": {"case_pushes": 2}}, headers=auth(province))
    assert low.status_code == 422 and low.json()["errors"][0]["field"] == "rules.case_pushes"
    four = client.patch(url, json={"rules": {"case_pushes": 4}}, headers=auth(province))
    assert four.json()["case_pushes_required"] == 4
    ids = post_jobs(*(job(f"J{i}", f"岗位{i}", "440305", f"公司{i}") for i in range(3)))
    case = client.post("/api/v1/cases", json={"student_ref": "R-1", "category": "low_income"}, headers=auth(uni)).json()
    client.post(f"/api/v1/cases/{case['id']}/pushes", json={"job_ids": list(ids.values())}, headers=auth(uni))
    coverage = client.get("/api/v1/cases/coverage", headers=auth(uni)).json()
    assert (coverage["required"], coverage["required_source"], coverage["covered"]) == (4, "province_university", 0)
    assert client.put("/api/v1/rules/university", json={"case_pushes": 3}, headers=auth(uni)).status_code == 422

    for key in (other_province, uni):
        assert client.patch(url, json={"below_placement_rate": False}, headers=auth(key)).status_code in (403, 404)
    assert client.patch(url, json={"below_placement_rate": False}, headers=auth(other_province)).status_code == 404
    assert _progress(client, uni)["below_placement_rate"]


def test_new_employers_count_toward_the_flagged_universitys_rule(client: Any, make_partner: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    _, province = make_partner("provincial_platform", region_code="440000")
    client.patch(f"/api/v1/oversight/universities/{uni_id}", json={"below_placement_rate": True},
                 headers=auth(province))
    now = datetime.now(UTC).isoformat()
    for name, new in (("甲公司", True), ("甲公司", True), ("乙公司", False), ("丙公司", None)):
        body = {"employer_name": name, "visited_at": now, "leader_name": "王校长", "region_code": "440305"}
        if new is not None:
            body["new_employer"] = new
        assert client.post("/api/v1/visits", json=body, headers=auth(uni)).status_code == 201
    got = _progress(client, uni)
    # 甲 (said new) and 丙 (the hub's suggestion: never visited, never posted) are new; 乙 was said not new.
    assert (got["employers_visited"], got["new_employers"], got["new_employers_remaining"]) == (3, 2, 98)
    table = client.get("/api/v1/oversight/universities", headers=auth(province)).json()["rows"]
    assert (table[0]["new_employers"], table[0]["new_employer_target"]) == (2, 100)
