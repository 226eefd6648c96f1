"""Fairs, suggestions, feed links and the wide job page in a real browser, at 1280 and 390 px,
each page checked with axe-core."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.e2e.conftest import DESKTOP, axe_script, screenshot
from tests.web.seed import Seeded

pytestmark = pytest.mark.browser
NARROW = {"width": 390, "height": 844}
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def fairs(client: TestClient, seeded: Seeded) -> dict[str, dict[str, Any]]:
    start = (datetime.now(BEIJING) + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)

    def make(**fields: Any) -> dict[str, Any]:
        body = {"title": "深圳市春季双选会", "kind": "regional", "mode": "offline", "region_code": "440305",
                "venue": "深圳会展中心", "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=6)).isoformat(), **fields}
        resp = client.post("/api/v1/fairs", json=body, headers=auth(seeded.key))
        assert resp.status_code == 201, resp.text
        return resp.json()  # type: ignore[no-any-return]

    out = {"offline": make(job_ids=[seeded.ids["FE-1"], seeded.ids["JAVA-1"]],
                           employers=[{"name": "广州网易计算机系统有限公司", "booth": "B-07", "size": "large"}]),
           "online": make(title="全国信息技术行业线上专场", kind="industry", mode="online", region_code="000000",
                          industry="I", url="https://example.com/room", venue=None)}
    cancelled = make(title="已取消的招聘会")
    client.post(f"/api/v1/fairs/{cancelled['id']}/cancel", headers=auth(seeded.key))
    out["cancelled"] = cancelled
    return out


def _no_sideways(page: Any, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_fair_list_then_a_fair_with_its_jobs_then_the_search_of_them(
        page: Any, seeded: Seeded, fairs: dict[str, dict[str, Any]]) -> None:
    page.goto("/")
    page.get_by_role("link", name="招聘会").first.click()
    page.wait_for_url(re.compile("/fairs$"))
    cards = page.locator(".fair .job__title").all_inner_texts()
    assert any("深圳市春季双选会" in c for c in cards) and any("已取消" in c for c in cards)
    page.get_by_label("形式").select_option("online")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile("mode=online"))
    assert page.locator(".fair .job__title").all_inner_texts() == ["全国信息技术行业线上专场"]
    page.goto("/fairs")
    page.get_by_role("link", name="深圳市春季双选会").first.click()
    page.wait_for_url(re.compile(f"/fairs/{fairs['offline']['id']}$"))
    assert "北京时间" in page.locator("#when-title + dl").inner_text()
    assert "展位 B-07" in page.locator(".employers").inner_text()
    assert sorted(page.locator("#fjobs-title ~ .jobs .job__title").all_inner_texts()) == [
        "Java开发工程师(2022届校招)", "前端开发工程师"]
    ics = page.request.get(page.get_by_role("link", name=re.compile("加入日历")).get_attribute("href"))
    assert ics.status == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics.text()
    page.get_by_role("link", name=re.compile("在职位搜索中查看")).click()
    page.wait_for_url(re.compile(f"fair={fairs['offline']['id']}"))
    assert page.locator("#results-title").inner_text().startswith("找到 2 个职位")
    assert page.get_by_role("link", name=re.compile("招聘会：深圳市春季双选会")).count() == 1
    assert page.csp_errors == []


def test_suggestions_with_javascript_complete_pinyin(page: Any, seeded: Seeded) -> None:
    page.goto("/")
    box = page.get_by_role("combobox", name="搜索职位、单位或专业")
    box.press_sequentially("kuaiji", delay=30)
    option = page.get_by_role("option", name="会计助理")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    box.press("Enter")
    page.wait_for_url(re.compile("q=%E4%BC%9A%E8%AE%A1"))
    assert page.locator(".job__title").all_inner_texts() == ["会计助理"]
    assert page.csp_errors == []


def test_suggestions_without_javascript_read_pinyin_on_the_server(browser: Any, live_server: Any,
                                                                  seeded: Seeded) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=NARROW, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("搜索职位、单位或专业").fill("kuaiji")
        page.get_by_role("button", name="搜索", exact=True).click()
        page.wait_for_url(re.compile("q=kuaiji"))
        assert "已为您显示「会计助理」的结果" in page.locator("main").inner_text()
        assert page.locator(".job__title").all_inner_texts() == ["会计助理"]
    finally:
        context.close()


def test_search_pages_link_their_feeds(page: Any, seeded: Seeded) -> None:
    page.goto("/?q=%E5%B7%A5%E7%A8%8B%E5%B8%88")
    rss = page.locator('link[rel=alternate][type="application/rss+xml"]').get_attribute("href")
    atom = page.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    page.locator(".feeds summary").click()
    assert page.get_by_role("link", name="RSS 订阅").get_attribute("href") == rss
    for url in (rss, atom):  # absolute under HUB_PUBLIC_URL (testserver here): asked of this server
        parts = urlsplit(url)
        resp = page.request.get(f"{parts.path}?{parts.query}")
        assert resp.status == 200 and "工程师" in resp.text()


def test_the_job_page_uses_a_wide_screen_and_stays_one_column_on_a_phone(
        browser: Any, live_server: Any, seeded: Seeded, fairs: dict[str, dict[str, Any]]) -> None:
    for size, label in ((DESKTOP, "desktop"), (NARROW, "phone")):
        context = browser.new_context(viewport=size, base_url=live_server.url, locale="zh-CN")
        try:
            page = context.new_page()
            page.goto(f"/jobs/{seeded.ids['FE-1']}")
            main = page.locator(".split__main").bounding_box()
            side = page.locator(".split__side").bounding_box()
            if size is DESKTOP:
                assert side["x"] > main["x"] + main["width"] - 1  # side by side
                used = side["x"] + side["width"] - main["x"]
                assert used >= 0.85 * (size["width"] - 40)
            else:
                assert side["y"] >= main["y"] + main["height"] - 1  # stacked
            assert page.get_by_role("link", name=re.compile("深圳市春季双选会")).count() >= 1
            for name, path in (("fairs", "/fairs"), ("fair", f"/fairs/{fairs['offline']['id']}"),
                               ("job-wide", f"/jobs/{seeded.ids['FE-1']}")):
                page.goto(path)
                _no_sideways(page, size["width"])
                assert screenshot(page, f"{name}-{label}").stat().st_size > 5000
        finally:
            context.close()


def test_fair_and_search_pages_have_no_accessibility_violations_at_both_widths(
        browser: Any, live_server: Any, seeded: Seeded, fairs: dict[str, dict[str, Any]]) -> None:
    script = axe_script()
    paths = ("/fairs", "/fairs?when=past", "/fairs?province=440000", f"/fairs/{fairs['offline']['id']}",
             f"/fairs/{fairs['cancelled']['id']}", f"/fairs/{fairs['online']['id']}", "/fairs/nope",
             f"/?fair={fairs['offline']['id']}", "/?fair=nope", "/?q=kuaiji", "/?q=%E5%AE%87%E8%88%AA%E5%91%98",
             f"/jobs/{seeded.ids['FE-1']}", f"/jobs/{seeded.ids['ACC-1']}")
    found = {}
    for size in (DESKTOP, NARROW):
        context = browser.new_context(viewport=size, base_url=live_server.url, bypass_csp=True)
        try:
            page = context.new_page()
            for path in paths:
                page.goto(path)
                if page.locator(".feeds").count():
                    page.locator(".feeds summary").click()
                page.add_script_tag(path=str(script))
                result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                if bad:
                    found[(size["width"], path)] = bad
        finally:
            context.close()
    assert found == {}
