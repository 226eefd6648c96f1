"""Every search surface accepts the same search (``SearchQuery``): the API, the feeds, the CSV
export and the students' page take the same parameters, find the same jobs with them, and name
the same parameter when one is invalid."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from app.schemas.search import SearchQuery
from tests.conftest import auth, make_posting
from tests.search.conftest import Push

API_SURFACES = ("/api/v1/jobs", "/api/v1/jobs/feed.rss", "/api/v1/jobs/feed.atom", "/api/v1/jobs/export.csv")
SURFACES = (*API_SURFACES, "/")

# One invalid value per search parameter: a new filter must say how it fails here too.
BAD: dict[str, Any] = {
    "q": "x" * 201, "region": "440000,999999", "industry": "Z", "education": "bachelor,phd",
    "job_type": "gig", "employer_type": "startup", "salary_min": "-1", "posted_since": "yesterday",
    "sort": "random", "status": "deleted", "employer_id": "x\" OR 1", "fair": "nosuchfair",
}


def found(client: TestClient, path: str, params: dict[str, Any]) -> list[str]:
    """The job ids a surface lists for ``params``, in its order."""
    resp = client.get(path, params=params)
    assert resp.status_code == 200, (path, resp.text[:500])
    if path == "/api/v1/jobs":
        return [item["id"] for item in resp.json()["items"]]
    if path.endswith(".rss"):
        return re.findall(r'<guid isPermaLink="false">([^<]+)</guid>', resp.text)
    if path.endswith(".atom"):
        return re.findall(r"<id>urn:hub24365:job:([^<]+)</id>", resp.text)
    if path.endswith(".csv"):
        return [row[0] for row in list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))[1:]]
    return list(dict.fromkeys(re.findall(r'href="/jobs/([0-9A-Za-z]+)"', resp.text)))


def test_every_api_surface_declares_each_search_parameter_alike(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    declared = {path: {p["name"]: p["schema"] for p in paths[path]["get"]["parameters"] if p["in"] == "query"}
                for path in API_SURFACES}
    for path, params in declared.items():
        assert set(SearchQuery.model_fields) <= set(params), path
        for name in SearchQuery.model_fields:
            mine, api = dict(params[name]), dict(declared["/api/v1/jobs"][name])
            if name == "sort":  # feeds and exports list the newest first unless told otherwise
                assert (mine.pop("default"), api.pop("default")) == (
                    "relevance" if path == "/api/v1/jobs" else "newest", "relevance")
            assert mine == api, (path, name)


def test_every_surface_finds_the_same_jobs_with_every_parameter(client: TestClient, push: Push,
                                                                  make_partner: Any) -> None:
    results = push(
        make_posting("A", title="Java开发工程师", education="bachelor"),
        make_posting("B", title="Java后端开发", education="master", locations=[{"region_code": "440106"}],
                     employer={"name": "广州某网络科技有限公司", "type": "private"}),
        make_posting("C", title="Java开发（博士后）", education="doctorate"),
        make_posting("D", title="会计", industry="J", employer={"name": "某会计师事务所", "type": "private"}),
    )
    ids = {r["external_id"]: r["job_id"] for r in results}
    employer_id = client.get(f"/api/v1/jobs/{ids['A']}").json()["employer"]["id"]
    _, organiser = make_partner("university", region_code="440305")
    now = datetime.now(UTC)
    fair = client.post("/api/v1/fairs", headers=auth(organiser), json={
        "title": "春季双选会", "kind": "campus", "mode": "offline", "region_code": "440305", "venue": "体育馆",
        "starts_at": (now + timedelta(days=3)).isoformat(), "ends_at": (now + timedelta(days=3.3)).isoformat(),
        "job_ids": [ids["A"], ids["B"], ids["C"], ids["D"]]})
    assert fair.status_code == 201, fair.text
    everything = {"q": "java", "region": ["440000", "440300,440100"], "industry": "i", "education": "bachelor,master",
                  "job_type": "full_time", "employer_type": "private,soe", "salary_min": "5000",
                  "posted_since": "2026-01-01", "sort": "newest", "status": "any", "fair": fair.json()["id"]}
    assert set(everything) | {"employer_id"} == set(SearchQuery.model_fields)
    for path in SURFACES:
        assert sorted(found(client, path, everything)) == sorted([ids["A"], ids["B"]]), path
        assert found(client, path, {**everything, "employer_id": employer_id}) == [ids["A"]], path
        assert found(client, path, {"q": "会计", "industry": "J"}) == [ids["D"]], path


def test_an_invalid_value_is_a_422_naming_its_parameter_on_every_surface(client: TestClient, push: Push) -> None:
    push(make_posting("A"))
    assert set(BAD) == set(SearchQuery.model_fields)
    for name, value in BAD.items():
        for path in API_SURFACES:
            resp = client.get(path, params={name: value})
            assert resp.status_code == 422, (path, name, resp.text[:300])
            assert resp.headers["content-type"].startswith("application/problem+json")
            assert name in {e["field"] for e in resp.json()["errors"]}, (path, name, resp.json())
        page = client.get("/", params={name: value})
        assert page.status_code == 422 and f"<code>{name}</code>" in page.text, (name, page.text[:300])
