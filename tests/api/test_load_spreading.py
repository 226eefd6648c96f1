"""A worker process answering two batch pushes at once asks one partner to reconnect, so that
continuous pushers spread over the API's worker processes (app.api.postings.LoadSpreader)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

import app.api.postings as postings_api
from app.api.postings import LoadSpreader
from tests.conftest import auth, make_posting


def test_spreader_says_close_only_while_another_push_is_answered() -> None:
    spreader = LoadSpreader()
    spreader.enter()
    assert spreader.leave() is False  # alone: keep the connection
    spreader.enter()
    spreader.enter()
    assert spreader.leave() is True  # the other is still being answered
    assert spreader.leave() is False
    assert spreader.in_flight == 0


def test_overlapping_pushes_in_one_process_close_one_connection(
        live_server: Any, partner: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, key = partner
    both_in = threading.Barrier(2, timeout=20)
    real_prepare = postings_api.prepare

    def gated(item: Any, region: str | None, **kwargs: Any) -> Any:
        both_in.wait()  # each request holds here until the other has arrived too
        return real_prepare(item, region, **kwargs)

    monkeypatch.setattr(postings_api, "prepare", gated)

    def push(external_id: str) -> httpx.Response:
        with httpx.Client(base_url=live_server.url, timeout=60) as c:
            return c.post("/api/v1/postings/batch", json={"postings": [make_posting(external_id, title=external_id)]},
                          headers=auth(key))

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(push, ["GATE-A", "GATE-B"]))
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["results"][0]["status"] for a in answers] == ["created", "created"]
    assert sorted(a.headers.get("connection", "keep-alive") for a in answers) == ["close", "keep-alive"]

    monkeypatch.setattr(postings_api, "prepare", real_prepare)
    with httpx.Client(base_url=live_server.url, timeout=60) as c:  # a lone pusher keeps its connection
        for i in range(3):
            resp = c.post("/api/v1/postings/batch", json={"postings": [make_posting(f"ALONE-{i}", title=f"独{i}")]},
                          headers=auth(key))
            assert resp.status_code == 200
            assert resp.headers.get("connection", "keep-alive") != "close"
