"""Browser tests: Debian's Chromium driven by Playwright against the live server.

One browser per test module; a fresh context (cookies, cache) per test. Without
/usr/bin/chromium (or axe-core, for the accessibility test) the tests skip with
the reason, except under ``CI=true``, where a missing tool is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.seed import Seeded, seed_jobs

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}


def missing(what: str) -> None:
    """Fail under CI=true, skip elsewhere, saying what is missing and how to get it."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (required when CI=true)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def seeded(client: TestClient, make_partner: Any) -> Seeded:
    return seed_jobs(client, make_partner)


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop-sized page; requests leaving the loopback server are answered locally."""
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.route("https://example.com/**", lambda route: route.fulfill(
        status=200, content_type="text/html; charset=utf-8", body="<title>原始信息</title><p>原始信息页</p>"))
    page.csp_errors = []  # type: ignore[attr-defined]
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_script() -> Path:
    if not AXE.exists():
        missing(f"axe-core is not installed ({AXE}); run: npm ci --prefix tests/e2e")
    return AXE
