"""Campaign test helpers: jobs pushed through the road in, with their ids."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import auth


@pytest.fixture
def post_jobs(client: Any, make_partner: Any) -> Any:
    """Push postings as a recruiter; returns ``{external_id: job_id}``."""
    _, key = make_partner("recruiter")

    def _post(*postings: dict[str, Any]) -> dict[str, str]:
        resp = client.post("/api/v1/postings/batch", json={"postings": list(postings)}, headers=auth(key))
        assert resp.status_code == 200, resp.text
        results = resp.json()["results"]
        assert all(r["status"] == "created" for r in results), results
        return {r["external_id"]: r["job_id"] for r in results}

    _post.key = key  # type: ignore[attr-defined]
    return _post
