"""Case files, one person one plan: the plan, dated assistance records, the new categories, free text
without personal data, erasure (by the university and after the retention time) and the audit log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from app.housekeeping import sweep_once
from app.models import Case, CaseAudit, CasePush, CaseRecord, IdempotencyKey
from app.services.case_erasure import erase_expired, last_year_due
from tests.campaign.helpers import job
from tests.conftest import auth

BEIJING = timezone(timedelta(hours=8))


def today() -> date:
    return datetime.now(BEIJING).date()


def case_body(ref: str = "S-1", **overrides: Any) -> dict[str, Any]:
    body = {"student_ref": ref, "category": "hvc_expansion", "education": "associate", "major": "机电一体化",
            "region_codes": ["440000"], "plan": {"text": "每周一次一对一指导", "goals": ["完成简历", "三次面试"]}}
    return {**body, **overrides}


def test_a_case_holds_a_plan_and_dated_assistance_records(client: Any, partner: Any, post_jobs: Any) -> None:
    key = auth(partner[1])
    ids = post_jobs(job("A", "机电技术员", "440305", "甲制造"))
    created = client.post("/api/v1/cases", json=case_body(), headers=key)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["plan"] == {"text": "每周一次一对一指导", "goals": ["完成简历", "三次面试"]}
    assert (case["category"], case["graduation_year"], case["records"]) == ("hvc_expansion", today().year, 0)
    url = f"/api/v1/cases/{case['id']}"
    steps = [{"kind": "training", "occurred_on": (today() - timedelta(days=5)).isoformat(), "program": "宏志助航计划",
              "note": "完成求职能力培训"},
             {"kind": "interview", "occurred_on": (today() - timedelta(days=1)).isoformat(), "job_id": ids["A"]},
             {"kind": "outcome", "occurred_on": today().isoformat(), "result": "employed", "note": "签约"}]
    for step in steps:
        resp = client.post(f"{url}/records", json=step, headers=key)
        assert resp.status_code == 201, resp.text
    records = client.get(f"{url}/records", headers=key).json()["items"]
    assert [r["kind"] for r in records] == ["training", "interview", "outcome"]
    assert records[0]["program"] == "宏志助航计划" and records[1]["job_id"] == ids["A"]
    assert client.get(url, headers=key).json()["records"] == 3

    for bad, field in (({"kind": "training", "occurred_on": (today() + timedelta(days=1)).isoformat()}, "occurred_on"),
                       ({"kind": "guidance", "occurred_on": today().isoformat(), "result": "employed"}, "result"),
                       ({"kind": "interview", "occurred_on": today().isoformat(), "job_id": "nope"}, "job_id[0]"),
                       ({"kind": "dinner", "occurred_on": today().isoformat()}, "kind")):
        resp = client.post(f"{url}/records", json=bad, headers=key)
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == field, (bad, resp.text)
    plan = client.patch(url, json={"plan": {"goals": ["参加宏志助航"]}, "category": "training_participant"}, headers=key)
    assert plan.json()["plan"] == {"text": None, "goals": ["参加宏志助航"]}
    assert plan.json()["category"] == "training_participant"


def test_free_text_refuses_id_numbers_mobiles_and_emails(client: Any, partner: Any) -> None:
    key = auth(partner[1])
    for body, field in ((case_body(major="联系13800138000"), "major"),
                        (case_body(plan={"text": "身份证44030519990101123X"}), "plan.text"),
                        (case_body(plan={"goals": ["ok", "写信给 zhang.san@example.com"]}), "plan.goals[1]"),
                        (case_body(plan={"text": "电话 138-0013-8000"}), "plan.text")):
        resp = client.post("/api/v1/cases", json=body, headers=key)
        assert resp.status_code == 422, body
        assert [e["field"] for e in resp.json()["errors"]] == [field]
        assert "13800138000" not in resp.text and "zhang.san" not in resp.text
    case = client.post("/api/v1/cases", json=case_body(), headers=key).json()
    resp = client.post(f"/api/v1/cases/{case['id']}/records", json={
        "kind": "guidance", "occurred_on": today().isoformat(), "note": "家长手机+86 13912345678"}, headers=key)
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "note"
    assert client.get(f"/api/v1/cases/{case['id']}/records", headers=key).json()["items"] == []


def test_erasing_a_case_destroys_it_and_keeps_an_audit_entry(client: Any, partner: Any, post_jobs: Any,
                                                            db: Any) -> None:
    key = auth(partner[1])
    ids = post_jobs(job("A", "会计", "440305", "甲公司"))
    case = client.post("/api/v1/cases", json=case_body("ERASE-ME"), headers={**key, "Idempotency-Key": "c-1"}).json()
    url = f"/api/v1/cases/{case['id']}"
    client.post(f"{url}/pushes", json={"job_ids": [ids["A"]]}, headers=key)
    client.post(f"{url}/records", json={"kind": "guidance", "occurred_on": today().isoformat()}, headers=key)
    assert client.delete(url, headers=key).status_code == 204
    assert client.get(url, headers=key).status_code == 404
    assert client.delete(url, headers=key).status_code == 404
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(CasePush)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(CaseRecord)).scalar_one() == 0
        # The replay of the idempotent create held the case's fields: gone too.
        assert s.execute(select(func.count()).select_from(IdempotencyKey)).scalar_one() == 0
    entries = client.get("/api/v1/cases/audit", params={"case_id": case["id"]}, headers=key).json()["items"]
    assert entries[0]["action"] == "erase" and entries[0]["detail"]["pushes"] == 1
    assert "ERASE-ME" not in str(entries)
    # The same ref can be opened again: nothing of the old case is left.
    assert client.post("/api/v1/cases", json=case_body("ERASE-ME"), headers=key).status_code == 201


def test_every_read_and_write_is_audited_for_the_owning_university(client: Any, make_partner: Any,
                                                                   post_jobs: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    key = auth(uni)
    ids = post_jobs(job("A", "会计", "440305", "甲公司"))
    case = client.post("/api/v1/cases", json=case_body(), headers=key).json()
    url = f"/api/v1/cases/{case['id']}"
    client.get(url, headers=key)
    client.get("/api/v1/cases", headers=key)
    client.patch(url, json={"status": "placed"}, headers=key)
    client.post(f"{url}/pushes", json={"job_ids": [ids["A"]]}, headers=key)
    client.get(f"{url}/pushes", headers=key)
    client.get(f"{url}/recommendations", headers=key)
    client.post(f"{url}/records", json={"kind": "guidance", "occurred_on": today().isoformat()}, headers=key)
    client.get("/api/v1/cases/coverage", headers=key)
    entries = client.get("/api/v1/cases/audit", params={"limit": 200}, headers=key).json()["items"]
    actions = [e["action"] for e in reversed(entries)]
    assert actions == ["create", "read", "list", "update", "push", "read", "recommend", "record", "coverage"]
    me = client.get("/api/v1/me", headers=key).json()
    assert all(e["actor_partner_id"] == me["id"] == uni_id and e["actor_key_id"] and e["actor_kind"] == "partner"
               for e in entries)
    assert entries[-1]["detail"] == {"fields": ["category", "education", "major", "plan", "region_codes",
                                                "status", "student_ref"]}  # field names, never values
    assert entries[-4]["detail"] == {"fields": ["status"]}
    assert "每周一次" not in str(entries) and "S-1" not in str(entries)
    page = client.get("/api/v1/cases/audit", params={"limit": 4}, headers=key).json()
    rest = client.get("/api/v1/cases/audit", params={"limit": 200, "cursor": page["next_cursor"]}, headers=key).json()
    assert [e["id"] for e in page["items"] + rest["items"]] == [e["id"] for e in entries]
    _, other = make_partner("university", region_code="440100")
    assert client.get("/api/v1/cases/audit", headers=auth(other)).json()["items"] == []


def test_cases_are_erased_after_the_retention_time(client: Any, partner: Any, db: Any, settings: Any) -> None:
    key = auth(partner[1])
    old = client.post("/api/v1/cases", json=case_body("OLD", graduation_year=2020), headers=key).json()
    new = client.post("/api/v1/cases", json=case_body("NEW"), headers=key).json()
    assert last_year_due(datetime(2027, 1, 1, 0, 0, tzinfo=BEIJING), 365) == 2025
    assert last_year_due(datetime(2026, 12, 31, 23, 0, tzinfo=BEIJING), 365) == 2024
    with db.write() as s:
        assert erase_expired(s, 0, datetime.now(UTC)) == 0  # 0: never
    assert sweep_once(db, settings)["cases_erased"] == 1
    assert client.get(f"/api/v1/cases/{old['id']}", headers=key).status_code == 404
    assert client.get(f"/api/v1/cases/{new['id']}", headers=key).status_code == 200
    with db.read() as s:
        auto = s.execute(select(CaseAudit).where(CaseAudit.action == "auto_erase")).scalar_one()
    assert (auto.case_id, auto.actor_kind, auto.actor_partner_id, auto.detail["graduation_year"]) == \
        (old["id"], "system", None, 2020)
    assert sweep_once(db, settings)["cases_erased"] == 0
