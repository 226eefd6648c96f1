"""The daily report as a submission: the worker's 17:00 snapshot (idempotent, once per day across
workers), provinces' versions on time or late, and the ministry's table of all 31 provinces."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import threading
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import ReportRun, ReportSnapshot
from app.services.daily_reports import Submitter, submit
from app.services.province_figures import FIGURES
from app.services.report_snapshots import (
    ReportClock,
    refresh_provisional,
    run_due_snapshots,
    take_snapshot,
)
from app.sync.scheduler import Worker, build_scheduler
from tests.conftest import ADMIN, auth

BEIJING = timezone(timedelta(hours=8))
CLOCK = ReportClock()


def today() -> date:
    return datetime.now(BEIJING).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), BEIJING)


@pytest.fixture
def morning(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The API's clock at 10:00 today (Beijing): before the 17:00 cut-off, whenever the test runs."""
    now = at(today(), 10)
    monkeypatch.setattr("app.api.reports.utcnow", lambda: now)
    return now


def _visit(client: Any, key: str, when: datetime, employer: str = "某科技有限公司") -> None:
    body = {"employer_name": employer, "visited_at": when.isoformat(), "leader_name": "王校长",
            "region_code": "440305", "new_employer": True}
    assert client.post("/api/v1/visits", json=body, headers=auth(key)).status_code == 201


def _count(db: Any, model: Any) -> int:
    with db.read() as s:
        return int(s.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_snapshot_covers_every_province_and_a_rerun_replaces_it(client: Any, partner: Any, db: Any) -> None:
    day = today() - timedelta(days=1)
    _visit(client, partner[1], at(day, 9))
    with db.write() as s:
        assert take_snapshot(s, day, CLOCK, datetime.now(UTC)) == 31
    _visit(client, partner[1], at(day, 11), "另一家公司")
    with db.write() as s:
        take_snapshot(s, day, CLOCK, datetime.now(UTC), trigger="manual")
    with db.read() as s:
        rows = {r.province_code: r for r in s.execute(select(ReportSnapshot)).scalars()}
    assert len(rows) == 31 and _count(db, ReportSnapshot) == 31
    gd = rows["440000"]
    assert (gd.figures["visits"], gd.figures["new_employer_visits"], gd.trigger) == (2, 2, "manual")
    assert gd.window_end == at(day, 17) and gd.window_start == at(day - timedelta(days=1), 17)
    assert set(gd.figures) == set(FIGURES) and rows["110000"].figures["visits"] == 0


def test_the_worker_snapshots_each_ended_day_once_across_workers(client: Any, partner: Any, db: Any,
                                                                 settings: Any) -> None:
    _visit(client, partner[1], at(today() - timedelta(days=1), 9))
    now = at(today(), 17, 30)
    results: list[Any] = []

    def worker(name: str) -> None:
        results.append(run_due_snapshots(db, CLOCK, name, now))

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done = sorted(d["day"] for r in results for d in r)
    week = sorted((today() - timedelta(days=n)).isoformat() for n in range(7))
    assert done == week  # each of the last seven days by exactly one worker
    assert _count(db, ReportSnapshot) == 31 * 7
    with db.read() as s:
        runs = list(s.execute(select(ReportRun)).scalars())
    assert len(runs) == 7 and all(r.finished_at is not None and r.provinces == 31 for r in runs)
    assert run_due_snapshots(db, CLOCK, "w9", now) == []
    # Before today's 17:00, today is not due yet.
    assert today().isoformat() not in [d["day"] for d in run_due_snapshots(db, CLOCK, "w9", at(today(), 16))]
    scheduler = build_scheduler(Worker(db, settings))
    assert {job.id for job in scheduler.get_jobs()} == {"sync", "webhooks", "housekeeping", "reports"}


def test_a_province_submits_and_resubmits_and_every_version_is_kept(client: Any, partner: Any,
                                                                    make_partner: Any, morning: datetime) -> None:
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    _visit(client, partner[1], morning - timedelta(hours=1))
    first = client.post("/api/v1/reports/daily/submissions", json={"narrative": "今日开展访企拓岗。"},
                        headers=auth(province))
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["version"], body["status"], body["date"], body["province_code"]) == (1, "on_time", today().isoformat(),
                                                                                       "440000")
    assert body["figures"]["visits"] == 1 and body["key_id"]
    second = client.post("/api/v1/reports/daily/submissions", json={
        "narrative": "更正：今日共开展访企拓岗一次。", "highlights": ["深圳大学新开拓一家用人单位"]}, headers=auth(province))
    assert second.json()["version"] == 2
    versions = client.get("/api/v1/reports/daily/submissions", headers=auth(province)).json()["items"]
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["narrative"] == "今日开展访企拓岗。"
    table = client.get("/api/v1/reports/provinces", headers=auth(national)).json()
    rows = {r["province_code"]: r for r in table["rows"]}
    assert len(rows) == 31 and rows["440000"]["status"] == "on_time" and rows["440000"]["versions"] == 2
    assert rows["440000"]["narrative"] == "更正：今日共开展访企拓岗一次。"
    assert rows["440000"]["highlights"] == ["深圳大学新开拓一家用人单位"]
    assert rows["110000"]["status"] == "pending"  # today, before the cut-off
    assert rows["440000"]["figures_source"] == "live" and rows["440000"]["visits"] == 1
    own = client.get("/api/v1/reports/provinces", headers=auth(province)).json()["rows"]
    assert [r["province_code"] for r in own] == ["440000"]
    assert client.get("/api/v1/reports/daily/submissions", params={"province": "110000"},
                      headers=auth(province)).status_code == 404


def test_late_and_missing_reports(client: Any, make_partner: Any, morning: datetime, db: Any) -> None:
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    yesterday = today() - timedelta(days=1)
    late = client.post("/api/v1/reports/daily/submissions", json={"date": yesterday.isoformat(), "narrative": "补报"},
                       headers=auth(province))
    assert late.status_code == 201 and late.json()["status"] == "late"
    with db.write() as s:  # a second province submitted yesterday at 16:30, on time
        submit(s, "110000", yesterday, "北京市报告", [], Submitter(None), CLOCK, at(yesterday, 16, 30))
    rows = {r["province_code"]: r for r in client.get(
        "/api/v1/reports/provinces", params={"date": yesterday.isoformat()}, headers=auth(national)).json()["rows"]}
    assert (rows["440000"]["status"], rows["110000"]["status"], rows["120000"]["status"]) == \
        ("late", "on_time", "missing")
    assert sum(r["status"] == "missing" for r in rows.values()) == 29


def test_who_submits_and_what_is_refused(client: Any, partner: Any, make_partner: Any, morning: datetime) -> None:
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    url = "/api/v1/reports/daily/submissions"
    for headers in (auth(partner[1]), auth(national), ADMIN):
        assert client.post(url, json={"narrative": "x"}, headers=headers).status_code == 403
    for body, field in (({"narrative": "联系人电话13800138000"}, "narrative"),
                        ({"narrative": " "}, "narrative"),
                        ({"narrative": "x", "date": (today() + timedelta(days=1)).isoformat()}, "date"),
                        ({"narrative": "x", "highlights": ["a@b.cn"]}, "highlights[0]")):
        resp = client.post(url, json=body, headers=auth(province))
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == field, (body, resp.text)
    assert client.get("/api/v1/reports/provinces", headers=auth(partner[1])).status_code == 403


def test_the_ministrys_table_sums_a_range_from_the_snapshots(client: Any, partner: Any, make_partner: Any,
                                                             db: Any, morning: datetime) -> None:
    _, national = make_partner("national")
    d2, d1 = today() - timedelta(days=2), today() - timedelta(days=1)
    _visit(client, partner[1], at(d2, 9), "甲")
    _visit(client, partner[1], at(d1, 9), "乙")
    _visit(client, partner[1], at(d1, 18), "丙")  # after yesterday's 17:00: today's report day
    with db.write() as s:
        for day in (d2, d1):
            take_snapshot(s, day, CLOCK, datetime.now(UTC))
    url = "/api/v1/reports/provinces"
    week = client.get(url, params={"from": d2.isoformat(), "to": d1.isoformat()}, headers=auth(national)).json()
    gd = {r["province_code"]: r for r in week["rows"]}["440000"]
    assert (gd["days"], gd["visits"], gd["figures_source"], gd["status"], gd["days_missing"]) == \
        (2, 2, "snapshot", "missing", 2)
    assert gd["employers_visited"] == 2  # a stock: as at the last day's end, not summed
    assert week["totals"]["visits"] == 2 and datetime.fromisoformat(week["window_end"]) == at(d1, 17)
    three = client.get(url, params={"from": d2.isoformat(), "to": today().isoformat()}, headers=auth(national)).json()
    gd3 = {r["province_code"]: r for r in three["rows"]}["440000"]
    assert (gd3["visits"], gd3["figures_source"], gd3["employers_visited"]) == (3, "mixed", 3)
    assert gd3["days_pending"] == 1 and gd3["narrative"] is None

    for params, field in (({"from": (today() - timedelta(days=92)).isoformat(), "to": today().isoformat()}, "to"),
                          ({"from": d1.isoformat(), "to": d2.isoformat()}, "from"),
                          ({"date": (today() + timedelta(days=1)).isoformat()}, "date"),
                          ({"from": d2.isoformat()}, "to"),
                          ({"date": d1.isoformat(), "from": d1.isoformat(), "to": d1.isoformat()}, "date"),
                          ({"province": "990000"}, "province"),
                          ([("date", d1.isoformat()), ("date", d2.isoformat())], "date")):
        resp = client.get(url, params=params, headers=auth(national))
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == field, (params, resp.text)
    ok = client.get(url, params={"from": (today() - timedelta(days=91)).isoformat(), "to": today().isoformat()},
                    headers=auth(national))
    assert ok.status_code == 200 and ok.json()["days"] == 92

    as_csv = client.get(url, params={"date": d1.isoformat()}, headers={**auth(national), "Accept": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.content.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert len(table) == 31 and {r["province_code"]: r for r in table}["440000"]["visits"] == "1"
    as_xlsx = client.get(url, params={"date": d1.isoformat(), "format": "xlsx"}, headers=auth(national))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 32 and rows[0][0] == "province_code" and "visits" in rows[0]


def test_hub_report_daily_from_the_shell(client: Any, partner: Any, db: Any, settings: Any, tmp_path: Path) -> None:
    d1 = today() - timedelta(days=1)
    _visit(client, partner[1], at(d1, 9))
    env = {"HUB_DATABASE_URL": settings.database_url, "HUB_SECRET_KEY": settings.secret_key, "PATH": ""}

    def hub(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "app.cli", "report", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    snap = hub("snapshot", "--date", d1.isoformat())
    assert snap.returncode == 0 and json.loads(snap.stdout) == {"date": d1.isoformat(), "provinces": 31}
    out = hub("daily", "--date", d1.isoformat())
    assert out.returncode == 0, out.stderr
    rows = {r["province_code"]: r for r in json.loads(out.stdout)["rows"]}
    assert len(rows) == 31 and rows["440000"]["visits"] == 1 and rows["440000"]["figures_source"] == "snapshot"
    as_csv = hub("daily", "--from", d1.isoformat(), "--to", d1.isoformat(), "--format", "csv", "--province", "440000")
    assert as_csv.returncode == 0 and len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 1
    target = tmp_path / "report.xlsx"
    as_xlsx = hub("daily", "--date", d1.isoformat(), "--format", "xlsx", "--output", str(target))
    assert as_xlsx.returncode == 0 and len(list(load_workbook(target).active.iter_rows())) == 32
    bad = hub("daily", "--from", "2026-01-01", "--to", "2026-12-31")
    assert bad.returncode == 2 and "92" in bad.stderr
    assert hub("daily", "--from", d1.isoformat()).returncode == 2


def test_before_17_the_worker_keeps_a_provisional_snapshot_that_17_replaces(client: Any, partner: Any,
                                                                            make_partner: Any, db: Any,
                                                                            morning: datetime) -> None:
    _, national = make_partner("national")
    _visit(client, partner[1], morning - timedelta(hours=2))
    assert refresh_provisional(db, CLOCK, "w1", morning, 600) == 31
    assert refresh_provisional(db, CLOCK, "w2", morning + timedelta(minutes=5), 600) == 0  # fresh enough
    assert refresh_provisional(db, CLOCK, "w2", morning, 0) == 0  # switched off
    rows = {r["province_code"]: r for r in client.get("/api/v1/reports/provinces", headers=auth(national))
            .json()["rows"]}
    assert (rows["440000"]["figures_source"], rows["440000"]["visits"]) == ("provisional", 1)
    _visit(client, partner[1], morning - timedelta(hours=1), "又一家")
    assert refresh_provisional(db, CLOCK, "w2", morning + timedelta(minutes=11), 600) == 31
    assert run_due_snapshots(db, CLOCK, "w3", at(today(), 17, 1))[-1]["day"] == today().isoformat()
    with db.read() as s:
        final = s.execute(select(ReportSnapshot).where(ReportSnapshot.province_code == "440000",
                                                       ReportSnapshot.day == today())).scalar_one()
    assert (final.trigger, final.figures["visits"]) == ("schedule", 2)
    assert refresh_provisional(db, CLOCK, "w3", at(today(), 17, 30), 600) == 0  # today's report day has ended


def test_days_before_2000_are_refused_not_crashed(client: Any, make_partner: Any) -> None:
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    for resp, field in (
            (client.get("/api/v1/reports/provinces", params={"date": "0001-01-01"}, headers=auth(national)), "date"),
            (client.get("/api/v1/reports/provinces", params={"from": "0001-01-01", "to": "0001-01-02"},
                        headers=auth(national)), "from"),
            (client.post("/api/v1/reports/daily/submissions", json={"date": "0001-01-01", "narrative": "x"},
                         headers=auth(province)), "date"),
            (client.post("/api/v1/reports/daily/snapshots", params={"date": "0001-01-01"}, headers=ADMIN), "date")):
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == field, resp.text
