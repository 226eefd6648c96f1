"""Job, employer, fairs and error pages: every field, every source, JSON-LD, friendly errors."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.web.conftest import HTML
from tests.web.seed import HOSTILE_TITLE, SECOND_SOURCE, Seeded


def json_ld(html: str) -> dict[str, object]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(blocks) == 1
    return json.loads(blocks[0])  # type: ignore[no-any-return]


def test_job_page_shows_every_field_the_sources_and_the_apply_link(client: TestClient, seeded: Seeded) -> None:
    job_id = seeded.ids["ACC-1"]
    doc = client.get(f"/api/v1/jobs/{job_id}").json()
    resp = client.get(f"/jobs/{job_id}")
    assert resp.status_code == 200 and resp.headers["content-type"] == "text/html; charset=utf-8"
    html = resp.text
    for text in ("<h1>会计助理</h1>", "中国银行股份有限公司北京市分行", "5千–7千 元/月", "北京市 朝阳区",
                 "大专", "全职", "金融业", "5 人", "会计学、财务管理", "2026-05-09", "2099-08-15",
                 "协助完成日常账务处理。", "国有企业", "招聘中"):
        assert text in html, text
    assert 'href="https://example.com/apply?a=1&amp;b=2"' in html  # the apply link, escaped once
    assert doc["sources"]
    for source in doc["sources"]:
        assert source["partner_name"] in html
        assert f'href="{source["url"]}"' in html
    assert f'href="/employers/{doc["employer"]["id"]}"' in html


def test_job_shared_by_two_partners_lists_both_sources_with_links(client: TestClient, seeded: Seeded) -> None:
    assert seeded.ids["ZL-77"] == seeded.ids["JAVA-1"]  # one vacancy, two sources
    html = client.get(f"/jobs/{seeded.ids['JAVA-1']}").text
    assert "这条职位由 2 个合作方共享" in html
    for name, link in ((seeded.partner_name, "https://example.edu.cn/jobs/17"),
                       (SECOND_SOURCE, "https://example.com/zl/77")):
        assert f"<strong>{name}</strong>" in html and f'href="{link}"' in html
    assert "高校就业中心" in html and "招聘机构" in html


def test_job_page_carries_schema_org_job_posting(client: TestClient, seeded: Seeded) -> None:
    job_id = seeded.ids["JAVA-1"]
    data = json_ld(client.get(f"/jobs/{job_id}").text)
    assert data["@type"] == "JobPosting" and data["title"] == client.get(f"/api/v1/jobs/{job_id}").json()["title"]
    assert data["hiringOrganization"] == {"@type": "Organization", "name": "深圳市腾讯计算机系统有限公司"}
    assert data["employmentType"] == "FULL_TIME"
    assert data["baseSalary"]["currency"] == "CNY"  # type: ignore[index]
    assert data["baseSalary"]["value"]["minValue"] == 8000  # type: ignore[index]
    assert data["jobLocation"][0]["address"]["addressLocality"] == "深圳市"  # type: ignore[index]
    assert str(data["datePosted"]).startswith("2026-05-09")
    assert data["url"] == f"http://testserver/jobs/{job_id}"


def test_the_page_and_the_export_give_one_job_posting(client: TestClient, seeded: Seeded) -> None:
    """One mapping (``app.export.jsonld``) makes both: the JSON-LD in a job's page is the export's."""
    for job_id in seeded.ids.values():
        page = client.get(f"/jobs/{job_id}")
        if "application/ld+json" not in page.text:  # closed jobs carry none
            continue
        assert json_ld(page.text) == client.get(f"/api/v1/jobs/{job_id}/jsonld").json(), job_id


def test_hostile_job_text_cannot_break_out_of_the_page_or_the_json_ld(client: TestClient, seeded: Seeded) -> None:
    html = client.get(f"/jobs/{seeded.ids['EVIL-1']}").text
    # The only script elements are the app's file and the JSON-LD data block.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="' + re.search(
        r'<script src="([^"]+)"', html).group(1) + '" defer>', '<script type="application/ld+json">']  # type: ignore[union-attr]
    assert "<img src=x" not in html and "<b>粗体</b>" not in html
    doc = client.get(f"/api/v1/jobs/{seeded.ids['EVIL-1']}").json()
    data = json_ld(html)
    assert data["title"] == doc["title"] == HOSTILE_TITLE
    # The description is HTML, as Google for Jobs wants it: the hostile text escaped, line breaks kept.
    body = data["description"].removeprefix("<p>").removesuffix("</p>")
    assert "<" not in body.replace("<br>", "") and unescape(body.replace("<br>", "\n")) == doc["description"]
    assert "</script>" in doc["description"]
    assert 'href="https://example.com/x?&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in html


def test_closed_job_says_so_and_offers_no_apply_link(client: TestClient, seeded: Seeded) -> None:
    job_id = seeded.ids["ACC-1"]
    assert client.delete("/api/v1/postings/ACC-1", headers=auth(seeded.key)).status_code == 204
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "closed"
    resp = client.get(f"/jobs/{job_id}")
    assert resp.status_code == 200
    assert "该职位已停止招聘" in resp.text and "已结束" in resp.text
    assert "去申请" not in resp.text and "application/ld+json" not in resp.text


def test_unknown_job_is_a_friendly_404_page(client: TestClient, seeded: Seeded) -> None:
    for path in ("/jobs/0123456789abcdef0123456789abcdef", "/jobs/" + "a" * 300, "/jobs/%3Cscript%3E"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert resp.headers["content-type"] == "text/html; charset=utf-8"
        assert "职位不存在" in resp.text and "<script>" not in resp.text


def test_employer_page_lists_its_open_jobs(client: TestClient, seeded: Seeded) -> None:
    doc = client.get(f"/api/v1/jobs/{seeded.ids['FE-1']}").json()
    html = client.get(f"/employers/{doc['employer']['id']}").text
    assert "<h1>广州网易计算机系统有限公司</h1>" in html
    assert re.findall(r'href="/jobs/([0-9a-f]+)"', html) == [seeded.ids["FE-1"]]
    assert "在招职位 1 个" in html
    assert client.get("/employers/nope").status_code == 404


def test_unknown_page_is_html_for_browsers_and_problem_json_for_the_api(client: TestClient) -> None:
    page = client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "页面不存在" in page.text and page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/v1/nothing", headers=HTML)
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
    plain = client.get("/no/such/page")
    assert plain.headers["content-type"] == "application/problem+json"
    bad = client.get("/api/v1/jobs", params={"limit": "many"}, headers=HTML)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_fairs_page_says_fairs_are_coming(client: TestClient) -> None:
    resp = client.get("/fairs")
    assert resp.status_code == 200 and "招聘会" in resp.text


def test_pages_are_not_in_the_api_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if not p.startswith("/api/") and p not in ("/healthz", "/readyz", "/metrics")]
