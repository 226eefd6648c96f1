"""Migration 0014 both ways, with data: own visit targets become university-level rules and back,
cases regain their copied region keys, existing cases get a graduation year."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.migrate import alembic_config, downgrade, upgrade
from tests.conftest import auth


def _previous() -> str:
    rev = ScriptDirectory.from_config(alembic_config()).get_revision("0014")
    assert rev is not None and isinstance(rev.down_revision, str)
    return rev.down_revision


def test_0014_steps_back_and_up_again_keeping_targets_and_cases(client: Any, make_partner: Any, db: Any,
                                                                db_url: str) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    assert client.put("/api/v1/visits/target", json={"target": 150}, headers=auth(uni)).status_code == 200
    case = client.post("/api/v1/cases", json={"student_ref": "M-1", "category": "disabled", "plan": {"text": "计划"}},
                       headers=auth(uni)).json()
    body = {"employer_name": "甲公司", "visited_at": datetime.now(UTC).isoformat(), "leader_name": "王校长",
            "region_code": "440305", "new_employer": True}
    assert client.post("/api/v1/visits", json=body, headers=auth(uni)).status_code == 201
    db.dispose()
    try:
        downgrade(db_url, _previous())
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT partner_id, target FROM visit_targets")).all() == [(uni_id, 150)]
            assert conn.execute(text("SELECT region_keys FROM cases")).scalar_one() == " 440300 440000 "
            assert conn.execute(text("SELECT count(*) FROM visits")).scalar_one() == 1
    finally:
        db.dispose()
        upgrade(db_url)
    db.dispose()
    progress = client.get("/api/v1/visits/progress", headers=auth(uni)).json()
    assert (progress["target"], progress["target_source"], progress["employers_visited"]) == (150, "university", 1)
    assert progress["new_employers"] == 0  # the flag did not survive the step back; the visit did
    again = client.get(f"/api/v1/cases/{case['id']}", headers=auth(uni)).json()
    opened = datetime.fromisoformat(case["created_at"]).astimezone(timezone(timedelta(hours=8)))
    assert again["graduation_year"] == opened.year  # from the Beijing year the case was opened
    assert again["plan"] == {"text": None, "goals": []}


def test_0014_steps_back_and_up_with_referenced_employers_and_cases(client: Any, make_partner: Any,
                                                                     post_jobs: Any, db: Any, db_url: str) -> None:
    """Employers (referenced by jobs and postings) and cases (by pushes and records) change in place:
    a copy-and-swap of either would break their references (SQLite checks them at the swap)."""
    from tests.campaign.helpers import job

    _, uni = make_partner("university", region_code="440300")
    ids = post_jobs(job("A", "会计", "440305", "甲公司"))
    case = client.post("/api/v1/cases", json={"student_ref": "M-2", "category": "other"}, headers=auth(uni)).json()
    client.post(f"/api/v1/cases/{case['id']}/pushes", json={"job_ids": [ids["A"]]}, headers=auth(uni))
    client.post(f"/api/v1/cases/{case['id']}/records", json={"kind": "guidance", "occurred_on": "2026-01-05"},
                headers=auth(uni))
    db.dispose()
    try:
        downgrade(db_url, _previous())
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM case_pushes")).scalar_one() == 1
    finally:
        db.dispose()
        upgrade(db_url)
    db.dispose()
    again = client.get(f"/api/v1/cases/{case['id']}", headers=auth(uni)).json()
    assert (again["pushes"], again["records"]) == (1, 0)  # records are 0014's own table
