"""Totals and facets with bounded staleness: reused for up to HUB_COUNTS_MAX_AGE_S while partners
push (the items stay fresh), exact again after; shared between processes through Redis; and the
few-matches path of PostgreSQL pages exactly as the walks do."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

import app.search.facets as fc
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.search.engine_pg import PostgresEngine
from app.search.service import _from_matches
from tests.conftest import make_posting, push

REDIS_URL = "redis://127.0.0.1:6379/6"
FACETED = {"q": "工程师", "facets": "region,education"}


@pytest.fixture(autouse=True)
def _fresh_process_cache() -> None:
    """Each test starts as a fresh process would: the in-memory counts cache is keyed by the
    database's URL, and on PostgreSQL one database (emptied between tests) serves a whole worker."""
    fc.CACHE.items.clear()


@pytest.fixture
def hub(settings: Settings, db: Database) -> Any:
    made: list[TestClient] = []

    def _make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update=overrides), db=db, background=False),
                            raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield _make
    for client in made:
        client.__exit__(None, None, None)


def _ids(answer: dict[str, Any]) -> list[str]:
    return [j["id"] for j in answer["items"]]


def test_counts_are_reused_within_the_max_age_while_results_stay_fresh(hub: Any, partner: tuple[str, str]) -> None:
    client = hub(counts_max_age_s=3600)
    push(client, partner[1], make_posting("S-1", title="软件工程师"), make_posting("S-2", title="测试工程师"))
    first = client.get("/api/v1/jobs", params=FACETED).json()
    assert first["total"] == 2 and first["counts_as_of"] is not None
    new_id = push(client, partner[1], make_posting("S-3", title="硬件工程师"))[0]["job_id"]
    second = client.get("/api/v1/jobs", params=FACETED).json()
    assert new_id in _ids(second)  # the page is read fresh
    assert second["total"] == 2 and second["counts_as_of"] == first["counts_as_of"]  # the counts are reused
    assert sum(second["facets"]["education"].values()) == 2


def test_with_no_max_age_counts_follow_every_change(hub: Any, partner: tuple[str, str]) -> None:
    client = hub(counts_max_age_s=0)
    push(client, partner[1], make_posting("S-1", title="软件工程师"))
    first = client.get("/api/v1/jobs", params=FACETED).json()
    again = client.get("/api/v1/jobs", params=FACETED).json()
    assert again == first  # nothing changed: the same counts, counted at the same time (and the same ETag)
    push(client, partner[1], make_posting("S-2", title="测试工程师"))
    after = client.get("/api/v1/jobs", params=FACETED).json()
    assert after["total"] == 2 and after["counts_as_of"] > first["counts_as_of"]


def test_the_search_page_reuses_counts_too(hub: Any, partner: tuple[str, str]) -> None:
    client = hub(counts_max_age_s=3600)
    push(client, partner[1], make_posting("S-1", title="软件工程师"))
    assert "找到 1 个职位" in client.get("/", params={"q": "工程师"}).text
    new_id = push(client, partner[1], make_posting("S-2", title="测试工程师"))[0]["job_id"]
    page = client.get("/", params={"q": "工程师"}).text
    assert f"/jobs/{new_id}" in page  # fresh results on the page ...
    assert "找到 1 个职位" in page  # ... with the count reused


@pytest.fixture
def shared_prefix() -> Iterator[str]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    prefix = f"hub22test:{uuid.uuid4().hex[:8]}:"
    yield prefix
    r = redis.Redis.from_url(REDIS_URL)
    for key in r.scan_iter(match=prefix + "*"):
        r.delete(key)


def test_processes_share_cached_counts_through_redis(hub: Any, partner: tuple[str, str], shared_prefix: str) -> None:
    one = hub(counts_max_age_s=3600, redis_url=REDIS_URL, redis_prefix=shared_prefix)
    two = hub(counts_max_age_s=3600, redis_url=REDIS_URL, redis_prefix=shared_prefix)
    push(one, partner[1], make_posting("S-1", title="软件工程师"))
    counted = one.get("/api/v1/jobs", params=FACETED).json()
    assert redis.Redis.from_url(REDIS_URL).keys(shared_prefix + "counts:*")
    push(one, partner[1], make_posting("S-2", title="测试工程师"))
    fc.CACHE.items.clear()  # the other process has nothing of its own in memory
    seen = two.get("/api/v1/jobs", params=FACETED).json()
    assert seen["counts_as_of"] == counted["counts_as_of"] and seen["total"] == 1
    assert len(seen["items"]) == 2


def test_counts_still_work_when_redis_is_gone(hub: Any, partner: tuple[str, str]) -> None:
    client = hub(counts_max_age_s=0, redis_url="redis://127.0.0.1:18229/0")  # nothing listens there
    push(client, partner[1], make_posting("S-1", title="软件工程师"))
    answer = client.get("/api/v1/jobs", params=FACETED)
    assert answer.status_code == 200 and answer.json()["total"] == 1


def test_pages_from_every_match_follow_the_walks_order_and_cursor() -> None:
    # (docid, tier): 0 the title is the query, 1 the title holds it, 2 title and employer, 3 the rest
    matches = [(10, 3), (40, 1), (30, 3), (20, 1), (50, 3), (60, 2), (15, 0)]
    assert _from_matches(matches, "relevance", None, 3) == [[0, 15], [1, 40], [1, 20]]
    assert _from_matches(matches, "relevance", [1, 20], 3) == [[2, 60], [3, 50], [3, 30]]
    assert _from_matches(matches, "relevance", [3, 30], 3) == [[3, 10]]
    assert _from_matches(matches, "newest", None, 2) == [[60], [50]]
    assert _from_matches(matches, "newest", [40], 9) == [[30], [20], [15], [10]]


QUERIES: list[dict[str, Any]] = [
    {"q": "工程师"}, {"q": "工程师", "sort": "newest"}, {"q": "会计"}, {"q": "量子计算"},
    {"q": "工程师", "region": "440000"}, {"q": "工程师", "salary_min": 9000}, {"q": "开发", "status": "any"},
]


@pytest.mark.parametrize("params", QUERIES)
def test_few_matches_in_one_statement_page_exactly_like_the_walks(client: TestClient, partner: tuple[str, str],
                                                                  monkeypatch: pytest.MonkeyPatch,
                                                                  params: dict[str, Any]) -> None:
    titles = ["软件工程师", "会计", "Java开发工程师", "测试工程师", "出纳会计", "前端开发", "硬件工程师"]
    postings = [make_posting(f"F-{i}", title=titles[i % len(titles)], description="岗位职责：工程师团队协作。" if i % 3 == 0
                             else "负责日常工作。", salary={"min": 5000 + 1000 * i, "max": 6000 + 1000 * i, "period": "month"},
                             posted_at=f"2026-0{1 + i % 9}-0{1 + i % 9}T09:00:00+08:00") for i in range(23)]
    push(client, partner[1], *postings)
    client.delete("/api/v1/postings/F-5", headers={"Authorization": f"Bearer {partner[1]}"})

    def every_page() -> tuple[list[str], int | None]:
        ids, cursor, total = [], None, None
        while True:
            answer = client.get("/api/v1/jobs", params={**params, "limit": 4, **({"cursor": cursor} if cursor else {})})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            ids += _ids(body)
            total = body["total"] if total is None else total
            cursor = body["next_cursor"]
            if not cursor:
                return ids, total

    with_few = every_page()
    monkeypatch.setattr(PostgresEngine, "few", lambda self, plan, cap: None)
    fc.CACHE.items.clear()
    without = every_page()
    assert with_few == without
    assert len(with_few[0]) == len(set(with_few[0])) == (with_few[1] or 0)
