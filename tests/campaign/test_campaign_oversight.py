"""Oversight tables: a province's universities (and the nation's provinces) with their progress as
counts, sorted by how far behind each is, as JSON, CSV (BOM) and xlsx."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from openpyxl import load_workbook

from app.services.oversight import PROVINCE_COLUMNS, UNIVERSITY_COLUMNS
from tests.campaign.helpers import job
from tests.conftest import auth, push


def _visits(client: Any, key: str, n: int, prefix: str) -> None:
    for i in range(n):
        body = {"employer_name": f"{prefix}合作企业{i}", "visited_at": datetime.now(UTC).isoformat(),
                "leader_name": "王校长", "region_code": "440305", "employer_size": "small" if i % 2 else "large"}
        assert client.post("/api/v1/visits", json=body, headers=auth(key)).status_code == 201


def test_a_province_sees_each_university_sorted_by_how_far_behind(client: Any, make_partner: Any,
                                                                  post_jobs: Any) -> None:
    ahead_id, ahead = make_partner("university", name="甲大学", region_code="440300")
    half_id, half = make_partner("university", name="乙大学", region_code="440100")
    idle_id, _ = make_partner("university", name="丙大学", region_code="440200")
    make_partner("university", name="北京某大学", region_code="110108")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    client.put("/api/v1/rules", json={"visit_employers": 4}, headers=auth(national))
    _visits(client, ahead, 4, "甲")
    _visits(client, half, 2, "乙")
    ids = post_jobs(*(job(f"J{i}", f"岗位{i}", "440305", f"公司{i}") for i in range(3)))
    for ref, pushes in (("A-1", 3), ("A-2", 1)):
        case = client.post("/api/v1/cases", json={"student_ref": ref, "category": "disabled"}, headers=auth(ahead))
        client.post(f"/api/v1/cases/{case.json()['id']}/pushes", json={"job_ids": list(ids.values())[:pushes]},
                    headers=auth(ahead))
    push(client, half, job("H1", "会计", "440106", "广州某公司"))
    start = datetime.now(UTC) - timedelta(hours=1)
    fair = {"title": "春季双选会", "kind": "campus", "mode": "offline", "region_code": "440106",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=3)).isoformat()}
    assert client.post("/api/v1/fairs", json=fair, headers=auth(half)).status_code == 201

    table = client.get("/api/v1/oversight/universities", headers=auth(province)).json()
    rows = table["rows"]
    assert [r["id"] for r in rows] == [idle_id, half_id, ahead_id]  # most behind first
    by_id = {r["id"]: r for r in rows}
    a, h, i = by_id[ahead_id], by_id[half_id], by_id[idle_id]
    assert (a["employers_visited"], a["visits_remaining"], a["sme_employers"]) == (4, 0, 2)
    assert (a["cases_open"], a["cases_covered"], a["cases_uncovered"], a["behind"]) == (2, 1, 1, 0.25)
    assert (h["employers_visited"], h["behind"], h["fairs_held"], h["linked"], h["open_postings"]) == \
        (2, 0.5, 1, True, 1)
    assert (i["behind"], i["linked"], i["first_posting_at"]) == (1.0, False, None)
    assert (a["visit_target"], a["visit_target_source"]) == (4, "national")
    by_name = client.get("/api/v1/oversight/universities", params={"sort": "name", "order": "asc"},
                         headers=auth(province)).json()["rows"]
    assert [r["name"] for r in by_name] == ["丙大学", "乙大学", "甲大学"]
    assert client.get("/api/v1/oversight/universities", params={"sort": "student_ref"},
                      headers=auth(province)).status_code == 422

    as_csv = client.get("/api/v1/oversight/universities", headers={**auth(province), "Accept": "text/csv"})
    assert as_csv.content.startswith("\ufeff".encode()) and "attachment" in as_csv.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert tuple(lines[0]) == UNIVERSITY_COLUMNS and [r["name"] for r in lines] == ["丙大学", "乙大学", "甲大学"]
    as_xlsx = client.get("/api/v1/oversight/universities", params={"format": "xlsx"}, headers=auth(province))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == UNIVERSITY_COLUMNS and len(cells) == 4 and cells[3][1] == "甲大学"

    provinces = client.get("/api/v1/oversight/provinces", headers=auth(national)).json()["rows"]
    gd = {r["province_code"]: r for r in provinces}["440000"]
    assert (gd["universities"], gd["universities_linked"], gd["universities_at_visit_target"],
            gd["universities_below_visit_target"], gd["employers_visited"], gd["fairs_held"]) == (3, 1, 1, 2, 6, 1)
    assert (gd["cases_open"], gd["cases_covered"], gd["cases_uncovered"]) == (2, 1, 1)
    assert gd["platform_name"] is not None and gd["platform_linked"] is False
    assert provinces[-1]["province_code"] == "440000"  # least behind last
    as_xlsx = client.get("/api/v1/oversight/provinces", params={"format": "xlsx"}, headers=auth(national))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert next(sheet.iter_rows(values_only=True)) == PROVINCE_COLUMNS and sheet.max_row == 32
