"""A rejected posting names the exact place of each problem, past the first item of every list:
``locations[2]``, ``locations[1].region_code``, ``majors[1]``, ``postings[3].external_id``; an index lost
(reported as ``[0]``) or written ``majors.1`` is the wrong field for a partner fixing its data."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth, make_posting


def test_each_rejected_posting_in_a_batch_names_exact_indexed_fields(
        client: TestClient, partner: tuple[str, str]) -> None:
    postings = [
        make_posting("OK-0"),
        make_posting("BAD-1", locations=[{"region_code": "440305"}, {"region_code": "999999"}]),
        make_posting("BAD-2", locations=["深圳-南山区", "北京市海淀区", "火星"]),
        make_posting("BAD-3", majors=["数学", "物" * 101], tags=["实习", "校招", 7]),
        make_posting("BAD-4", locations=[{"region_code": "440305"}, {"city": "火星"}]),
        make_posting("BAD-5", title="", locations=[{"region_code": "440305"}, {"region_code": "4403"}]),
    ]
    resp = client.post("/api/v1/postings/batch", json={"postings": postings}, headers=auth(partner[1]))
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["status"] for r in results] == ["created"] + ["rejected"] * 5
    got = [sorted(e["field"] for e in r["errors"]) for r in results]
    assert got == [[], ["locations[1].region_code"], ["locations[2]"], ["majors[1]", "tags[2]"],
                   ["locations[1]"], ["locations[1]", "locations[1].region_code", "title"]]


def test_batch_level_problems_name_the_posting_by_its_index(client: TestClient, partner: tuple[str, str]) -> None:
    postings: list[Any] = [make_posting(f"P{i}") for i in range(3)] + [make_posting("P1"), "not an object"]
    resp = client.post("/api/v1/postings/batch", json={"postings": postings}, headers=auth(partner[1]))
    assert resp.status_code == 422, resp.text
    assert [e["field"] for e in resp.json()["errors"]] == ["postings[3].external_id"]
    assert resp.json()["errors"][0]["message"] == "duplicate of postings[1].external_id"
