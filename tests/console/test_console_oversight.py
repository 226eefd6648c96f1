"""A province's and the ministry's console: oversight sorted by how far behind, the daily report
written and submitted (versions kept), the national table, trends, the tile map; exports; scope
limits; and never a case file above the university."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import auth, make_posting, push

BEIJING = timezone(timedelta(hours=8))
SECRET_REF, SECRET_PLAN = "PRIVREF9Z", "PRIVPLAN秘密计划"


def _today() -> date:
    return datetime.now(BEIJING).date()


def _campaign(client: TestClient, make_partner: Any, make_staff: Any) -> dict[str, Any]:
    """广东: a university far behind (one case, no visits) and one further on; 江苏: one university."""
    far = make_partner("university", name="韶关学院", region_code="440200")
    near = make_partner("university", name="深圳大学", region_code="440300")
    make_partner("university", name="南京大学", region_code="320100")
    case = client.post("/api/v1/cases", headers=auth(far[1]), json={
        "student_ref": SECRET_REF, "category": "low_income", "plan": {"text": SECRET_PLAN}})
    assert case.status_code == 201
    for i in range(30):
        client.post("/api/v1/visits", headers=auth(near[1]), json={
            "employer_name": f"深圳示例{i}有限公司", "visited_at": datetime.now(BEIJING).isoformat(),
            "leader_name": "王校长", "region_code": "440305"})
    push(client, near[1], make_posting("N-1"))
    return {"far": far, "near": near}


def test_the_province_sees_its_universities_most_behind_first_with_bars_and_no_case_file(
        client: TestClient, make_partner: Any, make_staff: Any, browser_for: Any) -> None:
    _campaign(client, make_partner, make_staff)
    b = browser_for(make_staff("provincial_platform", region_code="440000"))
    page = b.get("/console/province")
    assert page.status_code == 200
    names = re.findall(r'<th scope="row">([^<]+)<div', page.text)
    assert names == ["韶关学院", "深圳大学"]  # 南京大学 is 江苏's
    assert page.text.count("<progress") >= 4 and "30 / 100" in page.text
    assert SECRET_REF not in page.text and SECRET_PLAN not in page.text
    by_name = b.get("/console/province?sort=name&order=asc").text
    assert re.findall(r'<th scope="row">([^<]+)<div', by_name) == ["深圳大学", "韶关学院"]
    xlsx = b.get("/console/province?format=xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][1] == "name" and [r[1] for r in rows[1:]] == ["韶关学院", "深圳大学"]
    assert SECRET_REF not in xlsx.content.decode("latin-1")
    link = b.get("/console/province/linkup").text
    assert "✓ 已链接" in link and "✗ 未链接" in link
    csv = b.get("/console/province/linkup?format=csv").content
    assert csv.startswith(b"\xef\xbb\xbf") and "深圳大学".encode() in csv


def test_the_province_writes_and_submits_the_days_report_and_keeps_every_version(
        client: TestClient, make_partner: Any, make_staff: Any, browser_for: Any) -> None:
    _campaign(client, make_partner, make_staff)
    person = make_staff("provincial_platform", region_code="440000")
    b = browser_for(person)
    page = b.get("/console/province/report")
    assert page.status_code == 200 and "当日数据" in page.text
    visits = re.search(r"<dt>访企次数</dt><dd>(\d+)</dd>", page.text)
    assert visits is not None  # the day's figures are there, pre-filled from the hub's own counts
    first = b.post("/console/province/report", {"date": _today().isoformat(), "narrative": "今日全省高校开展访企拓岗",
                                                "highlights": "深圳大学走访30家\n\n韶关学院已督促"})
    assert first.status_code == 303
    second = b.post("/console/province/report", {"date": _today().isoformat(), "narrative": "更正：今日全省走访30家"})
    assert second.status_code == 303
    page = b.get(first.headers["location"]).text
    assert "第 2 版" in page and "第 1 版" in page and "韶关学院已督促" in page
    assert page.index("第 2 版") < page.index("第 1 版")  # newest first
    assert "更正：今日全省走访30家" in page.split("<textarea")[1]  # the form starts from the latest words
    api = client.get("/api/v1/reports/daily/submissions", headers=auth(person.api_key)).json()["items"]
    assert [v["version"] for v in api] == [1, 2] and all(v["user_id"] == person.user_id for v in api)
    empty = b.post("/console/province/report", {"narrative": ""})
    assert empty.status_code == 422 and "narrative" in empty.text
    phone = b.post("/console/province/report", {"narrative": "联系 13800138000"})
    assert phone.status_code == 422
    export = b.get(f"/console/province/report?date={_today().isoformat()}&format=csv").content.decode("utf-8-sig")
    assert export.count("\r\n") == 3 and "更正" in export


def test_a_province_viewer_cannot_submit_and_another_role_cannot_open_province_pages(
        make_staff: Any, browser_for: Any) -> None:
    viewer = make_staff("provincial_platform", role="viewer")
    b = browser_for(viewer)
    assert "填写活动总结" not in b.get("/console/province/report").text
    assert b.post("/console/province/report", {"narrative": "x"}).status_code == 403
    assert browser_for(make_staff("university")).get("/console/province").status_code == 403
    assert browser_for(make_staff("national")).get("/console/province/report").status_code == 403


def test_the_ministry_reads_all_31_provinces_with_status_figures_and_words(
        client: TestClient, make_partner: Any, make_staff: Any, browser_for: Any) -> None:
    _campaign(client, make_partner, make_staff)
    _, gd = make_partner("provincial_platform", region_code="440000")
    client.post("/api/v1/reports/daily/submissions", headers=auth(gd), json={
        "date": (_today() - timedelta(days=1)).isoformat(), "narrative": "昨日广东活动总结"})
    b = browser_for(make_staff("national"))
    yesterday = (_today() - timedelta(days=1)).isoformat()
    page = b.get(f"/console/ministry?date={yesterday}")
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td><span class="status status--(\w+)">', page.text)
    assert len(rows) == 31
    status = dict(rows)
    assert status["广东省"] == "late" and status["江苏省"] == "missing"
    assert "昨日广东活动总结" in page.text and "✗ 未报送" in page.text
    assert SECRET_REF not in page.text and SECRET_PLAN not in page.text
    week = b.get(f"/console/ministry?from={(_today() - timedelta(days=6)).isoformat()}&to={_today().isoformat()}")
    assert week.status_code == 200 and "至" in week.text and "按时" in week.text
    csv = b.get(f"/console/ministry?date={yesterday}&format=csv").content
    assert csv.startswith(b"\xef\xbb\xbf") and csv.decode("utf-8-sig").count("\r\n") == 32
    backwards = b.get(f"/console/ministry?from={_today().isoformat()}&to={yesterday}")
    assert backwards.status_code == 422 and "from" in backwards.text
    future = b.get(f"/console/ministry?date={(_today() + timedelta(days=2)).isoformat()}")
    assert future.status_code == 422
    assert b.get("/console/ministry?date=nonsense").status_code == 422


def test_trend_charts_and_the_tile_map_are_svg_readable_without_colour(
        client: TestClient, make_partner: Any, make_staff: Any, browser_for: Any) -> None:
    _campaign(client, make_partner, make_staff)
    b = browser_for(make_staff("national"))
    trends = b.get("/console/ministry/trends").text
    assert trends.count("<svg") == 5 and trends.count('role="img"') == 5
    assert "访企次数（每日，合计 30）" in trends  # the day's 30 visits, as text too
    assert trends.count("<tr>") >= 14 + 1  # the table of every day's figures
    short = b.get(f"/console/ministry/trends?from={(_today() - timedelta(days=2)).isoformat()}").text
    assert short.count('<rect class="col"') == 5 * 3
    tiles = b.get("/console/ministry/map").text
    assert tiles.count('class="tile ') == 31 and "无高校" in tiles and "%" in tiles
    report = b.get("/console/ministry/map?by=report").text
    assert report.count("✗ 未报送") + report.count("… 待报送") >= 31 - 1
    province = b.get("/console/ministry/provinces/440000")
    assert province.status_code == 200 and "韶关学院" in province.text and "南京大学" not in province.text
    assert SECRET_REF not in province.text
    assert b.get("/console/ministry/provinces/440300").status_code == 422
    xlsx = b.get("/console/ministry/map?format=xlsx")
    assert len(list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows())) == 32  # type: ignore[union-attr]
