"""Sorting by salary with a salary floor when no band holds a match (the fuzzer's IndexError).

``_by_salary`` skips runs of empty bands; with ``salary_min`` there is no "no salary" band at
the end to stop on, so skipping ran past the last band. Every surface that searches is checked:
the API, the search page and both feeds.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import make_posting
from tests.search.conftest import Push

SURFACES = ["/api/v1/jobs", "/", "/api/v1/jobs/feed.rss", "/api/v1/jobs/feed.atom"]


@pytest.mark.parametrize("path", SURFACES)
def test_salary_sort_with_a_floor_on_an_empty_store_answers_no_jobs(client: TestClient, path: str) -> None:
    resp = client.get(path, params={"salary_min": 1, "sort": "salary"})
    assert resp.status_code == 200, resp.text
    if path == "/api/v1/jobs":
        assert resp.json()["items"] == [] and resp.json()["total"] == 0


@pytest.mark.parametrize("path", SURFACES)
def test_salary_sort_with_a_floor_and_a_query_matching_nothing_answers_no_jobs(
        client: TestClient, push: Push, path: str) -> None:
    push(make_posting("S1"))
    resp = client.get(path, params={"salary_min": 1, "sort": "salary", "q": "nomatchxyz"})
    assert resp.status_code == 200, resp.text
    if path == "/api/v1/jobs":
        assert resp.json()["items"] == []
    else:
        assert "Java" not in resp.text


def test_the_reported_atom_search_answers(client: TestClient, push: Push) -> None:
    push(make_posting("S1"))
    resp = client.get("/api/v1/jobs/feed.atom?salary_min=74&posted_since=6357-07-01&limit=23&sort=salary&q=")
    assert resp.status_code == 200, resp.text
    assert "<entry>" not in resp.text


def test_salary_sort_with_a_floor_still_lists_the_jobs_that_reach_it_best_paid_first(
        client: TestClient, push: Push) -> None:
    low = {"min": 3000, "max": 4000, "period": "month"}
    high = {"min": 30000, "max": 40000, "period": "month"}
    ids: dict[str, Any] = {r["external_id"]: r["job_id"] for r in push(
        make_posting("LOW", title="出纳", salary=low, locations=[{"region_code": "110108"}]),
        make_posting("HIGH", title="架构师", salary=high, locations=[{"region_code": "310115"}]))}
    for floor, expected in ((1, ["HIGH", "LOW"]), (3500, ["HIGH", "LOW"]), (5000, ["HIGH"]), (90000, [])):
        resp = client.get("/api/v1/jobs", params={"salary_min": floor, "sort": "salary"})
        assert resp.status_code == 200, resp.text
        assert [i["id"] for i in resp.json()["items"]] == [ids[e] for e in expected], floor
