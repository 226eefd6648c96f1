"""The privacy scan: nothing of a case file (refs, plans, records) appears in any provincial or
national response, in search, exports, the change feed, the daily report from the shell, or the
logs. The case's own university sees it (so the markers are real); everyone else sees counts."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from openpyxl import load_workbook

from app.models import utcnow
from app.observability import JSONFormatter
from app.services.daily_reports import national_table
from app.services.report_snapshots import ReportClock, take_snapshot
from tests.campaign.helpers import job
from tests.conftest import ADMIN, auth

REF, PLAN, GOAL, NOTE, PROGRAM = "PRIVREF7Q", "PRIVPLAN甲乙丙", "PRIVGOAL丁戊", "PRIVNOTE己庚", "PRIVPROG辛壬"
MARKERS = (REF, PLAN, GOAL, NOTE, PROGRAM)
BEIJING = timezone(timedelta(hours=8))


class Everything(logging.Handler):
    """Every log record, formatted as the hub writes it in production (JSON with its extras)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JSONFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name != "httpx":  # the test's own client, which logs the URLs it asks for
            self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Everything]:
    handler = Everything()
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(old)


def _text(resp: Any) -> str:
    """A response as text, an xlsx's cells included."""
    if resp.headers.get("content-type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(io.BytesIO(resp.content))
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
    return resp.content.decode("utf-8", "replace")


def test_nothing_of_a_case_file_leaves_the_university(client: Any, make_partner: Any, post_jobs: Any,
                                                      logs: Everything, db: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    _, province = make_partner("provincial_platform", region_code="440000")
    _, national = make_partner("national")
    ids = post_jobs(*(job(f"J{i}", f"Java开发{i}", "440305", f"深圳公司{i}") for i in range(3)))
    key = auth(uni)
    case = client.post("/api/v1/cases", json={"student_ref": REF, "category": "low_income", "major": "计算机",
                                               "plan": {"text": PLAN, "goals": [GOAL]}}, headers=key).json()
    url = f"/api/v1/cases/{case['id']}"
    client.post(f"{url}/pushes", json={"job_ids": list(ids.values())}, headers=key)
    client.post(f"{url}/records", json={"kind": "training", "occurred_on": date.today().isoformat(),
                                        "note": NOTE, "program": PROGRAM}, headers=key)
    client.post("/api/v1/visits", json={"employer_name": "深圳公司1", "visited_at": utcnow().isoformat(),
                                        "leader_name": "王校长", "region_code": "440305"}, headers=key)
    client.post("/api/v1/reports/daily/submissions", json={"narrative": "今日工作总结"}, headers=auth(province))
    yesterday = datetime.now(BEIJING).date() - timedelta(days=1)
    with db.write() as s:
        take_snapshot(s, yesterday, ReportClock(), utcnow())
    own = client.get(url, headers=key).text + client.get(f"{url}/records", headers=key).text
    assert all(m in own for m in MARKERS)  # the university itself sees its case file

    seen: dict[str, str] = {}
    overseers = {"province": auth(province), "national": auth(national), "admin": ADMIN}
    for who, headers in overseers.items():
        for path, params in (
                ("/api/v1/oversight/universities", {}), ("/api/v1/oversight/universities", {"format": "csv"}),
                ("/api/v1/oversight/universities", {"format": "xlsx"}), (f"/api/v1/oversight/universities/{uni_id}", {}),
                ("/api/v1/oversight/provinces", {}), ("/api/v1/oversight/provinces", {"format": "xlsx"}),
                ("/api/v1/reports/provinces", {}), ("/api/v1/reports/provinces", {"format": "csv"}),
                ("/api/v1/reports/provinces", {"date": yesterday.isoformat(), "format": "xlsx"}),
                ("/api/v1/reports/provinces", {"from": yesterday.isoformat(), "to": date.today().isoformat()}),
                ("/api/v1/reports/daily/submissions", {}), ("/api/v1/reports/daily", {"region": "440000"}),
                ("/api/v1/rules", {}), ("/api/v1/partners", {}), (f"/api/v1/partners/{uni_id}", {})):
            resp = client.get(path, params=params, headers=headers)
            assert resp.status_code in (200, 403), (who, path, resp.text)
            seen[f"{who} {path} {params}"] = _text(resp)
        for refused in ("/api/v1/cases", url, f"{url}/records", f"{url}/pushes", "/api/v1/cases/coverage",
                        "/api/v1/cases/audit"):
            resp = client.get(refused, headers=headers)
            assert resp.status_code == 403, (who, refused)
            seen[f"{who} {refused}"] = resp.text
    for path, params in (("/api/v1/jobs", {"q": REF}), ("/api/v1/jobs", {"q": "Java开发"}),
                         ("/api/v1/jobs/export.csv", {}), ("/api/v1/jobs/feed.rss", {}), ("/api/v1/jobs/feed.atom", {}),
                         (f"/api/v1/jobs/{ids['J0']}", {}), (f"/api/v1/jobs/{ids['J0']}/jsonld", {}),
                         ("/", {"q": "Java开发"}), ("/fairs", {}), ("/api/v1/fairs", {})):
        resp = client.get(path, params=params)
        assert resp.status_code == 200, (path, resp.text)
        seen[f"public {path} {params}"] = _text(resp)
    assert client.get("/api/v1/jobs", params={"q": REF}).json()["total"] == 0
    for path in ("/api/v1/changes", "/api/v1/changes/snapshot"):
        for n, key_ in enumerate((province, national, post_jobs.key)):
            resp = client.get(path, headers=auth(key_))
            assert resp.status_code == 200
            seen[f"changes {path} {n}"] = resp.text
    with db.read() as s:
        seen["hub report daily"] = str(national_table(s, yesterday, date.today(), ReportClock(), utcnow()))
    seen["logs"] = "\n".join(logs.lines)
    assert len(logs.lines) > 50  # the requests above were logged

    leaks = {(where, m) for where, text in seen.items() for m in (*MARKERS, REF.lower())
             if m in text}
    assert leaks == set()
    assert len(seen) == 3 * (15 + 6) + 10 + 6 + 2
