"""Two partners pushing the same vacancy at the same moment end in one job (PostgreSQL, where
writers really run at once)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import IS_PG, auth, make_posting


@pytest.mark.skipif(not IS_PG, reason="SQLite runs one writer at a time; the race needs PostgreSQL")
@pytest.mark.parametrize("hidden", [False, True], ids=["named", "half-hidden"])
def test_partners_pushing_one_vacancy_at_once_end_in_one_job(live_server: Any, make_partner: Any, db: Any,
                                                             hidden: bool) -> None:
    """``half-hidden``: the agencies hide the employer's name ("某知名企业"), the others name it."""
    kinds = ("university", "recruiter", "provincial_platform", "recruiter")
    keys = [make_partner(kind)[1] for kind in kinds] * 2
    rounds = 5
    for r in range(rounds):
        start = threading.Barrier(len(keys))
        vacancy = f"算法工程师{r}号岗"

        def push(i: int, r: int = r, vacancy: str = vacancy, start: threading.Barrier = start) -> int:
            posting = make_posting(f"R{r}-{i}", title=vacancy)
            if hidden and kinds[i % len(kinds)] == "recruiter":
                posting["employer"] = {"name": "某知名企业"}
            body = {"postings": [posting]}
            with httpx.Client(base_url=live_server.url, timeout=60) as c:
                start.wait()
                return c.post("/api/v1/postings/batch", json=body, headers=auth(keys[i])).status_code

        with ThreadPoolExecutor(len(keys)) as pool:
            assert list(pool.map(push, range(len(keys)))) == [200] * len(keys)
    with db.read() as s:
        per_job = s.execute(text("SELECT job_id, count(*) FROM postings GROUP BY job_id")).all()
        assert sorted(n for _, n in per_job) == [len(keys)] * rounds
        assert s.execute(text("SELECT count(*) FROM jobs WHERE status = 'open'")).scalar() == rounds
