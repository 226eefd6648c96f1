"""Exports: JobPosting JSON-LD, RSS/Atom feeds of a search, CSV for Excel."""

from __future__ import annotations

import csv
import io
from typing import Any

import feedparser
from fastapi.testclient import TestClient

from tests.conftest import auth, make_posting, push


def posting(external_id: str, **overrides: Any) -> dict[str, Any]:
    """A posting no other in the test duplicates (dedup would merge identical ones)."""
    overrides.setdefault("title", f"岗位{external_id}")
    return make_posting(external_id, **overrides)



def push_jobs(client: TestClient, key: str, *postings: dict[str, Any]) -> list[str]:
    return [r["job_id"] for r in push(client, key, *postings)]


def test_jsonld_has_the_fields_google_for_jobs_requires_and_recommends(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    job_id = push_jobs(client, key, posting("A", description="岗位职责：\n1. 开发<后台>服务",
                                            employer={"name": "深圳市某某科技有限公司", "type": "private",
                                                      "credit_code": "91440300MA5G2G8W4X"}))[0]
    resp = client.get(f"/api/v1/jobs/{job_id}/jsonld")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/ld+json")
    ld = resp.json()
    assert ld["@context"] == "https://schema.org/" and ld["@type"] == "JobPosting"
    assert ld["title"] == "岗位A"
    assert ld["description"] == "<p>岗位职责:<br>1. 开发&lt;后台&gt;服务</p>"
    assert ld["datePosted"].startswith("2026-05-09")
    assert ld["validThrough"].startswith("2099-08-15")
    assert ld["employmentType"] == "FULL_TIME"
    assert ld["hiringOrganization"]["@type"] == "Organization"
    assert ld["hiringOrganization"]["name"] == "深圳市某某科技有限公司"
    assert ld["jobLocation"] == [{"@type": "Place", "address": {
        "@type": "PostalAddress", "addressCountry": "CN", "addressRegion": "广东省", "addressLocality": "深圳市",
        "streetAddress": "南山区 南山区科技园"}}]
    assert ld["baseSalary"] == {"@type": "MonetaryAmount", "currency": "CNY", "value": {
        "@type": "QuantitativeValue", "minValue": 8000, "maxValue": 12000, "unitText": "MONTH"}}
    assert ld["identifier"] == {"@type": "PropertyValue", "name": "Hub 24365", "value": job_id}
    assert ld["directApply"] is False
    assert ld["educationRequirements"]["credentialCategory"] == "bachelor degree"
    assert ld["url"].endswith(f"/jobs/{job_id}")


def test_jsonld_salary_units_and_closed_job_expiry(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    job_id = push_jobs(client, key, posting("D", salary={"min": 200, "max": 200, "period": "day"}))[0]
    ld = client.get(f"/api/v1/jobs/{job_id}/jsonld").json()
    assert ld["baseSalary"]["value"] == {"@type": "QuantitativeValue", "value": 200, "unitText": "DAY"}
    client.delete("/api/v1/postings/D", headers=auth(key))
    closed = client.get(f"/api/v1/jobs/{job_id}/jsonld").json()
    assert closed["validThrough"] < "2099"
    assert client.get("/api/v1/jobs/nope/jsonld").status_code == 404


def test_rss_feed_of_a_search_parses_and_lists_matching_jobs(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("GD", title="嵌入式工程师"),
         posting("BJ", title="北京岗位", locations=[{"region_code": "110105"}]))
    resp = client.get("/api/v1/jobs/feed.rss", params={"region": "440000", "education": "bachelor"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(resp.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert "广东省" in feed.feed.title
    assert [e.title for e in feed.entries] == ["嵌入式工程师 — 深圳市腾讯计算机系统有限公司（深圳市）"]
    entry = feed.entries[0]
    assert "/jobs/" in entry.link and entry.published_parsed is not None
    assert "8000-12000元/月" in entry.summary
    by_text = feedparser.parse(client.get("/api/v1/jobs/feed.rss", params={"q": "北京岗位"}).content)
    assert [e.title for e in by_text.entries] == ["北京岗位 — 深圳市腾讯计算机系统有限公司（北京市）"]


def test_atom_feed_parses(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"), posting("B", title="测试工程师"))
    resp = client.get("/api/v1/jobs/feed.atom")
    feed = feedparser.parse(resp.content)
    assert not feed.bozo and feed.version == "atom10"
    assert len(feed.entries) == 2


def test_csv_export_has_bom_opens_with_csv_module_and_defuses_formulas(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, *[posting(f"J{i}", title=f"岗位{i}") for i in range(3)],
         posting("EVIL", title="=HYPERLINK(\"http://x\")"))
    resp = client.get("/api/v1/jobs/export.csv")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/csv")
    assert "attachment" in resp.headers["content-disposition"]
    assert resp.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["岗位ID", "岗位名称", "单位名称"]
    assert len(rows) == 5
    titles = {r[1] for r in rows[1:]}
    assert {"岗位0", "岗位1", "岗位2"} <= titles and "'=HYPERLINK(\"http://x\")" in titles
    assert all(r[5] == "广东省" and r[6] == "深圳市" for r in rows[1:])


def test_csv_export_pages_through_a_large_search(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, *[posting(f"J{i}", title=f"岗位{i}") for i in range(130)])
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/jobs/export.csv").content.decode("utf-8-sig"))))
    assert len(rows) == 131 and len({r[0] for r in rows[1:]}) == 130
    capped = client.get("/api/v1/jobs/export.csv", params={"max_rows": 7}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(capped)))) == 8


def test_export_paths_are_not_taken_for_job_ids_and_bad_filters_are_422(client: TestClient) -> None:
    assert client.get("/api/v1/jobs/feed.rss").status_code == 200
    assert client.get("/api/v1/jobs/export.csv").status_code == 200
    bad = client.get("/api/v1/jobs/export.csv", params={"salary_min": "lots"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "salary_min"
    assert client.get("/api/v1/jobs/feed.rss", params={"sort": "random"}).status_code == 422


def test_odd_host_header_does_not_break_feed_links(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"))
    resp = client.get("/api/v1/jobs/feed.rss", headers={"Host": "x{id}{0}"})
    assert resp.status_code in (200, 400)
    assert client.get("/api/v1/jobs/export.csv", headers={"Host": "x{0}"}).status_code in (200, 400)
