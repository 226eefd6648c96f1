"""The daily report: a Beijing day's figures for a region's whole area, JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from tests.campaign.helpers import job
from tests.conftest import ADMIN, auth

BEIJING = timezone(timedelta(hours=8))


def _day_of(iso: str) -> date:
    return datetime.fromisoformat(iso).astimezone(BEIJING).date()


def _campaign_day(client: Any, partner: Any, post_jobs: Any) -> tuple[date, dict[str, str]]:
    """Jobs in Shenzhen (3) and Beijing (1), one withdrawn; a fair, visits, cases and pushes in Shenzhen."""
    ids = post_jobs(job("SZ1", "Java开发", "440305", "甲公司"), job("SZ2", "会计", "440106", "乙公司"),
                    job("SZ3", "销售", "440305", "丙公司"), job("BJ1", "运营", "110108", "丁公司"))
    assert client.delete("/api/v1/postings/SZ3", headers=auth(post_jobs.key)).status_code == 204
    day = _day_of(client.get(f"/api/v1/jobs/{ids['SZ1']}").json()["first_seen_at"])
    key = auth(partner[1])
    noon = datetime.combine(day, time(12), BEIJING)  # inside the day, whenever the test runs
    fair = {"title": "春季双选会", "kind": "regional", "mode": "offline", "region_code": "440305",
            "starts_at": noon.isoformat(), "ends_at": (noon + timedelta(hours=2)).isoformat(),
            "job_ids": [ids["SZ1"], ids["SZ2"]]}
    assert client.post("/api/v1/fairs", json=fair, headers=key).status_code == 201
    for name, region in (("甲公司", "440305"), ("乙公司", "440106"), ("北京某公司", "110108")):
        body = {"employer_name": name, "visited_at": noon.isoformat(), "leader_name": "王校长",
                "region_code": region, "jobs_promised": 4}
        assert client.post("/api/v1/visits", json=body, headers=key).status_code == 201
    cases = [client.post("/api/v1/cases", json={"student_ref": ref, "category": "disabled"}, headers=key).json()["id"]
             for ref in ("R1", "R2")]
    client.post(f"/api/v1/cases/{cases[0]}/pushes", json={"job_ids": [ids["SZ1"], ids["SZ2"], ids["BJ1"]]},
                headers=key)
    client.post(f"/api/v1/cases/{cases[1]}/pushes", json={"job_ids": [ids["SZ1"]]}, headers=key)
    return day, ids


def test_daily_report_counts_the_days_activity_in_the_region(client: Any, make_partner: Any, post_jobs: Any) -> None:
    partner = make_partner("university", region_code="440300")
    day, _ = _campaign_day(client, partner, post_jobs)
    resp = client.get("/api/v1/reports/daily", params={"date": day.isoformat(), "region": "440000"},
                      headers=auth(partner[1]))
    assert resp.status_code == 200, resp.text
    report = resp.json()
    assert report["region"] == "440000" and report["region_name"] == "广东省" and report["date"] == day.isoformat()
    assert {k: report[k] for k in ("postings_received", "new_jobs", "open_jobs_end_of_day", "jobs_closed")} == {
        "postings_received": 3, "new_jobs": 3, "open_jobs_end_of_day": 2, "jobs_closed": 1}
    assert (report["fairs_held"], report["fair_jobs_offered"]) == (1, 2)
    # Visits count toward the visiting university's province, the Beijing employer's included.
    assert (report["visits"], report["visit_jobs_promised"]) == (3, 12)
    assert (report["cases_opened"], report["pushes"], report["cases_reaching_three_pushes"]) == (2, 4, 1)

    city = client.get("/api/v1/reports/daily", params={"date": day.isoformat(), "region": "440300"}, headers=ADMIN)
    assert (city.json()["new_jobs"], city.json()["visits"]) == (2, 3)
    china = client.get("/api/v1/reports/daily", params={"date": day.isoformat()}, headers=ADMIN).json()
    assert (china["region"], china["new_jobs"], china["open_jobs_end_of_day"], china["visits"]) == (None, 4, 3, 3)
    beijing = client.get("/api/v1/reports/daily", params={"date": day.isoformat(), "region": "110000"},
                         headers=ADMIN).json()
    assert (beijing["new_jobs"], beijing["cases_opened"], beijing["fairs_held"], beijing["visits"]) == (1, 0, 0, 0)


def test_the_day_before_has_no_activity_and_a_future_day_is_refused(
        client: Any, partner: Any, post_jobs: Any) -> None:
    day, _ = _campaign_day(client, partner, post_jobs)
    before = client.get("/api/v1/reports/daily", params={"date": (day - timedelta(days=1)).isoformat()},
                        headers=ADMIN).json()
    assert all(before[k] == 0 for k in before if k not in ("date", "region", "region_name"))
    same = client.get("/api/v1/reports/daily", params={"date": day.isoformat()}, headers=ADMIN).json()
    assert same["open_jobs_end_of_day"] == 3
    after = client.get("/api/v1/reports/daily", params={"date": (day + timedelta(days=1)).isoformat()},
                       headers=ADMIN)
    assert after.status_code == 422 and after.json()["errors"][0]["field"] == "date"


def test_daily_report_as_csv_with_bom(client: Any, partner: Any, post_jobs: Any) -> None:
    day, _ = _campaign_day(client, partner, post_jobs)
    resp = client.get("/api/v1/reports/daily", params={"date": day.isoformat(), "region": "440000"},
                      headers={**auth(partner[1]), "Accept": "text/csv"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["region_name"] == "广东省" and rows[0]["new_jobs"] == "3" and rows[0]["pushes"] == "4"


def test_daily_report_needs_a_key_and_valid_parameters(client: Any, partner: Any) -> None:
    assert client.get("/api/v1/reports/daily").status_code == 401
    bad = client.get("/api/v1/reports/daily", params={"region": "999999"}, headers=auth(partner[1]))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region"
    bad = client.get("/api/v1/reports/daily", params={"date": "2026-13-01"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "date"
    bad = client.get("/api/v1/reports/daily", params={"date": "0001-01-01"}, headers=ADMIN)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "date"
    assert client.get("/api/v1/reports/daily", headers=auth(partner[1])).status_code == 200
    repeated = client.get("/api/v1/reports/daily", params=[("region", "440000"), ("region", "110000")], headers=ADMIN)
    assert repeated.status_code == 422 and repeated.json()["errors"][0]["field"] == "region"
    future = client.get("/api/v1/reports/daily", params={"date": "2999-01-01"}, headers=ADMIN)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "date"
