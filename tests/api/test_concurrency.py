"""Concurrent writers: one posting per key, no 5xx, no deadlock, no 'database is locked'."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import IS_PG, auth, make_posting


@pytest.mark.skipif(not IS_PG, reason="the 50-way race is a PostgreSQL test (SQLite serialises writers)")
def test_fifty_concurrent_pushes_of_one_posting_store_exactly_one(live_server: Any, partner: tuple[str, str], db: Any) -> None:
    _, key = partner

    def push(i: int) -> int:
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            if i % 2:
                return c.put("/api/v1/postings/RACE", json=make_posting("RACE"), headers=auth(key)).status_code
            return c.post("/api/v1/postings/batch", json={"postings": [make_posting("RACE")]}, headers=auth(key)).status_code

    with ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(push, range(50)))
    assert all(c in (200, 201) for c in codes), codes
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM postings")).scalar() == 1
        assert s.execute(text("SELECT count(*) FROM jobs")).scalar() == 1


def test_overlapping_batches_in_different_orders_do_not_deadlock(live_server: Any, partner: tuple[str, str], db: Any) -> None:
    _, key = partner
    ids = [f"O{i:03d}" for i in range(60)]

    def push(seed: int) -> list[str]:
        order = ids[:]
        random.Random(seed).shuffle(order)
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            resp = c.post("/api/v1/postings/batch", json={"postings": [make_posting(x, headcount=seed) for x in order]},
                          headers=auth(key))
            assert resp.status_code == 200, resp.text
            return [r["status"] for r in resp.json()["results"]]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(push, range(8)))
    assert all(s in ("created", "updated") for r in results for s in r)
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM postings")).scalar() == 60


def test_eight_concurrent_writers_get_no_database_errors(live_server: Any, make_partner: Any, db: Any) -> None:
    keys = [make_partner("university")[1] for _ in range(8)]

    def writer(i: int) -> list[int]:
        codes = []
        with httpx.Client(base_url=live_server.url, timeout=120) as c:
            for round_ in range(5):
                batch = [make_posting(f"W{i}-{round_}-{n}") for n in range(40)]
                resp = c.post("/api/v1/postings/batch", json={"postings": batch}, headers=auth(keys[i]))
                codes.append(resp.status_code)
                assert "locked" not in resp.text
        return codes

    with ThreadPoolExecutor(8) as pool:
        codes = [c for cs in pool.map(writer, range(8)) for c in cs]
    assert codes == [200] * 40
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM postings")).scalar() == 8 * 5 * 40


@pytest.mark.skipif(not IS_PG, reason="PostgreSQL's planner")
def test_finding_a_batchs_stored_postings_probes_the_index_without_statistics(client: Any, partner: tuple[str, str],
                                                                            db: Any) -> None:
    """With no statistics yet (a bulk load's first minute), ``partner_id = :p AND external_id =
    ANY(:ids)`` read every one of the partner's postings per batch; the lookup probes the index."""
    from app.ingest.pg import _PG_LOCK_EXISTING
    from app.ingest.store import lock_existing

    partner_id, key = partner
    assert client.post("/api/v1/postings/batch", json={"postings": [make_posting("SEED")]},
                       headers=auth(key)).status_code == 200
    with db.write() as s:
        s.execute(text(
            "INSERT INTO postings (id, partner_id, external_id, employer_id, status, title, content_hash, data, raw, "
            "first_seen_at, last_seen_at, updated_at) SELECT lpad(i::text, 32, '0'), p.partner_id, 'X' || i, "
            "p.employer_id, 'active', p.title, p.content_hash, p.data, p.raw, now(), now(), now() "
            "FROM postings p, generate_series(1, 30000) AS i WHERE p.external_id = 'SEED'"))
    with db.write() as s:
        s.execute(text("DELETE FROM pg_statistic WHERE starelid = 'postings'::regclass"))
    with db.write() as s:
        ids = [f"X{i}" for i in range(1, 501)]
        plan = "\n".join(s.execute(text("EXPLAIN " + str(_PG_LOCK_EXISTING)), {"ids": ids, "partner": partner_id})
                         .scalars())
        assert "Index Scan using uq_postings_partner_id_external_id" in plan and "Seq Scan" not in plan \
            and "Bitmap" not in plan, plan
        found = lock_existing(s, partner_id, ["X2", "X1", "NOPE", "SEED"])
    assert sorted(found) == ["SEED", "X1", "X2"]
