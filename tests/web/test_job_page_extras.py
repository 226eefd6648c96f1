"""The job page: an apply path on every job, dates, the partner's badge, tidy descriptions,
similar jobs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import ADMIN, auth, make_posting
from tests.web.conftest import HTML


def _push(client: TestClient, key: str, *postings: dict[str, Any]) -> list[str]:
    resp = client.post("/api/v1/postings/batch", json={"postings": list(postings)}, headers=auth(key))
    assert resp.status_code == 200, resp.text
    return [r["job_id"] for r in resp.json()["results"]]


def test_every_job_has_a_way_to_apply_falling_back_to_the_partners_site(client: TestClient) -> None:
    made = client.post("/api/v1/partners", headers=ADMIN, json={
        "name": "某大学就业指导中心", "kind": "university", "region_code": "440300",
        "website": "https://career.example.edu.cn/"}).json()
    assert made["website"] == "https://career.example.edu.cn/"
    own, page_only, bare = _push(
        client, made["api_key"],
        make_posting("A", apply_url="https://hr.example.com/apply/1"),
        make_posting("B", title="会计", employer={"name": "乙会计师事务所"}, apply_url=None,
                     url="https://career.example.edu.cn/jobs/b"),
        make_posting("C", title="出纳", employer={"name": "丙贸易有限公司"}, apply_url=None, url=None))
    assert 'href="https://hr.example.com/apply/1"' in client.get(f"/jobs/{own}", headers=HTML).text
    assert 'href="https://career.example.edu.cn/jobs/b"' in client.get(f"/jobs/{page_only}", headers=HTML).text
    text = client.get(f"/jobs/{bare}", headers=HTML).text
    assert 'class="button button--apply" href="https://career.example.edu.cn/"' in text
    assert "到某大学就业指导中心申请" in text
    resp = client.patch(f"/api/v1/partners/{made['id']}", headers=ADMIN, json={"website": "javascript:alert(1)"})
    assert resp.status_code == 422 and "website" in resp.text


def test_without_any_link_the_page_says_whom_to_contact(client: TestClient, make_partner: Any) -> None:
    _, key = make_partner("recruiter", name="某招聘机构")
    (job,) = _push(client, key, make_posting("D", apply_url=None, url=None))
    text = client.get(f"/jobs/{job}", headers=HTML).text
    assert "button--apply" not in text and "请通过某招聘机构" in text


def test_the_page_shows_dates_the_partners_badge_and_one_heading(client: TestClient, make_partner: Any) -> None:
    _, key = make_partner("university", name="某某大学")
    (dated,) = _push(client, key, make_posting(
        "E", description="职位描述 职位描述：负责后台开发。\n任职要求：任职要求：本科及以上。"))
    text = client.get(f"/jobs/{dated}", headers=HTML).text
    assert "发布日期" in text and "2026-05-09" in text and "截止日期" in text and "2099-08-15" in text
    assert '<span class="badge">高校就业中心</span>' in text
    shown = text.split('id="desc-title"')[1].split("</section>")[0]
    assert "职位描述：" not in shown and shown.count("任职要求") == 1 and "负责后台开发" in shown
    (undated,) = _push(client, key, make_posting("F", title="测试工程师", employer={"name": "丁科技有限公司"},
                                                 posted_at=None, valid_through=None))
    text = client.get(f"/jobs/{undated}", headers=HTML).text
    assert "（平台收录）" in text and "未注明" in text
    stored = client.get(f"/api/v1/jobs/{dated}").json()["description"]
    assert stored == "职位描述：负责后台开发。\n任职要求：本科及以上。"  # cleaned on the road in too


def test_similar_jobs_share_the_title_family_and_the_city_comes_first(client: TestClient, make_partner: Any) -> None:
    _, key = make_partner("university", name="某大学")
    ids = _push(client, key,
                make_posting("S0", title="Java开发工程师", employer={"name": "甲公司"}),
                make_posting("S1", title="高级Java开发工程师（2026届）", employer={"name": "乙公司"},
                             locations=[{"region_code": "440306"}]),
                make_posting("S2", title="Java开发工程师", employer={"name": "丙公司"},
                             locations=[{"region_code": "110105"}]),
                make_posting("S3", title="会计", employer={"name": "丁公司"}))
    text = client.get(f"/jobs/{ids[0]}", headers=HTML).text
    similar = text.split('id="similar-title"')[1].split("</section>")[0]
    assert f"/jobs/{ids[1]}" in similar and f"/jobs/{ids[2]}" in similar and f"/jobs/{ids[3]}" not in similar
    assert f"/jobs/{ids[0]}" not in similar
    assert similar.index(f"/jobs/{ids[1]}") < similar.index(f"/jobs/{ids[2]}")  # 深圳 before 北京


def test_title_family_drops_brackets_seniority_and_place_tails() -> None:
    from app.web.similar import title_family

    assert title_family("高级Java开发工程师（2026届）-深圳") == "Java开发工程师"
    assert title_family("税务经理(J10093)") == "税务经理"
    assert title_family("会计") == "会计"
