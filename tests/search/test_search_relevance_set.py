"""The relevance test set: 400 held-out real postings, each stored title searched as the query."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.zhilian import zhilian_postings

FIXTURE = Path(__file__).parents[1] / "fixtures" / "zhilian_relevance_heldout.jsonl"
_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def _postings() -> list[dict[str, Any]]:
    return zhilian_postings(FIXTURE, "REL")


def test_exact_titles_come_first_and_title_holders_before_the_rest_on_real_postings(
        client: TestClient, make_partner: Any) -> None:
    _, key = make_partner("recruiter")
    postings = _postings()
    for i in range(0, len(postings), 200):
        resp = client.post("/api/v1/postings/batch", json={"postings": postings[i:i + 200]}, headers=auth(key))
        assert resp.status_code == 200
    titles: set[str] = set()
    params: dict[str, Any] = {"sort": "newest", "limit": 100}
    while True:
        body = client.get("/api/v1/jobs", params=params).json()
        titles |= {j["title"] for j in body["items"]}
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert len(titles) > 300
    exact = holders = 0
    for title in sorted(titles):
        found = [j["title"] for j in client.get("/api/v1/jobs", params={"q": title[:200]}).json()["items"]]
        q = _key(title)
        exact += bool(found) and _key(found[0]) == q
        holds = [q in _key(t) for t in found]
        holders += all(holds[i] or not any(holds[i + 1:]) for i in range(len(holds)))
    assert exact / len(titles) >= 0.95
    assert holders / len(titles) >= 0.97
