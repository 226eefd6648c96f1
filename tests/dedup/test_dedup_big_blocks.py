"""An employer with hundreds of open jobs under one title in one city (a chain's 销售代表 at every
pay grade): each newcomer is compared with a bounded number of them, and still finds its twin."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.dedup.features import THRESHOLD, max_score_with_salary
from app.dedup.queries import MAX_PER_BLOCK, fetch_candidates, load_signatures
from tests.conftest import IS_PG, auth, make_posting


def grade(i: int, external_id: str | None = None) -> dict[str, Any]:
    """The chain's 销售代表 at pay grade ``i`` (grades do not overlap: each is another vacancy)."""
    pay = 3000 + 100 * i
    return make_posting(external_id or f"G-{i}", title="销售代表", employer={"name": "华润万家有限公司"},
                        locations=[{"region_code": "440300"}], description=None,
                        salary={"min": pay, "max": pay + 50, "period": "month"})


def test_another_pay_bracket_can_never_reach_the_threshold() -> None:
    # What lets ruled_out() drop such candidates before the full comparison.
    assert max_score_with_salary("partial") < THRESHOLD
    assert max_score_with_salary("disjoint") < THRESHOLD
    assert max_score_with_salary("overlap") >= THRESHOLD


def test_a_huge_block_is_compared_in_bounded_work_and_twins_still_meet(client: TestClient, make_partner: Any,
                                                                        db: Any) -> None:
    _, chain = make_partner("employer")
    _, agency = make_partner("recruiter")
    n = MAX_PER_BLOCK + 50
    resp = client.post("/api/v1/postings/batch", json={"postings": [grade(i) for i in range(n)]},
                       headers=auth(chain))
    assert resp.status_code == 200
    jobs = [r["job_id"] for r in resp.json()["results"]]
    assert len(set(jobs)) == n  # every pay grade is its own vacancy
    newest = client.post("/api/v1/postings/batch", json={"postings": [grade(n - 1, "AG-1")]}, headers=auth(agency))
    assert newest.json()["results"][0]["job_id"] == jobs[-1]
    # The block the chain's jobs are filed under yields only the newest MAX_PER_BLOCK of them.
    with db.read() as session:
        sig = load_signatures(session, [jobs[-1]])[jobs[-1]]
        shared = set(sig.blocks)
        for job_id in jobs[:3]:
            shared &= set(load_signatures(session, [job_id])[job_id].blocks)
        by_block, reps = fetch_candidates(session, shared)
    assert shared and all(len(ids) == MAX_PER_BLOCK for ids in by_block.values())
    assert all(set(ids) == set(sorted(jobs)[-MAX_PER_BLOCK:]) for ids in by_block.values())  # newest ids


@pytest.mark.skipif(not IS_PG, reason="PostgreSQL's planner")
def test_block_lookup_probes_the_index_even_when_popular_blocks_skew_the_statistics(db: Any) -> None:
    """Popular blocks once made the planner read every block row per batch (``block = ANY``):
    the lookup now probes the index once per key, whatever ANALYZE found."""
    from sqlalchemy import text

    from app.dedup.pg import _PG_BLOCK_LOOKUP

    with db.write() as session:
        session.execute(text(
            "INSERT INTO job_blocks (block, job_id) SELECT CASE WHEN i % 3 = 0 THEN i % 7 ELSE i END, "
            "lpad(i::text, 26, '0') FROM generate_series(1, 60000) AS i"))
    with db.write() as session:
        session.execute(text("ANALYZE job_blocks"))
        plan = "\n".join(session.execute(text("EXPLAIN " + str(_PG_BLOCK_LOOKUP)),
                                         {"keys": list(range(1, 3001))}).scalars())
        assert "Index" in plan and "Seq Scan on job_blocks" not in plan, plan
        assert session.execute(text("SHOW jit")).scalar() == "off"
        found = session.execute(_PG_BLOCK_LOOKUP.bindparams(keys=[0, 1, 2, 4])).all()
    assert sum(1 for block, _ in found if block == 0) == MAX_PER_BLOCK  # a popular block: capped
    assert {block for block, _ in found} == {0, 1, 2, 4}
