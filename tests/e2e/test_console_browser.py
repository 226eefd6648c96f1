# ruff: noqa: F811 - the console fixtures are imported here, and test arguments name them
"""The operators' console in Debian's Chromium: each role's main flow (sign in, do the task, see the
result, sign out) at desktop (1280 px) and phone (390 px) widths, without JavaScript too, and the
axe-core check with no violations on every console page. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.conftest import make_posting, push
from tests.console.conftest import _cheap_hashing, make_staff, settings  # noqa: F401 - fixtures
from tests.e2e.conftest import ARGS, axe_script, screenshot  # noqa: F401

pytestmark = pytest.mark.browser
BEIJING = timezone(timedelta(hours=8))
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_page(browser: Any, live_server: Any) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(size: dict[str, int], *, js: bool = True, bypass_csp: bool = False) -> Any:
        context = browser.new_context(viewport=size, base_url=live_server.url, locale="zh-CN",
                                      java_script_enabled=js, bypass_csp=bypass_csp)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.csp_errors = []
        page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
        return page

    yield _open
    for context in contexts:
        context.close()


def sign_in(page: Any, login: str, password: str = "correct horse battery") -> None:
    page.goto("/console")
    page.wait_for_url(re.compile("/console/sign-in"))
    page.get_by_label("账号").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "sign-in" not in url)


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile("/console/sign-in"))
    page.goto("/console/university")
    assert "/console/sign-in" in page.url


def _jobs(client: Any, make_partner: Any) -> None:
    _, key = make_partner("recruiter")
    push(client, key, *(make_posting(f"J{i}", title=f"软件开发工程师{i}", employer={"name": f"深圳示例{i}科技有限公司"})
                        for i in range(4)))


def _record_visit(page: Any, employer: str) -> None:
    """Open the visits page's folded form, record today's visit to ``employer`` and wait for the list."""
    page.locator("details summary").click()
    page.get_by_label("用人单位名称").fill(employer)
    page.get_by_label("走访时间").fill(datetime.now(BEIJING).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("校领导姓名").fill("王校长")
    page.get_by_label("单位所在地区代码").fill("440305")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url(re.compile("/console/university/visits$"))


def test_university_records_a_visit_opens_a_case_and_pushes_a_job(
        open_page: Any, width: str, make_staff: Any, client: Any, make_partner: Any) -> None:
    _jobs(client, make_partner)
    person = make_staff("university")
    page = open_page(WIDTHS[width])
    sign_in(page, person.login)
    assert page.url.endswith("/console/university")
    if width == "desktop":
        screenshot(page, "console-university")
    page.get_by_role("link", name="访企拓岗").click()
    _record_visit(page, "深圳市某某科技有限公司")
    assert page.locator("tbody tr").first.locator("td").nth(1).inner_text() == "深圳市某某科技有限公司"
    assert page.locator("#p-visits").get_attribute("value") == "1"
    page.get_by_role("link", name="困难毕业生档案").click()
    page.get_by_role("link", name="新建档案").click()
    page.get_by_label("本校编号").fill("2026-KN-0042")
    page.get_by_label("困难类别").select_option("low_income")
    page.get_by_label("帮扶计划（一人一策）").fill("每周一次一对一指导")
    page.get_by_role("button", name="建档").click()
    page.wait_for_url(re.compile("/console/university/cases/[0-9a-z]+$"))
    assert page.locator("h1").inner_text() == "档案 2026-KN-0042"
    page.get_by_role("button", name=re.compile("^推送")).first.click()
    page.wait_for_url(re.compile("#pushes$"))
    assert page.locator("#push-h").inner_text() == "已推送岗位（1）"
    assert page.locator("#p-pushes").get_attribute("value") == "1"
    assert page.csp_errors == []
    sign_out(page)


def test_province_reads_the_laggards_and_submits_the_days_report(
        open_page: Any, width: str, make_staff: Any, make_partner: Any) -> None:
    make_partner("university", name="韶关学院", region_code="440200")
    person = make_staff("provincial_platform", region_code="440000")
    page = open_page(WIDTHS[width])
    sign_in(page, person.login)
    assert page.url.endswith("/console/province")
    assert page.get_by_role("rowheader").first.inner_text().startswith("韶关学院")
    if width == "desktop":
        screenshot(page, "console-province")
    page.get_by_role("link", name="每日报送").click()
    page.get_by_label("活动总结", exact=True).fill("今日全省高校开展访企拓岗活动。")
    page.get_by_label("工作亮点（每行一条）").fill("韶关学院已督促")
    page.get_by_role("button", name="报送教育部").click()
    page.wait_for_url(re.compile(r"/console/province/report\?date="))
    assert page.locator("article.version h3").first.inner_text().startswith("第 1 版")
    assert page.get_by_role("button", name="重新报送").is_visible()
    sign_out(page)


def test_ministry_reads_the_national_table_trends_and_map(
        open_page: Any, width: str, make_staff: Any, make_partner: Any) -> None:
    make_partner("university", name="韶关学院", region_code="440200")
    person = make_staff("national")
    page = open_page(WIDTHS[width])
    sign_in(page, person.login)
    assert page.url.endswith("/console/ministry")
    assert page.locator("table.national tbody tr").count() == 31
    if width == "desktop":
        screenshot(page, "console-ministry")
    page.get_by_role("link", name="趋势").click()
    assert page.locator("figure.chart svg").count() == 5
    page.get_by_role("link", name="分省地图").click()
    assert page.locator("svg .tile").count() == 31
    page.get_by_role("link", name=re.compile("^广东 ")).click()
    page.wait_for_url(re.compile("/console/ministry/provinces/440000"))
    assert "韶关学院" in page.locator("tbody").inner_text()
    sign_out(page)


def test_the_console_works_without_javascript(open_page: Any, make_staff: Any) -> None:
    person = make_staff("university")
    page = open_page(WIDTHS["phone"], js=False)
    sign_in(page, person.login)
    page.goto("/console/university/visits")
    _record_visit(page, "无脚本测试有限公司")
    assert "无脚本测试有限公司" in page.locator("tbody").inner_text()
    province = make_staff("provincial_platform")
    page = open_page(WIDTHS["desktop"], js=False)
    sign_in(page, province.login)
    page.goto("/console/province/report")
    page.get_by_label("活动总结", exact=True).fill("无脚本报送")
    page.get_by_role("button", name="报送教育部").click()
    page.wait_for_url(re.compile(r"report\?date="))
    assert "无脚本报送" in page.locator("article.version").inner_text()


def _axe(page: Any, script: Any) -> list[Any]:
    page.add_script_tag(path=str(script))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def test_no_axe_violations_on_any_console_page(open_page: Any, width: str, make_staff: Any, client: Any,
                                               make_partner: Any) -> None:
    script = axe_script()
    _jobs(client, make_partner)
    uni = make_staff("university", role="manager")
    found: dict[str, Any] = {}
    page = open_page(WIDTHS[width], bypass_csp=True)  # axe is injected inline, which the CSP forbids
    page.goto("/console/sign-in")
    found["/console/sign-in"] = _axe(page, script)
    sign_in(page, uni.login)
    page.goto("/console/university/cases/new")
    page.get_by_label("本校编号").fill("AXE-1")
    page.get_by_role("button", name="建档").click()
    page.wait_for_url(re.compile("/cases/[0-9a-z]+$"))
    case_path = page.url.split(page.url.split("/console")[0])[1]
    page.goto("/console/university/visits")
    _record_visit(page, "某单位")
    visit_path = page.locator("tbody a").first.get_attribute("href")
    start = datetime.now(BEIJING) + timedelta(days=3)
    fair = client.post("/api/v1/fairs", headers={"Authorization": f"Bearer {uni.api_key}"}, json={
        "title": "无障碍检查招聘会", "kind": "campus", "mode": "offline", "region_code": "440305",
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=4)).isoformat()})
    assert fair.status_code == 201, fair.text
    paths = ["/console/university", "/console/university/visits", visit_path, "/console/university/cases",
             "/console/university/cases/new", case_path, "/console/university/coverage", "/console/university/audit",
             "/console/university/fairs", f"/console/university/fairs/{fair.json()['id']}", "/console/staff",
             "/console/university/cases/nope"]
    for path in paths:
        page.goto(path)
        for details in page.locator("details").all():
            details.evaluate("d => d.open = true")  # check the folded forms too
        found[path] = _axe(page, script)
    for kind, paths in (("provincial_platform", ["/console/province", "/console/province/report",
                                                 "/console/province/linkup"]),
                        ("national", ["/console/ministry", "/console/ministry/trends", "/console/ministry/map",
                                      "/console/ministry/map?by=report", "/console/ministry/provinces/440000"])):
        person = make_staff(kind)
        page = open_page(WIDTHS[width], bypass_csp=True)
        sign_in(page, person.login)
        for path in paths:
            page.goto(path)
            for details in page.locator("details").all():
                details.evaluate("d => d.open = true")
            found[path] = _axe(page, script)
    assert {p: v for p, v in found.items() if v} == {}
