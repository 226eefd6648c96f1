"""Suggestions: real titles and employers by Chinese prefix, pinyin and initials; bad input."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.search.conftest import Push


def _texts(client: TestClient, q: str) -> list[str]:
    resp = client.get("/api/v1/suggest", params={"q": q})
    assert resp.status_code == 200, resp.text
    return [s["text"] for s in resp.json()["suggestions"]]


def test_suggestions_complete_chinese_prefixes_pinyin_and_initials(push: Push, client: TestClient) -> None:
    push(("A", {"title": "会计", "employer": {"name": "甲会计师事务所"}}),
         ("B", {"title": "会计助理", "employer": {"name": "乙贸易有限公司"}}),
         ("C", {"title": "快递员", "employer": {"name": "丙物流有限公司"}}),
         ("D", {"title": "Java开发工程师", "employer": {"name": "中国银行股份有限公司"}}))
    assert _texts(client, "会计")[:2] == ["会计", "会计助理"]
    assert _texts(client, "kuaiji")[:2] == ["会计", "会计助理"]
    assert _texts(client, "kj")[:2] == ["会计", "会计助理"]
    assert "快递员" in _texts(client, "kuaidi")
    assert _texts(client, "java") == ["Java开发工程师"]
    assert _texts(client, "zhongguoyinhang") == ["中国银行股份有限公司"]
    body = client.get("/api/v1/suggest", params={"q": "zgyh"}).json()["suggestions"]
    assert body == [{"text": "中国银行股份有限公司", "kind": "employer", "jobs": 1}]
    assert _texts(client, "") == [] and _texts(client, "xyzxyz") == []
    assert len(_texts(client, "k")) <= 10


def test_suggest_refuses_overlong_or_control_character_input(client: TestClient) -> None:
    assert client.get("/api/v1/suggest", params={"q": "会" * 1000}).status_code == 422
    bad = client.get("/api/v1/suggest", params={"q": "a\x00b"})
    assert bad.status_code == 422 or bad.json()["suggestions"] == []
    assert client.get("/api/v1/suggest", params={"q": "kj", "limit": 11}).status_code == 422


def test_the_search_page_reads_pinyin_typed_on_a_phone(push: Push, client: TestClient) -> None:
    push(("A", {"title": "会计", "employer": {"name": "甲会计师事务所"}}))
    page = client.get("/", params={"q": "kuaiji"}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "没有找到「kuaiji」，已为您显示「会计」的结果" in page.text and "找到 1 个职位" in page.text
    assert 'data-suggest="/api/v1/suggest"' in page.text


def test_a_large_vocabulary_is_built_in_the_background_serving_the_commonest_meanwhile(
        push: Push, client: TestClient, monkeypatch: Any) -> None:
    from app.search import suggest

    monkeypatch.setattr(suggest, "SMALL", 1)
    monkeypatch.setattr(suggest, "_cache", {})
    push(("A", {"title": "会计", "employer": {"name": "甲会计师事务所"}}),
         ("B", {"title": "会计", "employer": {"name": "乙会计师事务所"}, "locations": [{"region_code": "110105"}]}),
         ("C", {"title": "快递员", "employer": {"name": "丙物流有限公司"}}))
    first = _texts(client, "k")
    assert first == ["会计"]  # the commonest entry at once
    deadline = time.monotonic() + 20
    while "快递员" not in _texts(client, "kuaidi") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "快递员" in _texts(client, "kuaidi")  # the whole vocabulary, built in a thread
