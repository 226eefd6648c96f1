"""A university's console: visits with the progress bar, case files with one-click pushes of
recommended jobs, coverage, the audit log naming the staff user, fairs; role limits; exports."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from app.models import CaseAudit
from tests.conftest import auth, make_posting, push

BEIJING = timezone(timedelta(hours=8))


def _now_local(days: int = 0) -> str:
    return (datetime.now(BEIJING) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _jobs(client: TestClient, make_partner: Any, n: int = 4) -> list[str]:
    _, key = make_partner("recruiter")
    results = push(client, key, *(make_posting(f"J{i}", title=f"软件开发工程师{i}",
                                               employer={"name": f"深圳市示例{i}科技有限公司"}) for i in range(n)))
    return [r["job_id"] for r in results]


VISIT = {"employer_name": "深圳市某某科技有限公司", "leader_name": "王校长", "leader_title": "校长",
         "region_code": "440305", "jobs_promised": "12", "employer_size": "small"}


def test_record_correct_and_delete_a_visit_with_the_progress_bar(make_staff: Any, browser_for: Any,
                                                                 client: TestClient) -> None:
    person = make_staff("university")
    b = browser_for(person)
    assert b.post("/console/university/visits", {**VISIT, "visited_at": _now_local()}).status_code == 303
    page = b.get("/console/university/visits").text
    assert "深圳市某某科技有限公司" in page
    assert re.search(r'<progress id="p-visits" max="100" value="1">', page)
    api = client.get("/api/v1/visits", headers=auth(person.api_key)).json()["items"]
    assert len(api) == 1 and api[0]["jobs_promised"] == 12 and api[0]["employer_size"] == "small"
    visit_id = api[0]["id"]
    edit = b.get(f"/console/university/visits/{visit_id}")
    assert edit.status_code == 200 and 'value="王校长"' in edit.text
    fixed = b.post(f"/console/university/visits/{visit_id}", {**VISIT, "visited_at": _now_local(),
                                                              "leader_name": "李书记", "jobs_promised": "20"})
    assert fixed.status_code == 303
    after = client.get(f"/api/v1/visits/{visit_id}", headers=auth(person.api_key)).json()
    assert after["leader_name"] == "李书记" and after["jobs_promised"] == 20
    assert b.post(f"/console/university/visits/{visit_id}/delete").status_code == 303
    assert client.get(f"/api/v1/visits/{visit_id}", headers=auth(person.api_key)).status_code == 404


def test_a_bad_visit_is_refused_by_the_apis_own_rules_naming_the_field(make_staff: Any, browser_for: Any) -> None:
    b = browser_for(make_staff("university"))
    future = b.post("/console/university/visits", {**VISIT, "visited_at": _now_local(days=3)})
    assert future.status_code == 422 and "visited_at" in future.text and "no later than today" in future.text
    assert 'value="深圳市某某科技有限公司"' in future.text  # what was typed stays in the form
    bad_region = b.post("/console/university/visits", {**VISIT, "visited_at": _now_local(), "region_code": "999999"})
    assert bad_region.status_code == 422 and "region_code" in bad_region.text


def test_a_viewer_reads_but_cannot_write(make_staff: Any, browser_for: Any) -> None:
    editor = make_staff("university")
    viewer = make_staff("university", role="viewer", partner=(editor.partner_id, editor.api_key))
    browser_for(editor).post("/console/university/visits", {**VISIT, "visited_at": _now_local()})
    v = browser_for(viewer)
    page = v.get("/console/university/visits")
    assert page.status_code == 200 and "深圳市某某科技有限公司" in page.text and "记录一次走访" not in page.text
    assert v.post("/console/university/visits", {**VISIT, "visited_at": _now_local()}).status_code == 403
    assert v.post("/console/university/cases", {"student_ref": "X-1", "category": "other"}).status_code == 403


def test_a_case_file_from_opening_to_three_pushes_named_in_the_audit_log(
        make_staff: Any, browser_for: Any, client: TestClient, make_partner: Any, db: Any) -> None:
    jobs = _jobs(client, make_partner)
    person = make_staff("university")
    b = browser_for(person)
    opened = b.post("/console/university/cases", {
        "student_ref": "2026-KN-0042", "category": "low_income", "education": "bachelor", "major": "软件工程",
        "region_code": "440000", "plan_text": "每周一次一对一指导", "plan_goals": "完成简历\n参加两场招聘会"})
    assert opened.status_code == 303
    case_url = opened.headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    page = b.get(case_url).text
    assert "2026-KN-0042" in page and "每周一次一对一指导" in page and "推荐理由" in page
    recommended = re.findall(r'name="job_id" value="([0-9a-z]+)"', page)
    assert set(recommended) <= set(jobs) and len(recommended) >= 3
    for job_id in recommended[:3]:  # one click each
        assert b.post(f"{case_url}/pushes", {"job_id": job_id}).status_code == 303
    doc = client.get(f"/api/v1/cases/{case_id}", headers=auth(person.api_key)).json()
    assert doc["pushes"] == 3 and doc["plan"]["goals"] == ["完成简历", "参加两场招聘会"]
    assert recommended[0] not in re.findall(r'name="job_id" value="([0-9a-z]+)"', b.get(case_url).text)
    rec = b.post(f"{case_url}/records", {"kind": "training", "occurred_on": datetime.now(BEIJING).date().isoformat(),
                                         "program": "宏志助航计划", "note": "完成求职能力培训"})
    assert rec.status_code == 303 and "宏志助航计划" in b.get(case_url).text
    plan = b.post(case_url, {"plan_text": "改为每周两次", "plan_goals": "完成简历", "status": "placed"})
    assert plan.status_code == 303
    assert client.get(f"/api/v1/cases/{case_id}", headers=auth(person.api_key)).json()["status"] == "placed"
    with db.read() as s:
        entries = s.query(CaseAudit).filter(CaseAudit.case_id == case_id).all()
    actions = {e.action for e in entries if e.actor_user_id == person.user_id}
    assert {"create", "read", "recommend", "push", "record", "update"} <= actions
    assert all(e.actor_kind == "user" for e in entries if e.actor_user_id)
    audit_page = b.get("/console/university/audit").text
    assert person.login in audit_page and "推送" in audit_page
    api_audit = client.get("/api/v1/cases/audit", headers=auth(person.api_key)).json()["items"]
    assert any(e["actor_user_id"] == person.user_id and e["actor_kind"] == "user" for e in api_audit)


def test_a_case_field_with_a_phone_number_is_refused(make_staff: Any, browser_for: Any) -> None:
    b = browser_for(make_staff("university"))
    resp = b.post("/console/university/cases", {"student_ref": "R-1", "category": "disabled",
                                                "plan_text": "联系电话 13800138000"})
    assert resp.status_code == 422 and "plan.text" in resp.text and "13800138000" not in resp.text.split("<form")[0]


def test_the_coverage_list_shows_cases_short_of_three_pushes(make_staff: Any, browser_for: Any,
                                                            client: TestClient, make_partner: Any) -> None:
    jobs = _jobs(client, make_partner)
    person = make_staff("university")
    b = browser_for(person)
    full = b.post("/console/university/cases", {"student_ref": "FULL-1", "category": "low_income"})
    b.post("/console/university/cases", {"student_ref": "SHORT-1", "category": "disabled"})
    for job_id in jobs[:3]:
        b.post(f"{full.headers['location']}/pushes", {"job_id": job_id})
    page = b.get("/console/university/coverage").text
    assert "SHORT-1" in page and "FULL-1" not in page
    csv = b.get("/console/university/coverage?format=csv")
    assert csv.content.startswith(b"\xef\xbb\xbf") and b"SHORT-1" in csv.content and b"FULL-1" not in csv.content
    home = b.get("/console/university").text
    assert '<progress id="p-cov" max="2" value="1">' in home


def test_another_universitys_case_and_visit_are_404(make_staff: Any, browser_for: Any, client: TestClient) -> None:
    owner = make_staff("university")
    intruder = make_staff("university")
    b = browser_for(owner)
    case_url = b.post("/console/university/cases", {"student_ref": "MINE-1", "category": "other"}).headers["location"]
    b.post("/console/university/visits", {**VISIT, "visited_at": _now_local()})
    visit_id = client.get("/api/v1/visits", headers=auth(owner.api_key)).json()["items"][0]["id"]
    other = browser_for(intruder)
    for path in (case_url, f"/console/university/visits/{visit_id}"):
        resp = other.get(path)
        assert resp.status_code == 404 and "MINE-1" not in resp.text
    assert other.post(f"{case_url}/pushes", {"job_id": "x"}).status_code == 404
    assert other.post(f"/console/university/visits/{visit_id}/delete").status_code == 404
    assert client.get(f"/api/v1/visits/{visit_id}", headers=auth(owner.api_key)).status_code == 200


def test_exports_of_visits_and_cases_as_csv_with_bom_and_xlsx(make_staff: Any, browser_for: Any) -> None:
    b = browser_for(make_staff("university"))
    b.post("/console/university/visits", {**VISIT, "visited_at": _now_local()})
    b.post("/console/university/cases", {"student_ref": "EXP-1", "category": "other"})
    csv = b.get("/console/university/visits?format=csv")
    assert csv.headers["content-type"].startswith("text/csv") and csv.content.startswith(b"\xef\xbb\xbf")
    assert "深圳市某某科技有限公司" in csv.content.decode("utf-8-sig")
    xlsx = b.get("/console/university/cases?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "student_ref" and rows[1][0] == "EXP-1"


def test_fairs_are_created_and_cancelled(make_staff: Any, browser_for: Any, client: TestClient,
                                         make_partner: Any) -> None:
    jobs = _jobs(client, make_partner, 2)
    person = make_staff("university")
    b = browser_for(person)
    made = b.post("/console/university/fairs", {
        "title": "2026届春季双选会", "kind": "campus", "mode": "offline", "region_code": "440305", "venue": "体育馆",
        "starts_at": _now_local(days=2), "ends_at": _now_local(days=2)[:-5] + "23:00", "job_ids": "\n".join(jobs)})
    assert made.status_code == 303, made.text
    fairs = client.get("/api/v1/fairs").json()["items"]
    assert fairs[0]["title"] == "2026届春季双选会" and fairs[0]["job_ids"] == jobs
    bad = b.post("/console/university/fairs", {"title": "x", "kind": "campus", "mode": "offline",
                                               "region_code": "440305", "starts_at": _now_local(days=2),
                                               "ends_at": _now_local(days=1)})
    assert bad.status_code == 422 and "ends_at" in bad.text
    assert b.post(f"/console/university/fairs/{fairs[0]['id']}/cancel").status_code == 303
    assert client.get(f"/api/v1/fairs/{fairs[0]['id']}").json()["status"] == "cancelled"


def test_a_fair_is_corrected_in_its_form_and_another_universitys_fair_is_404(
        make_staff: Any, browser_for: Any, client: TestClient, make_partner: Any) -> None:
    jobs = _jobs(client, make_partner, 3)
    person = make_staff("university")
    b = browser_for(person)
    b.post("/console/university/fairs", {
        "title": "春季双选会", "kind": "campus", "mode": "offline", "region_code": "440305", "venue": "体育馆",
        "starts_at": _now_local(days=2), "ends_at": _now_local(days=2)[:-5] + "23:00", "job_ids": jobs[0]})
    fair_id = client.get("/api/v1/fairs").json()["items"][0]["id"]
    form = b.get(f"/console/university/fairs/{fair_id}")
    assert form.status_code == 200 and 'value="春季双选会"' in form.text and jobs[0] in form.text
    moved = _now_local(days=5)
    changed = b.post(f"/console/university/fairs/{fair_id}", {
        "title": "春季双选会（改期）", "kind": "campus", "mode": "hybrid", "region_code": "440305", "venue": "",
        "address": "深圳市南山区学苑大道1088号", "starts_at": moved, "ends_at": moved[:-5] + "22:00",
        "job_ids": "\n".join(jobs[1:]), "description": "改到下周举行"})
    assert changed.status_code == 303, changed.text
    doc = client.get(f"/api/v1/fairs/{fair_id}").json()
    assert doc["title"] == "春季双选会（改期）" and doc["mode"] == "hybrid" and doc["venue"] is None
    assert doc["job_ids"] == jobs[1:] and doc["address"] == "深圳市南山区学苑大道1088号"
    assert datetime.fromisoformat(doc["starts_at"]).astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M") == moved
    wrong = b.post(f"/console/university/fairs/{fair_id}", {"starts_at": moved, "ends_at": _now_local(days=1)})
    assert wrong.status_code == 422 and "ends_at" in wrong.text
    assert client.get(f"/api/v1/fairs/{fair_id}").json()["title"] == "春季双选会（改期）"  # nothing half-written
    other = browser_for(make_staff("university"))
    assert other.get(f"/console/university/fairs/{fair_id}").status_code == 404
    assert other.post(f"/console/university/fairs/{fair_id}", {"title": "x"}).status_code == 404
    viewer = browser_for(make_staff("university", role="viewer", partner=(person.partner_id, person.api_key)))
    assert viewer.post(f"/console/university/fairs/{fair_id}", {"title": "x"}).status_code == 403


def test_a_manager_erases_a_case_file_and_the_audit_log_keeps_the_erasure(
        make_staff: Any, browser_for: Any, client: TestClient, db: Any) -> None:
    manager = make_staff("university", role="manager")
    b = browser_for(manager)
    case_url = b.post("/console/university/cases", {"student_ref": "ERASE-1", "category": "other"}).headers["location"]
    case_id = case_url.rsplit("/", 1)[1]
    assert "删除这份帮扶档案" in b.get(case_url).text
    editor = browser_for(make_staff("university", role="editor", partner=(manager.partner_id, manager.api_key)))
    assert "删除这份帮扶档案" not in editor.get(case_url).text
    assert editor.post(f"{case_url}/erase").status_code == 403
    assert browser_for(make_staff("university")).post(f"{case_url}/erase").status_code == 404
    assert client.get(f"/api/v1/cases/{case_id}", headers=auth(manager.api_key)).status_code == 200
    assert b.post(f"{case_url}/erase").status_code == 303
    assert client.get(f"/api/v1/cases/{case_id}", headers=auth(manager.api_key)).status_code == 404
    assert "ERASE-1" not in b.get("/console/university/cases").text
    with db.read() as s:
        entries = s.query(CaseAudit).filter(CaseAudit.case_id == case_id, CaseAudit.action == "erase").all()
    assert [e.actor_user_id for e in entries] == [manager.user_id]


def test_the_home_page_shows_progress_coverage_and_link_up(make_staff: Any, browser_for: Any) -> None:
    page = browser_for(make_staff("university")).get("/console/university")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store" and "content-security-policy" in page.headers
    assert "尚未建立链接" in page.text and 'id="p-visits"' in page.text


def test_other_roles_cannot_open_the_university_pages(make_staff: Any, browser_for: Any) -> None:
    for kind in ("provincial_platform", "national"):
        b = browser_for(make_staff(kind))
        assert b.get("/console/university/cases").status_code == 403
        assert b.post("/console/university/cases", {"student_ref": "X", "category": "other"}).status_code == 403
