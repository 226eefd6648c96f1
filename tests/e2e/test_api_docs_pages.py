"""/docs (Swagger UI) and /redoc (ReDoc) render the API in a real browser from the hub's own
files: every request leaving the loopback server is refused, and the pages still work."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _offline(page: Any) -> list[str]:
    """Refuse (and remember) every request to another host than the loopback server; JavaScript
    errors are remembered too (a CSP refusal of the page's own scripts would show there)."""
    refused: list[str] = []
    page.on("pageerror", lambda exc: refused.append(f"error: {exc}"))

    def handle(route: Any) -> None:
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", handle)
    return refused


def _screenshot(page: Any, name: str) -> None:
    """The first screen only: the whole reference is too tall to render as one picture."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_swagger_ui_lists_the_operations_offline(page: Any) -> None:
    refused = _offline(page)
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/postings/batch" in p for p in paths) and len(paths) >= 60
    assert page.locator(".info .title").inner_text().startswith("Hub 24365")
    _screenshot(page, "api-docs-swagger")
    assert refused == [] and page.csp_errors == []


def test_redoc_renders_the_reference_offline(page: Any) -> None:
    refused = _offline(page)
    page.goto("/redoc")
    page.get_by_role("heading", name="Push up to 1000 postings").first.wait_for(timeout=30_000)
    assert page.locator("h1").first.inner_text().startswith("Hub 24365")
    assert page.get_by_text("A batch of changes, POSTed to your webhook's URL").count() >= 1  # the webhook
    _screenshot(page, "api-docs-redoc")
    assert refused == []
    assert [e for e in page.csp_errors if "cdn.redoc.ly" not in e] == []  # only the vendor's logo is refused
