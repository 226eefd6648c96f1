"""The students' pages in a real browser: search, filter, page, read a job, follow its source."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, axe_script, screenshot
from tests.web.seed import HOSTILE_TITLE, PAGING_COUNT, SECOND_SOURCE, Seeded

pytestmark = pytest.mark.browser


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def titles(page: Any) -> list[str]:
    return page.locator(".job__title").all_inner_texts()  # type: ignore[no-any-return]


def test_chinese_query_typed_in_the_box_finds_and_highlights(page: Any, seeded: Seeded) -> None:
    page.goto("/")
    page.get_by_label("搜索职位、单位或专业").fill("前端")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=%E5%89%8D%E7%AB%AF"))
    assert titles(page) == ["前端开发工程师"]
    assert page.locator(".job__title mark").first.inner_text() == "前端"
    assert page.locator("#results-title").inner_text().startswith("找到 1 个职位")
    assert query_of(page.url) == {"q": ["前端"]}  # empty fields and the default order left out
    page.get_by_label("排序").select_option("newest")  # re-runs the search at once
    page.wait_for_url(re.compile("sort=newest"))
    assert titles(page) == ["前端开发工程师"]
    assert page.csp_errors == []


def test_two_filters_then_next_page(page: Any, seeded: Seeded) -> None:
    page.goto("/")
    assert page.locator("#filters").get_attribute("open") is not None  # opened beside results on desktop
    page.get_by_label("省份").select_option("440000")
    page.wait_for_selector('#city option[value="440300"]', state="attached")  # filled by the script
    page.get_by_label("城市").select_option("440300")
    page.get_by_role("checkbox", name=re.compile("^本科")).check()
    page.get_by_role("button", name="应用筛选").click()
    page.wait_for_url(re.compile("region=440300"))
    assert query_of(page.url) == {"region": ["440300"], "education": ["bachelor"]}
    total = PAGING_COUNT + 1  # the testing jobs in 福田 and the Java job in 南山, all for 本科
    assert page.locator("#results-title").inner_text().startswith(f"找到 {total} 个职位")
    first = titles(page)
    assert len(first) == 20
    assert page.locator(".chip").all_text_contents() == ["广东省·深圳市 ×（移除）", "本科 ×（移除）"]
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url(re.compile("cursor="))
    second = titles(page)
    assert len(second) == total - 20 and not set(first) & set(second)
    assert page.locator(".pager__page").inner_text() == "第 2 页"
    page.get_by_role("link", name="上一页").click()
    page.wait_for_url(lambda url: "cursor=" not in url)
    assert titles(page) == first


def test_open_a_job_and_follow_its_source_link(page: Any, seeded: Seeded) -> None:
    page.goto("/?q=Java")
    page.locator(".job__title a").first.click()
    page.wait_for_url(f"**/jobs/{seeded.ids['JAVA-1']}")
    assert page.locator("h1").inner_text().startswith("Java开发工程师")
    assert page.locator("script[type='application/ld+json']").count() == 1
    apply = page.get_by_role("link", name=re.compile("去申请"))
    assert apply.get_attribute("href") == "https://example.edu.cn/apply/17"
    assert page.locator(".source").count() == 2  # shared by a university and a recruiter
    page.get_by_role("link", name=re.compile("查看原始信息.*" + re.escape(SECOND_SOURCE))).click()
    page.wait_for_url("https://example.com/zl/77")
    assert page.locator("p").inner_text() == "原始信息页"


def test_empty_search_offers_ways_to_loosen_it(page: Any, seeded: Seeded) -> None:
    page.goto("/?q=会计&region=310000")
    assert page.get_by_role("heading", name="没有找到符合条件的职位").is_visible()
    page.get_by_role("link", name="去掉「上海市」").click()
    page.wait_for_url(lambda url: "region" not in url)
    assert titles(page) == ["会计助理"]


def test_hostile_query_is_shown_as_text(page: Any, seeded: Seeded) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = '"><script>window.__pwned=1;alert(1)</script><img src=x onerror="window.__pwned=2">'
    page.goto("/")
    page.get_by_label("搜索职位、单位或专业").fill(hostile)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("q="))
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.get_by_label("搜索职位、单位或专业").input_value() == hostile
    assert page.locator("img").count() == 0
    page.goto(f"/jobs/{seeded.ids['EVIL-1']}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE and dialogs == []


def test_search_and_filters_work_without_javascript(browser: Any, live_server: Any, seeded: Seeded) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=live_server.url)
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("#filters summary").click()
        page.get_by_label("省份").select_option("110000")
        page.get_by_role("button", name="应用筛选").click()
        page.wait_for_url(re.compile("province=110000"))
        assert titles(page) == ["会计助理"]
        page.locator("#filters summary").click()
        assert page.get_by_label("城市").locator("option").count() > 10  # 北京's districts, now listed
        page.get_by_label("搜索职位、单位或专业").fill("会计")
        page.get_by_role("button", name="搜索", exact=True).click()
        page.wait_for_url(re.compile("q="))
        assert titles(page) == ["会计助理"]
    finally:
        context.close()


def test_keyboard_reaches_the_search_box_and_submits(page: Any, seeded: Seeded) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("会计")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("q="))
    assert titles(page) == ["会计助理"]


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_at_phone_and_desktop_widths_without_sideways_scrolling(
        browser: Any, live_server: Any, seeded: Seeded, size: dict[str, int]) -> None:
    context = browser.new_context(viewport=size, base_url=live_server.url, locale="zh-CN")
    try:
        page = context.new_page()
        label = "phone" if size is PHONE else "desktop"
        for name, path in (("search", "/?q=工程师"), ("job", f"/jobs/{seeded.ids['ACC-1']}"),
                           ("empty", "/?q=宇航员&region=310000")):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
            assert screenshot(page, f"{name}-{label}").stat().st_size > 5000
    finally:
        context.close()


def test_pages_have_no_serious_accessibility_violations(browser: Any, live_server: Any, seeded: Seeded) -> None:
    script = axe_script()
    # axe is injected as an inline script, which the pages' CSP rightly forbids; bypass it here only.
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, bypass_csp=True)
    try:
        page = context.new_page()
        found = {}
        for path in ("/?q=工程师&education=bachelor", f"/jobs/{seeded.ids['ACC-1']}", "/?q=宇航员",
                     f"/employers/{page.request.get(live_server.url + '/api/v1/jobs/' + seeded.ids['FE-1']).json()['employer']['id']}",
                     "/fairs", "/jobs/nope"):
            page.goto(path)
            if page.locator("#filters").count():
                page.locator("#filters summary").click()  # check the filter controls too
            page.add_script_tag(path=str(script))
            result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
            if bad:
                found[path] = bad
        assert found == {}
    finally:
        context.close()
