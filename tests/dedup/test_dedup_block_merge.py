"""SQLite stages new block rows in job_blocks_new and merges them into job_blocks in bulk;
dedup sees both, before and after a merge, and a job's blocks leave whichever table holds them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.dedup import sqlite as staged
from app.housekeeping import merge_blocks
from app.models import JobBlock, JobBlockNew, JobSignature
from tests.conftest import IS_PG, auth, make_posting, push

pytestmark = pytest.mark.skipif(IS_PG, reason="PostgreSQL files straight into job_blocks")


def _counts(db: Any) -> tuple[int, int]:
    with db.read() as s:
        return (s.execute(select(func.count()).select_from(JobBlock)).scalar_one(),
                s.execute(select(func.count()).select_from(JobBlockNew)).scalar_one())


def _filed(db: Any, job_id: str) -> set[int]:
    with db.read() as s:
        return set(s.execute(select(JobBlock.block).where(JobBlock.job_id == job_id)).scalars()) | \
            set(s.execute(select(JobBlockNew.block).where(JobBlockNew.job_id == job_id)).scalars())


def _listed(db: Any, job_id: str) -> set[int]:
    with db.read() as s:
        return set(s.execute(select(JobSignature.blocks).where(JobSignature.job_id == job_id)).scalar_one())


def test_new_blocks_wait_then_merge_and_twins_meet_on_both_sides(client: TestClient, make_partner: Any,
                                                                  db: Any) -> None:
    _, uni = make_partner("university")
    _, agency = make_partner("recruiter")
    first = push(client, uni, make_posting("U1"), make_posting("U2", title="会计", locations=[{"region_code": "440100"}]))
    merged, waiting = _counts(db)
    assert merged == 0 and waiting == len(_listed(db, first[0]["job_id"])) + len(_listed(db, first[1]["job_id"]))
    # A twin finds its job while the blocks wait ...
    assert push(client, agency, make_posting("A1"))[0]["job_id"] == first[0]["job_id"]
    assert merge_blocks(db) == 0  # fewer than MERGE_AT wait: left for later
    with db.write() as s:
        moved = staged.merge_new_blocks(s)
    assert moved == waiting and _counts(db) == (waiting, 0)
    # ... and after they moved.
    assert push(client, agency, make_posting("A2", title="会计", locations=[{"region_code": "440100"}]))[0][
        "job_id"] == first[1]["job_id"]
    for r in first:
        assert _filed(db, r["job_id"]) == _listed(db, r["job_id"])


def test_a_job_refiled_or_closed_leaves_both_tables(client: TestClient, make_partner: Any, db: Any) -> None:
    _, uni = make_partner("university")
    job = push(client, uni, make_posting("U1"))[0]["job_id"]
    with db.write() as s:
        staged.merge_new_blocks(s)
    before = _filed(db, job)
    # Another city: the job is filed elsewhere (old rows merged, new rows waiting).
    assert push(client, uni, make_posting("U1", locations=[{"region_code": "440100"}]))[0]["job_id"] == job
    after = _filed(db, job)
    assert after == _listed(db, job) and after != before
    assert client.delete("/api/v1/postings/U1", headers=auth(uni)).status_code == 204
    assert _filed(db, job) == set() and _listed(db, job) == set()


def test_a_writer_merges_itself_past_the_backstop(client: TestClient, make_partner: Any, db: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staged, "MERGE_BACKSTOP", 3)
    _, uni = make_partner("university")
    results = push(client, uni, *[make_posting(f"U{i}", title=f"岗位{i}号") for i in range(4)])
    merged, waiting = _counts(db)
    assert waiting == 0 and merged == sum(len(_listed(db, r["job_id"])) for r in results)


def test_the_merger_moves_rows_once_enough_wait(client: TestClient, make_partner: Any, db: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import app.housekeeping.sqlite as housekeeping

    monkeypatch.setattr(housekeeping, "MERGE_AT", 2)
    _, uni = make_partner("university")
    push(client, uni, make_posting("U1"), make_posting("U2", title="会计"))
    waiting = _counts(db)[1]
    assert waiting >= 2 and merge_blocks(db) == waiting and _counts(db) == (waiting, 0)
