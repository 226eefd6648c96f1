"""Data migrations of dedup state, both ways, on the test's own database."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from app.dedup.signature import block_hash, blocks, from_stored
from app.migrate import downgrade, upgrade
from app.models import JobBlock, JobBlockNew, JobSignature
from tests.conftest import auth, make_posting


def _filed(db: Any) -> tuple[dict[str, list[int]], dict[str, set[int]], dict[str, Any]]:
    """Per open job: the blocks its signature row lists, its rows in job_blocks (and job_blocks_new),
    and the row itself."""
    with db.read() as s:
        sigs = {r.job_id: r for r in s.scalars(select(JobSignature).where(JobSignature.status == "open"))}
        rows: dict[str, set[int]] = {}
        filed = select(JobBlock.block, JobBlock.job_id)
        if inspect(s.get_bind()).has_table("job_blocks_new"):  # rows waiting for a merge (SQLite)
            filed = filed.union_all(select(JobBlockNew.block, JobBlockNew.job_id))
        for block, job_id in s.execute(filed):
            rows.setdefault(job_id, set()).add(block)
    return {j: list(r.blocks) for j, r in sigs.items()}, rows, sigs


def test_0008_refiles_coded_and_hidden_employer_jobs_and_steps_back(
        client: TestClient, make_partner: Any, db: Any, db_url: str) -> None:
    _, key = make_partner("recruiter")
    postings = [make_posting("H1", title="嵌入式软件工程师", employer={"name": "某知名科技公司"}),
                make_posting("C1", title="嵌入式软件工程师(J10093)", employer={"name": "深圳通业科技股份有限公司"},
                             locations=[{"region_code": "440100"}]),
                make_posting("P1", title="会计", employer={"name": "深圳市骏龙电子有限公司"})]
    assert client.post("/api/v1/postings/batch", json={"postings": postings}, headers=auth(key)).status_code == 200
    listed, rows, sigs = _filed(db)
    assert len(sigs) == 3
    for job_id, row in sigs.items():  # today's filing: what blocks() says, in both places
        assert listed[job_id] == list(blocks(from_stored(row, None)))
        assert rows[job_id] == set(listed[job_id])
    try:
        downgrade(db_url, "0007")
        old_listed, old_rows, _ = _filed(db)
    finally:
        upgrade(db_url)
    for job_id, row in sigs.items():
        cities = [p[0] for p in row.places]
        hidden = {block_hash(f"w:{row.title_core}|{c}") for c in cities}
        old_t = {block_hash(f"t:{row.title_key}|{c}") for c in cities}
        assert old_rows[job_id] == set(old_listed[job_id])
        assert not hidden & old_rows[job_id]
        assert old_t <= old_rows[job_id]  # 0007 filed titles with their codes
        changed = row.weak or row.codes
        assert (old_rows[job_id] != rows[job_id]) == bool(changed), row.title_key
    assert _filed(db)[:2] == (listed, rows)  # and back up again: exactly today's filing
