"""Sorting and cursor paging, including paging while other writers add jobs."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tests.conftest import LiveServer, auth, make_posting
from tests.search.conftest import Push, Search, titles


def pages(search: Search, **params: Any) -> list[list[str]]:
    out, cursor = [], None
    while True:
        body = search(**params, cursor=cursor)
        out.append(titles(body))
        cursor = body["next_cursor"]
        if cursor is None:
            return out
        assert len(out) < 50


def test_newest_sorts_by_posting_date(push: Push, search: Search) -> None:
    push(*[(f"N{m}", {"title": f"岗位{m}", "posted_at": f"2026-0{m}-01T09:00:00+08:00"}) for m in (3, 1, 5, 2, 4)])
    assert titles(search(sort="newest")) == ["岗位5", "岗位4", "岗位3", "岗位2", "岗位1"]
    assert titles(search()) == ["岗位5", "岗位4", "岗位3", "岗位2", "岗位1"]  # relevance without q


SALARIES: list[tuple[str, Any]] = [
    ("S5000", {"min": 4000, "max": 5000, "period": "month"}),
    ("S8000", {"min": 6000, "max": 8000, "period": "month"}),
    ("S8500", {"min": 7000, "max": 8500, "period": "month"}),
    ("S12000", {"min": 120000, "max": 144000, "period": "year"}),
    ("S30000", {"min": 20000, "max": 30000, "period": "month"}),
    ("S0-OLD", "面议"),
    ("S0-NEW", None),
]


def test_salary_sort_is_best_paid_first_and_unsalaried_last(push: Push, search: Search) -> None:
    push(*[(name, {"title": name, "salary": sal, "posted_at": f"2026-0{i + 1}-01T09:00:00+08:00"})
           for i, (name, sal) in enumerate(SALARIES)])
    order = ["S30000", "S12000", "S8500", "S8000", "S5000", "S0-NEW", "S0-OLD"]
    assert titles(search(sort="salary")) == order
    assert pages(search, sort="salary", limit=2) == [order[0:2], order[2:4], order[4:6], order[6:]]
    assert titles(search(sort="salary", salary_min=8200)) == ["S30000", "S12000", "S8500"]


@pytest.mark.parametrize("params", [{"sort": "newest"}, {"sort": "relevance", "q": "工程师"}, {"sort": "salary"},
                                    {"q": "工程师", "region": "440000"}])
def test_pages_cover_every_match_once_in_order(push: Push, search: Search, params: dict[str, Any]) -> None:
    push(*[(f"P{i}", {"title": f"工程师{i}" if i % 3 else f"助理{i}",
                      "description": "工程师团队" if i % 3 == 0 else "负责开发",
                      "salary": {"min": 3000 + i * 500, "max": 4000 + i * 500 + (i % 4) * 1000, "period": "month"},
                      "posted_at": f"2026-03-{10 + i}T09:00:00+08:00"}) for i in range(11)])
    everything = titles(search(**params, limit=100))
    assert len(everything) == 11
    got = pages(search, **params, limit=3)
    assert [t for page in got for t in page] == everything
    assert all(len(p) == 3 for p in got[:-1])


def test_paging_is_stable_while_jobs_are_added_between_pages(push: Push, search: Search) -> None:
    push(*[(f"A{i}", {"title": f"会计{i}", "posted_at": f"2026-04-{10 + i}T09:00:00+08:00"}) for i in range(6)])
    first = search(q="会计", limit=2)
    seen = titles(first)
    push(("NEW", {"title": "会计新岗", "posted_at": "2026-05-01T09:00:00+08:00"}),
         ("OLD", {"title": "会计旧岗", "posted_at": "2026-01-01T09:00:00+08:00"}))
    cursor = first["next_cursor"]
    while cursor:
        body = search(q="会计", limit=2, cursor=cursor)
        seen += titles(body)
        cursor = body["next_cursor"]
    assert sorted(seen) == sorted([f"会计{i}" for i in range(6)] + ["会计旧岗"])
    assert len(seen) == len(set(seen))


def test_paging_under_concurrent_writers_never_repeats_or_skips(app: Any, partner: tuple[str, str]) -> None:
    key = partner[1]
    with LiveServer(app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        seed = [make_posting(f"SEED{i}", title=f"销售代表{i}", posted_at=f"2026-03-{10 + i}T09:00:00+08:00")
                for i in range(15)]
        assert http.post("/api/v1/postings/batch", json={"postings": seed}, headers=auth(key)).status_code == 200
        stop = threading.Event()
        written: list[tuple[int, str]] = []  # each write's status and outcome: checked below
        first_write = threading.Event()

        def writer() -> None:
            n = 0
            while not stop.is_set() and n < 40:
                posting = make_posting(f"LIVE{n}", title=f"销售代表新{n}", posted_at="2026-06-01T09:00:00+08:00")
                resp = http.post("/api/v1/postings/batch", json={"postings": [posting]}, headers=auth(key))
                written.append((resp.status_code, resp.json()["results"][0]["status"]
                                if resp.status_code == 200 else resp.text))
                first_write.set()
                n += 1

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert first_write.wait(30)  # the reader starts once the writer is under way
            params: dict[str, Any] = {"q": "销售", "sort": "newest", "limit": 2}
            pages = [http.get("/api/v1/jobs", params=params)]
            while pages[-1].status_code == 200 and pages[-1].json()["next_cursor"]:
                pages.append(http.get("/api/v1/jobs", params={**params, "cursor": pages[-1].json()["next_cursor"]}))
            writes_while_reading = len(written)
        finally:
            stop.set()
            thread.join()
        assert [p.status_code for p in pages] == [200] * len(pages)
        seen = [t for p in pages for t in titles(p.json())]
        # The writers really wrote, while the reader paged: every write a 200 that created its job.
        assert writes_while_reading > 0
        assert written == [(200, "created")] * len(written), written
        total = http.get("/api/v1/jobs", params={"q": "销售", "limit": 1}).json()["total"]
    assert len(seen) == len(set(seen))
    assert {f"销售代表{i}" for i in range(15)} <= set(seen)
    assert total == 15 + len(written)


def test_open_and_closed_jobs_interleave_by_freshness_when_both_are_asked_for(
        client: Any, partner: tuple[str, str], push: Push, search: Search) -> None:
    push(("A", {"title": "厨师A", "posted_at": "2026-05-01T09:00:00+08:00", "salary": "5千-6千"}),
         ("B", {"title": "厨师B", "posted_at": "2026-04-01T09:00:00+08:00", "salary": "8千-9千"}),
         ("C", {"title": "厨师C", "posted_at": "2026-03-01T09:00:00+08:00", "salary": "7千-8千"}))
    assert client.delete("/api/v1/postings/B", headers=auth(partner[1])).status_code == 204
    assert pages(search, status="any", q="厨师", limit=1) == [["厨师A"], ["厨师B"], ["厨师C"]]
    assert pages(search, status="any", sort="salary", limit=2) == [["厨师B", "厨师C"], ["厨师A"]]
    assert pages(search, status="closed", sort="newest") == [["厨师B"]]
