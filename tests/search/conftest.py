"""Fixtures for search tests: push postings through the API, search through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth, make_posting

Push = Callable[..., list[dict[str, Any]]]
Search = Callable[..., dict[str, Any]]


@pytest.fixture
def push(client: TestClient, partner: tuple[str, str]) -> Push:
    """``push(posting, ..., key=None)`` → the batch results; each posting is a dict or
    ``(external_id, overrides)``."""

    def _push(*postings: Any, key: str | None = None) -> list[dict[str, Any]]:
        body = [p if isinstance(p, dict) else make_posting(p[0], **p[1]) for p in postings]
        resp = client.post("/api/v1/postings/batch", json={"postings": body}, headers=auth(key or partner[1]))
        assert resp.status_code == 200, resp.text
        results = resp.json()["results"]
        assert all(r["status"] != "rejected" for r in results), results
        return results  # type: ignore[no-any-return]

    return _push


@pytest.fixture
def search(client: TestClient) -> Search:
    """``search(q=..., region=[...], ...)`` → the 200 body of GET /api/v1/jobs."""

    def _search(**params: Any) -> dict[str, Any]:
        resp = client.get("/api/v1/jobs", params={k: v for k, v in params.items() if v is not None})
        assert resp.status_code == 200, resp.text
        return resp.json()  # type: ignore[no-any-return]

    return _search


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]
