"""app.bulk stores exactly what SQLAlchemy's own INSERT/UPDATE would, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text

from app.bulk import insert_rows, update_rows
from app.db import Database
from app.models import Employer, Job, JobDocument, JobSignature

JOBS = Job.__table__
SIGS = JobSignature.__table__
DOCS = JobDocument.__table__
T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def _employer(db: Database) -> str:
    with db.write() as s:
        s.add(Employer(id="e" * 32, identity_key="name:x", name="某某科技有限公司"))
    return "e" * 32


def _job(job_id: str, employer_id: str, **over: Any) -> dict[str, Any]:
    row = {"id": job_id, "status": "open", "employer_id": employer_id, "canonical_posting_id": None,
           "title": "Java工程师", "description": None, "job_type": "full_time", "education": None,
           "industry": None, "employer_type": None, "salary": None, "salary_min": 8000, "salary_max": None,
           "salary_period": "month", "salary_month_min": 8000, "salary_month_max": None, "headcount": 3,
           "posted_at": T0, "valid_through": None,
           "apply_url": "https://example.com/j?a=1&b='x'", "version": 1,
           "locations": [{"region_code": "440305", "city": "深圳市", "district": None}],
           "majors": [], "tags": ["五险一金", "双休"], "field_sources": {"title": "p1"},
           "first_seen_at": T0, "updated_at": T0 + timedelta(hours=8)}
    row.update(over)
    return row


def _raw(db: Database, table: str, key: str, value: str) -> dict[str, Any]:
    """The stored row as the driver returns it (no SQLAlchemy type processing)."""
    with db.read() as s:
        return dict(s.execute(text(f"SELECT * FROM {table} WHERE {key} = :v"), {"v": value}).mappings().one())


def test_insert_rows_stores_what_sqlalchemy_stores(db: Database) -> None:
    emp = _employer(db)
    ours = _job("a" * 32, emp, salary={"min": 8000, "max": None, "period": "month", "text": "8千"},
                description="岗位职责：\n1. 开发\t\"引号\" \\ 反斜杠")
    bare = _job("c" * 32, emp)  # JSON None, empty lists
    with db.write() as s:
        insert_rows(s, JOBS, [ours, bare])
        s.execute(JOBS.insert(), [{**ours, "id": "b" * 32}, {**bare, "id": "d" * 32}])
    for mine, sqla in (("a", "b"), ("c", "d")):
        a, b = _raw(db, "jobs", "id", mine * 32), _raw(db, "jobs", "id", sqla * 32)
        assert {k: v for k, v in a.items() if k != "id"} == {k: v for k, v in b.items() if k != "id"}
    with db.read() as s:
        job = s.get(Job, "a" * 32)
        assert job is not None and job.posted_at == T0 and job.salary == ours["salary"]
        assert job.description == ours["description"] and job.tags == ["五险一金", "双休"]


def test_binary_and_json_lists(db: Database) -> None:
    body = '{"title": "销售代表", "x": "\\u0000 ok"}'.encode()
    with db.write() as s:
        insert_rows(s, DOCS, [{"job_id": "c" * 32, "version": 2, "status": "open", "scope": " r:44 ",
                               "body": body, "updated_at": T0}])
        insert_rows(s, SIGS, [{"job_id": "d" * 32, "posting_id": None, "status": "open", "employer_id": "e",
                               "name_key": "某某", "credit_code": None, "weak": True, "title_key": "java",
                               "title_core": "java", "seniority": "", "codes": "", "job_type": None,
                               "education": None, "salary_min": None, "salary_max": None,
                               "places": [["440300", None]], "posted_at": None,
                               "blocks": [2 ** 62, -5], "members": "ab", "updated_at": T0}])
    with db.read() as s:
        doc = s.execute(select(DOCS.c.body, DOCS.c.version)).one()
        sig = s.execute(select(SIGS.c.blocks, SIGS.c.places, SIGS.c.weak)).one()
    assert bytes(doc.body) == body and doc.version == 2
    assert sig.blocks == [2 ** 62, -5] and sig.places == [["440300", None]] and sig.weak is True


def test_conflicts_skip_or_update_and_updates_by_key(db: Database) -> None:
    emp = _employer(db)
    with db.write() as s:
        insert_rows(s, JOBS, [_job("a" * 32, emp), _job("b" * 32, emp)])
        # A clash is skipped, a new row goes in.
        insert_rows(s, JOBS, [_job("a" * 32, emp, title="另一个"), _job("c" * 32, emp)], conflict=["id"])
        # A clash overwrites the named columns only.
        insert_rows(s, JOBS, [_job("b" * 32, emp, title="新标题", headcount=9)], conflict=["id"],
                    update=["title"])
        update_rows(s, JOBS, "id", [{"id": "c" * 32, "status": "closed", "version": 2},
                                    {"id": "a" * 32, "salary": {"min": 1}}])
    with db.read() as s:
        rows = {r.id: r for r in s.execute(select(JOBS))}
    assert rows["a" * 32].title == "Java工程师" and rows["a" * 32].salary == {"min": 1}
    assert rows["b" * 32].title == "新标题" and rows["b" * 32].headcount == 3
    assert rows["c" * 32].status == "closed" and rows["c" * 32].version == 2
    assert rows["c" * 32].updated_at == T0 + timedelta(hours=8)
