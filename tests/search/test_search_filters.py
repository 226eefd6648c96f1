"""Every filter and facet of GET /api/v1/jobs, pushed through the road in."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.search.conftest import Push, Search, titles

JOBS: dict[str, dict[str, Any]] = {
    "J1": {"title": "J1 Java开发", "locations": [{"region_code": "440305"}], "industry": "I",
           "education": "bachelor", "job_type": "full_time", "employer": {"name": "甲公司", "type": "private"},
           "salary": {"min": 8000, "max": 12000, "period": "month"}, "posted_at": "2026-05-01T09:00:00+08:00"},
    "J2": {"title": "J2 销售", "locations": [{"region_code": "440106"}], "industry": "F",
           "education": "associate", "job_type": "internship", "employer": {"name": "乙公司", "type": "soe"},
           "salary": {"min": 4000, "max": 6000, "period": "month"}, "posted_at": "2026-03-01T09:00:00+08:00"},
    "J3": {"title": "J3 算法", "locations": [{"region_code": "110108"}], "industry": "I",
           "education": "master", "job_type": "full_time", "employer": {"name": "丙公司", "type": "foreign"},
           "salary": {"min": 240000, "max": 360000, "period": "year"}, "posted_at": "2026-06-01T09:00:00+08:00"},
    "J4": {"title": "J4 护士", "locations": [{"region_code": "330106"}], "industry": "Q",
           "education": "bachelor", "job_type": "part_time",
           "employer": {"name": "丁医院", "type": "public_institution"}, "salary": "面议",
           "posted_at": "2026-01-01T09:00:00+08:00"},
    "J5": {"title": "J5 教师", "locations": [{"region_code": "440304"}, {"region_code": "310115"}],
           "industry": "P", "education": "doctorate", "job_type": "full_time",
           "employer": {"name": "戊学校", "type": "government"}, "salary": {"min": 15000, "max": 15000, "period": "month"},
           "posted_at": "2026-02-01T09:00:00+08:00"},
}


@pytest.fixture
def jobs(push: Push) -> dict[str, str]:
    """The five jobs above; returns external id → job id."""
    results = push(*[(k, v) for k, v in JOBS.items()])
    return {r["external_id"]: r["job_id"] for r in results}


def names(body: dict[str, Any]) -> list[str]:
    return sorted(t.split()[0] for t in titles(body))


FILTER_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"region": "440000"}, ["J1", "J2", "J5"]),
    ({"region": "440300"}, ["J1", "J5"]),
    ({"region": "440305"}, ["J1"]),
    ({"region": ["110000", "330000"]}, ["J3", "J4"]),
    ({"region": "310000"}, ["J5"]),
    ({"industry": "I"}, ["J1", "J3"]),
    ({"industry": "i,q"}, ["J1", "J3", "J4"]),
    ({"education": "bachelor"}, ["J1", "J4"]),
    ({"education": ["bachelor", "master"]}, ["J1", "J3", "J4"]),
    ({"job_type": "internship"}, ["J2"]),
    ({"job_type": "full_time,part_time"}, ["J1", "J3", "J4", "J5"]),
    ({"employer_type": "soe"}, ["J2"]),
    ({"employer_type": ["foreign", "government"]}, ["J3", "J5"]),
    ({"salary_min": 10000}, ["J1", "J3", "J5"]),
    ({"salary_min": 13000}, ["J3", "J5"]),
    ({"salary_min": 0}, ["J1", "J2", "J3", "J5"]),
    ({"posted_since": "2026-04-15"}, ["J1", "J3"]),
    ({"region": "440000", "industry": "I"}, ["J1"]),
    ({"region": "440000", "q": "销售", "salary_min": 5000}, ["J2"]),
    ({"region": "440000", "q": "销售", "salary_min": 7000}, []),
]


def test_each_filter_matches_exactly_its_jobs(jobs: dict[str, str], search: Search) -> None:
    for params, expected in FILTER_CASES:  # one set of jobs for every case keeps this fast
        body = search(**params)
        assert names(body) == expected, params
        assert body["total"] == len(expected) and body["total_capped"] is False, params


def test_employer_filter(client: TestClient, jobs: dict[str, str], search: Search) -> None:
    employer = client.get(f"/api/v1/jobs/{jobs['J3']}").json()["employer"]["id"]
    assert names(search(employer_id=employer)) == ["J3"]
    assert names(search(employer_id="0" * 32)) == []


def test_facets_count_every_field(jobs: dict[str, str], search: Search) -> None:
    body = search(facets="region,industry,education,job_type,employer_type")
    assert body["facets"] == {
        "region": {"440000": 3, "110000": 1, "330000": 1, "310000": 1},
        "industry": {"I": 2, "F": 1, "Q": 1, "P": 1},
        "education": {"bachelor": 2, "associate": 1, "master": 1, "doctorate": 1},
        "job_type": {"full_time": 3, "internship": 1, "part_time": 1},
        "employer_type": {"private": 1, "soe": 1, "foreign": 1, "public_institution": 1, "government": 1},
    }


def test_facet_ignores_its_own_filter_and_opens_the_selected_region(jobs: dict[str, str], search: Search) -> None:
    body = search(region="440000", facets="region,industry")
    assert names(body) == ["J1", "J2", "J5"]
    assert body["facets"]["region"] == {"440000": 3, "110000": 1, "330000": 1, "310000": 1,
                                        "440300": 2, "440100": 1}
    assert body["facets"]["industry"] == {"I": 1, "F": 1, "P": 1}
    city = search(region="440300", facets="region")["facets"]["region"]
    assert city["440305"] == 1 and city["440304"] == 1 and "440106" not in city


def test_facets_follow_the_text_query(jobs: dict[str, str], search: Search) -> None:
    body = search(q="护士", facets=["industry", "region"])
    assert body["facets"] == {"industry": {"Q": 1}, "region": {"330000": 1}}
    assert search(q="不存在的词", facets="industry")["facets"] == {"industry": {}}


def test_closed_jobs_are_hidden_unless_asked_for(client: TestClient, partner: tuple[str, str],
                                                 jobs: dict[str, str], search: Search) -> None:
    assert client.delete("/api/v1/postings/J2", headers=auth(partner[1])).status_code == 204
    assert names(search()) == ["J1", "J3", "J4", "J5"]
    assert names(search(q="销售")) == []
    assert names(search(status="closed")) == ["J2"]
    assert names(search(status="any", q="销售")) == ["J2"]
    assert search(status="any")["total"] == 5
