"""The chain of command: partner kinds carry rights (ministry → province → university), regions are
required where they place a partner, and link-up status shows who has not joined the hub yet."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

from tests.campaign.helpers import job
from tests.conftest import ADMIN, auth, push


def visit(employer: str, **overrides: Any) -> dict[str, Any]:
    body = {"employer_name": employer, "visited_at": datetime.now(UTC).isoformat(), "leader_name": "王校长",
            "region_code": "110108", "jobs_promised": 2}
    return {**body, **overrides}


def test_universities_and_provincial_platforms_need_a_region(client: Any) -> None:
    for body, message in (({"name": "无地区大学", "kind": "university"}, "required"),
                          ({"name": "无地区平台", "kind": "provincial_platform"}, "required"),
                          ({"name": "市级平台", "kind": "provincial_platform", "region_code": "440300"}, "province"),
                          ({"name": "未知大学", "kind": "university", "region_code": "999999"}, "GB/T 2260")):
        resp = client.post("/api/v1/partners", json=body, headers=ADMIN)
        assert resp.status_code == 422, body
        error = resp.json()["errors"][0]
        assert error["field"] == "region_code" and message in error["message"], error
    ok = client.post("/api/v1/partners", json={"name": "某招聘网", "kind": "recruiter"}, headers=ADMIN)
    assert ok.status_code == 201 and ok.json()["region_code"] is None
    assert client.get("/api/v1/partners", params={"kind": "university"}, headers=ADMIN).json()["items"] == []


def test_cli_refuses_a_university_without_a_region(settings: Any) -> None:
    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_SECRET_KEY": settings.secret_key, "PATH": ""}
    bad = subprocess.run([sys.executable, "-m", "app.cli", "partner", "create", "--name", "x", "--kind", "university"],
                         env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--region" in bad.stderr
    good = subprocess.run([sys.executable, "-m", "app.cli", "partner", "create", "--name", "x", "--kind",
                           "provincial_platform", "--region", "440000"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert good.returncode == 0 and json.loads(good.stdout)["region_code"] == "440000"


def test_who_may_read_the_oversight_tables(client: Any, make_partner: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    beijing_id, _ = make_partner("university", region_code="110108")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    _, recruiter = make_partner("recruiter")
    url = "/api/v1/oversight/universities"
    mine = client.get(url, headers=auth(province))
    assert mine.status_code == 200 and mine.json()["province_code"] == "440000"
    assert [r["id"] for r in mine.json()["rows"]] == [uni_id]
    # A province asking for another province, or for another province's university: 404.
    assert client.get(url, params={"province": "110000"}, headers=auth(province)).status_code == 404
    assert client.get(f"{url}/{beijing_id}", headers=auth(province)).status_code == 404
    assert client.get(f"{url}/{uni_id}", headers=auth(province)).json()["id"] == uni_id
    # The ministry and the hub's operators read every province; universities and the rest do not.
    assert [r["id"] for r in client.get(url, params={"province": "110000"}, headers=auth(national)).json()["rows"]] \
        == [beijing_id]
    assert {r["id"] for r in client.get(url, headers=ADMIN).json()["rows"]} == {uni_id, beijing_id}
    assert client.get(f"{url}/{beijing_id}", headers=auth(national)).status_code == 200
    for key in (uni, recruiter):
        assert client.get(url, headers=auth(key)).status_code == 403
        assert client.get("/api/v1/oversight/provinces", headers=auth(key)).status_code == 403
    assert len(client.get("/api/v1/oversight/provinces", headers=auth(national)).json()["rows"]) == 31
    assert [r["province_code"] for r in client.get("/api/v1/oversight/provinces", headers=auth(province))
            .json()["rows"]] == ["440000"]
    assert client.get(url, params={"province": "440300"}, headers=auth(national)).status_code == 422
    assert client.get(url, params=[("province", "440000"), ("province", "110000")],
                      headers=auth(national)).status_code == 422
    assert client.get(url).status_code == 401


def test_case_files_stay_with_the_university(client: Any, make_partner: Any) -> None:
    _, uni = make_partner("university", region_code="440300")
    case = client.post("/api/v1/cases", json={"student_ref": "R-1", "category": "disabled"}, headers=auth(uni))
    assert case.status_code == 201
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    for headers in (ADMIN, auth(province), auth(national)):
        for path in ("/api/v1/cases", "/api/v1/cases/coverage", f"/api/v1/cases/{case.json()['id']}",
                     "/api/v1/cases/audit", "/api/v1/visits/progress"):
            assert client.get(path, headers=headers).status_code == 403, (path, headers)


def test_a_visit_counts_toward_the_visiting_universitys_province(client: Any, make_partner: Any) -> None:
    _, shenzhen = make_partner("university", region_code="440300")
    assert client.post("/api/v1/visits", json=visit("北京某科技有限公司"), headers=auth(shenzhen)).status_code == 201
    _, national = make_partner("national")
    rows = {r["province_code"]: r for r in client.get("/api/v1/reports/provinces", headers=auth(national))
            .json()["rows"]}
    assert rows["440000"]["visits"] == 1 and rows["110000"]["visits"] == 0
    daily = client.get("/api/v1/reports/daily", params={"region": "440300"}, headers=ADMIN).json()
    assert daily["visits"] == 1


def test_changing_a_universitys_region_moves_its_records(client: Any, make_partner: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    client.post("/api/v1/visits", json=visit("某公司"), headers=auth(uni))
    client.post("/api/v1/cases", json={"student_ref": "R-1", "category": "other"}, headers=auth(uni))
    moved = client.patch(f"/api/v1/partners/{uni_id}", json={"region_code": "320100"}, headers=ADMIN)
    assert moved.status_code == 200 and moved.json()["region_code"] == "320100"
    gd = client.get("/api/v1/reports/daily", params={"region": "440000"}, headers=ADMIN).json()
    js = client.get("/api/v1/reports/daily", params={"region": "320000"}, headers=ADMIN).json()
    assert (gd["visits"], gd["cases_opened"]) == (0, 0) and (js["visits"], js["cases_opened"]) == (1, 1)
    bad = client.patch(f"/api/v1/partners/{uni_id}", json={"region_code": "000000"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region_code"
    assert client.patch("/api/v1/partners/nope", json={"name": "x"}, headers=ADMIN).status_code == 404
    assert client.patch(f"/api/v1/partners/{uni_id}", json={"name": "x"}, headers=auth(uni)).status_code == 403


def test_partner_listing_shows_who_has_linked_up(client: Any, make_partner: Any) -> None:
    linked_id, linked = make_partner("university", name="已对接大学", region_code="440300")
    quiet_id, _ = make_partner("university", name="未对接大学", region_code="440100")
    push(client, linked, job("L1", "会计", "440305", "甲公司"), job("L2", "出纳", "440305", "乙公司"))
    assert client.delete("/api/v1/postings/L2", headers=auth(linked)).status_code == 204
    items = {p["id"]: p for p in client.get("/api/v1/partners", headers=ADMIN).json()["items"]}
    link = items[linked_id]["link"]
    assert link["linked"] and link["open_postings"] == 1 and link["first_posting_at"] and link["last_posting_at"]
    assert items[quiet_id]["link"] == {"linked": False, "first_posting_at": None, "last_posting_at": None,
                                       "open_postings": 0, "sources": 0, "failing_sources": 0, "last_sync_at": None}
    not_yet = client.get("/api/v1/partners", params={"kind": "university", "linked": "false"}, headers=ADMIN).json()
    assert [p["id"] for p in not_yet["items"]] == [quiet_id]
    in_guangdong = client.get("/api/v1/partners", params={"province": "440000", "linked": "true"}, headers=ADMIN)
    assert [p["id"] for p in in_guangdong.json()["items"]] == [linked_id]
    one = client.get(f"/api/v1/partners/{linked_id}", headers=ADMIN).json()
    assert one["link"]["open_postings"] == 1
    row = client.get(f"/api/v1/oversight/universities/{linked_id}", headers=ADMIN).json()
    assert row["linked"] and row["open_postings"] == 1 and row["last_posting_at"] == link["last_posting_at"]
