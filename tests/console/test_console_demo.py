"""``make run``'s demo prints a staff user for each role; each signs in and sees a campaign under way."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from app.config import get_settings
from app.demo import load_demo


@pytest.fixture
def demo_staff(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, str]]:
    monkeypatch.setenv("HUB_DATABASE_URL", db_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "test-secret-key-0123456789")
    get_settings.cache_clear()
    try:
        load_demo()
        summary = load_demo()  # twice: the second start gives every demo user a new password
    finally:
        get_settings.cache_clear()
    return {s["login"]: s for s in summary["staff"]}


def test_each_role_signs_in_with_the_printed_credentials(demo_staff: dict[str, dict[str, str]],
                                                         browser_for: Any) -> None:
    assert {s["kind"] for s in demo_staff.values()} == {"university", "provincial_platform", "national"}
    pages = {"szu.manager": ("/console/university", "深圳大学"), "gd.editor": ("/console/province", "韶关学院"),
             "moe.viewer": ("/console/ministry", "广东省")}
    for login, (path, seen) in pages.items():
        b = browser_for()
        resp = b.sign_in(login, demo_staff[login]["password"])
        assert resp.status_code == 303, login
        page = b.get(path)
        assert page.status_code == 200 and seen in page.text, login
    uni = browser_for()
    uni.sign_in("szu.manager", demo_staff["szu.manager"]["password"])
    cases = uni.get("/console/university/cases").text
    assert "DEMO-001" in cases
    ministry = browser_for()
    ministry.sign_in("moe.viewer", demo_staff["moe.viewer"]["password"])
    yesterday = (datetime.now(timezone(timedelta(hours=8))).date() - timedelta(days=1)).isoformat()
    table = ministry.get(f"/console/ministry?date={yesterday}").text
    assert '<span class="status status--on_time">✓ 按时报送</span>' in table  # 广东 reported on time
    assert '<span class="status status--missing">✗ 未报送</span>' in table  # 江苏 did not
