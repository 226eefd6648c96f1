"""The page helpers on their own: highlighting, formatting, query-string state, static assets."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from starlette.datastructures import QueryParams

from app.web.assets import asset_url
from app.web.query import PageInvalid, PageQuery, parse_query
from app.web.view import highlight, job_posting_ld, safe_url, salary_text, snippet
from tests.web.seed import Seeded


def test_highlight_escapes_first_then_marks_overlapping_terms_as_one() -> None:
    assert highlight("软件工程师<b>", ["软件", "件工", "工程", "程师"]) == "<mark>软件工程师</mark>&lt;b&gt;"
    assert highlight("Java & JAVA", ["java"]) == "<mark>Java</mark> &amp; <mark>JAVA</mark>"
    assert highlight("a<script>b", ["<script>"]) == "a<mark>&lt;script&gt;</mark>b"
    assert highlight("x&amp;y", ["amp"]) == "x&amp;<mark>amp</mark>;y"  # never matches inside an entity
    assert highlight("无匹配", []) == "无匹配"


def test_snippet_centres_on_the_first_match() -> None:
    text = "甲" * 200 + "前端开发" + "乙" * 200
    out = snippet(text, ["前端"])
    assert out.startswith("…") and out.endswith("…") and "<mark>前端</mark>开发" in out
    assert len(re.sub("<[^>]+>", "", out)) < 100


def test_salary_text_reads_like_a_chinese_job_board() -> None:
    assert salary_text({"min": 8000, "max": 12000, "period": "month"}) == "8千–1.2万 元/月"
    assert salary_text({"min": 200, "max": 300, "period": "day"}) == "200–300 元/天"
    assert salary_text({"min": 150000, "max": None, "period": "year"}) == "15万 起 元/年"
    assert salary_text({"min": None, "max": None, "period": None, "negotiable": True}) == "面议"
    assert salary_text(None) == ""


def test_only_http_links_survive() -> None:
    assert safe_url("https://a.example/x") == "https://a.example/x"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//evil", "http:///x", None, ""):
        assert safe_url(bad) is None, bad


def test_json_ld_cannot_close_its_script_element() -> None:
    job = {"id": "1", "title": "</script><script>alert(1)</script>", "description": "<!-- \u2028",
           "employer": {"name": "A&B"}, "locations": [], "salary": None, "status": "open",
           "first_seen_at": "2026-03-01T00:00:00+00:00", "updated_at": "2026-03-01T00:00:00+00:00"}
    text = str(job_posting_ld(job, "https://hub.example/jobs/1"))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text)["title"] == job["title"]


def test_query_string_round_trips_and_paging_keeps_the_trail() -> None:
    q = parse_query(QueryParams("q=前端&region=440300&education=bachelor,master&salary_min=8000&sort=newest"))
    assert q.search.region == ["440300"] and q.search.education == ["bachelor", "master"]
    assert parse_query(QueryParams(q.url().split("?", 1)[1])) == q
    p2 = parse_query(QueryParams(q.next_url("C2").split("?", 1)[1]))
    assert (p2.cursor, p2.trail, p2.page) == ("C2", (), 2)
    p3 = parse_query(QueryParams(p2.next_url("C3").split("?", 1)[1]))
    assert (p3.cursor, p3.trail, p3.page) == ("C3", ("C2",), 3)
    back = parse_query(QueryParams((p3.prev_url() or "").split("?", 1)[1]))
    assert back == p2
    assert p2.prev_url() == q.url()
    assert "cursor" not in p3.url(sort="salary")  # changing the search starts again at page 1


def test_query_string_errors_name_every_bad_key() -> None:
    with pytest.raises(PageInvalid) as err:
        parse_query(QueryParams("sort=random&posted_since=yesterday&job_type=gig&q=" + "字" * 300))
    assert {f for f, _ in err.value.errors} == {"sort", "posted_since", "job_type", "q"}
    assert PageQuery().url() == "/"


def test_static_files_are_fingerprinted_cached_and_gzipped(client: TestClient) -> None:
    url = asset_url("app.css")
    assert re.fullmatch(r"/static/app\.[0-9a-f]{12}\.css", url)
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and resp.headers["content-type"] == "text/css; charset=utf-8"
    assert resp.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert resp.headers["content-encoding"] == "gzip"
    raw = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and resp.content == raw.content  # httpx unzips
    assert client.get(url, headers={"If-None-Match": resp.headers["etag"]}).status_code == 304
    assert client.get("/static/app.css").headers["cache-control"] == "public, max-age=300"
    assert client.get("/static/nope.css").status_code == 404
    regions = client.get(asset_url("regions.json")).json()
    assert ["440300", "深圳市"] in regions["440000"]


def test_first_search_page_with_its_assets_is_under_100_kb(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"q": "工程师"})
    assert len(re.findall('class="job"', html.text)) == 20
    total = len(html.content)  # uncompressed: the HTML is not gzipped
    for ref in re.findall(r'(?:href|src)="(/static/[^"]+)"', html.text):
        total += len(client.get(ref, headers={"Accept-Encoding": "gzip"}).content)
    assert total < 100 * 1024
