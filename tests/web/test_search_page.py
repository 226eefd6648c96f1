"""The search page, rendered on the server with no JavaScript: results, filters, paging, errors."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from tests.web.seed import PAGING_COUNT, Seeded


def job_links(html: str) -> list[str]:
    return re.findall(r'<h3 class="job__title"><a href="/jobs/([0-9a-f]+)">', html)


def link_after(html: str, rel: str) -> str | None:
    m = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return unescape(m.group(1)) if m else None


def test_search_page_is_utf8_chinese_html_with_security_headers(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="zh-CN">' in resp.text and '<meta charset="utf-8">' in resp.text
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'self'" in csp
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"]
    assert "<script>" not in resp.text and " style=" not in resp.text  # no inline script or style


def test_chinese_query_finds_matching_jobs_and_marks_the_words(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"q": "前端"}).text
    assert job_links(html) == [seeded.ids["FE-1"]]
    assert "<mark>前端</mark>开发工程师" in html
    assert "找到 1 个职位" in html
    assert 'value="前端"' in html  # the query stays in the box


def test_two_filters_narrow_the_results_and_show_as_removable_chips(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"region": "440000", "salary_min": "13000"}).text
    assert job_links(html) == [seeded.ids["FE-1"]]  # 广州, 13000-16000; the rest pay less
    chips = re.findall(r'<a class="chip" href="([^"]+)">([^<]+)<', html)
    labels = [label for _, label in chips]
    assert "广东省" in labels and "月薪 1.3万 元以上" in labels
    removes = {label: parse_qs(urlsplit(unescape(href)).query) for href, label in chips}
    assert removes["广东省"] == {"salary_min": ["13000"]}
    assert removes["月薪 1.3万 元以上"] == {"region": ["440000"]}


def test_filter_options_show_facet_counts_and_keep_choices_checked(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"education": "associate"}).text
    assert job_links(html) == [seeded.ids["ACC-1"]]
    assert re.search(r'value="associate" checked> 大专 <span class="count">1<', html)
    assert re.search(r'value="bachelor"> 本科 <span class="count">\d+<', html)


def test_province_picker_keeps_a_city_inside_it_and_drops_a_stale_one(client: TestClient, seeded: Seeded) -> None:
    inside = client.get("/", params=[("province", "440000"), ("region", "440304")]).text
    assert seeded.ids["FE-1"] not in job_links(inside) and len(job_links(inside)) == 20
    assert re.search(r'<option value="440304" selected>深圳市·福田区', inside)
    city = client.get("/", params=[("province", "440000"), ("region", "440300")]).text
    assert re.search(r'<option value="440300" selected>深圳市', city) and len(job_links(city)) == 20
    stale = client.get("/", params=[("province", "110000"), ("region", "440304")]).text
    assert job_links(stale) == [seeded.ids["ACC-1"]]
    everywhere = client.get("/", params=[("province", ""), ("region", "440304")]).text
    assert "找到 29 个职位" in everywhere


def test_pages_forward_and_back_through_cursor_links(client: TestClient, seeded: Seeded) -> None:
    first = client.get("/", params={"q": "测试工程师"}).text
    page1 = job_links(first)
    assert len(page1) == 20 and link_after(first, "prev") is None
    nxt = link_after(first, "next")
    assert nxt and "cursor=" in nxt and "q=%E6%B5%8B" in nxt
    second = client.get(nxt).text
    page2 = job_links(second)
    assert len(page2) == PAGING_COUNT - 20 and not set(page1) & set(page2)
    assert "第 2 页" in second and link_after(second, "next") is None
    back = link_after(second, "prev")
    assert back and job_links(client.get(back).text) == page1


def test_sorting_by_salary_puts_the_best_paid_first(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"sort": "salary", "region": "440304"}).text
    assert job_links(html)[0] == seeded.ids[f"QA-{PAGING_COUNT - 1:02d}"]
    assert '<option value="salary" selected>' in html


def test_empty_search_suggests_removing_each_filter(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/", params={"q": "会计", "region": "310000", "education": "associate"})
    assert resp.status_code == 200
    html = resp.text
    assert job_links(html) == [] and "没有找到符合条件的职位" in html
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html.split('class="suggest"')[1])
    suggest = {unescape(t): parse_qs(urlsplit(unescape(h)).query) for h, t in links}
    assert suggest["去掉「上海市」"] == {"q": ["会计"], "education": ["associate"]}
    assert suggest["去掉「大专」"] == {"q": ["会计"], "region": ["310000"]}
    assert suggest["只搜索「会计」，不加筛选"] == {"q": ["会计"]}
    assert job_links(client.get("/?" + urlencode_pairs(suggest["去掉「上海市」"])).text) == [seeded.ids["ACC-1"]]


def urlencode_pairs(query: dict[str, list[str]]) -> str:
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, vs in query.items() for v in vs])


def test_hostile_query_is_shown_as_text_never_as_markup(client: TestClient, seeded: Seeded) -> None:
    q = '"><script>alert(1)</script>'
    html = client.get("/", params={"q": q}).text
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&#34;&gt;&lt;script&gt;' in html


def test_hostile_job_text_is_escaped_in_results(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"q": "安全工程师"}).text
    assert job_links(html) == [seeded.ids["EVIL-1"]]
    assert "<script>alert('x')" not in html and "<b>粗体</b>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<mark>安全工程师</mark>" in html


def test_bad_filters_get_a_friendly_422_page_naming_them(client: TestClient, seeded: Seeded) -> None:
    resp = client.get("/", params={"education": "phd<x>", "salary_min": "lots", "region": "999999"})
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("text/html")
    assert resp.headers["content-security-policy"]
    for name in ("education", "salary_min", "region"):
        assert f"<code>{name}</code>" in resp.text
    assert "phd&lt;x&gt;" in resp.text and "phd<x>" not in resp.text


def test_tampered_cursor_is_a_422_page_not_a_500(client: TestClient, seeded: Seeded) -> None:
    for cursor in ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 3000, "a,b"):
        resp = client.get("/", params={"cursor": cursor})
        assert resp.status_code == 422, cursor
        assert "text/html" in resp.headers["content-type"]


def test_posted_within_and_posted_since_filter_by_date(client: TestClient, seeded: Seeded) -> None:
    html = client.get("/", params={"posted_since": "2026-05-20", "region": "440304"}).text
    assert 0 < len(job_links(html)) < 20
    assert "2026-05-20 以后发布" in html
    assert client.get("/", params={"posted_within": "7"}).status_code == 200
