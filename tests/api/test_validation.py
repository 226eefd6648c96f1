"""Bad input: a 422 problem naming each field, 413 for huge bodies, never a 500; nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import auth, make_posting


def fields(resp: Any) -> set[str]:
    return {e["field"] for e in resp.json()["errors"]}


@pytest.mark.parametrize(("overrides", "field"), [
    ({"surprise": True}, "surprise"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": 42}, "title"),
    ({"headcount": "five"}, "headcount"),
    ({"title": "Java\x00工程师"}, "title"),
    ({"title": "长" * (2 * 1024 * 1024 // 3)}, "title"),
    ({"external_id": "x" * 129}, "external_id"),
    ({"employer": {"name": ""}}, "employer.name"),
    ({"employer": {"name": "某公司", "type": "alien"}}, "employer.type"),
    ({"locations": []}, "locations"),
    ({"locations": [{"region_code": "999999"}]}, "locations[0].region_code"),
    ({"locations": ["火星"]}, "locations[0]"),
    ({"education": "宇宙学位"}, "education"),
    ({"salary": {"min": 9000, "max": 100}}, "salary"),
    ({"salary": {"min": -1}}, "salary.min"),
    ({"industry": "Z"}, "industry"),
    ({"posted_at": "yesterday"}, "posted_at"),
    ({"apply_url": "javascript:alert(1)"}, "apply_url"),
    # Indexes past the first: a path that lost its index, or wrote it as .1, would name the wrong place.
    ({"locations": [{"region_code": "440305"}, {"region_code": "999999"}]}, "locations[1].region_code"),
    ({"locations": ["深圳-南山区", "北京市海淀区", "火星"]}, "locations[2]"),
    ({"majors": ["数学", "物" * 101]}, "majors[1]"),
    ({"tags": ["校园招聘", "实习", 7]}, "tags[2]"),
])
def test_put_with_bad_field_is_422_naming_it(client: TestClient, partner: tuple[str, str],
                                              overrides: dict[str, Any], field: str) -> None:
    _, key = partner
    body = make_posting("BAD")
    body.update(overrides)
    resp = client.put("/api/v1/postings/BAD", json=body, headers=auth(key))
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    assert field in fields(resp), fields(resp)  # exact: an index lost or written .1 is a different field
    assert client.get("/api/v1/postings/BAD", headers=auth(key)).status_code == 404


def test_external_id_over_128_in_path_is_422(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    long_id = "x" * 129
    resp = client.put(f"/api/v1/postings/{long_id}", json=make_posting(long_id), headers=auth(key))
    assert resp.status_code == 422 and "external_id" in fields(resp)


def test_batch_over_1000_is_422_and_stores_nothing(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    postings = [make_posting(f"N{i}") for i in range(1001)]
    resp = client.post("/api/v1/postings/batch", json={"postings": postings}, headers=auth(key))
    assert resp.status_code == 422 and fields(resp) == {"postings"}
    assert client.get("/api/v1/postings/N0", headers=auth(key)).status_code == 404


def test_same_external_id_twice_in_one_batch_is_422_naming_the_second(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting("D"), make_posting("E"), make_posting("D")]},
                       headers=auth(key))
    assert resp.status_code == 422 and fields(resp) == {"postings[2].external_id"}
    assert client.get("/api/v1/postings/D", headers=auth(key)).status_code == 404


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"postings": []}', b'{"postings": {}}',
                                  b'{"postings": [1], "extra": 2}', b'"text"', b"\xff\xfe"])
def test_malformed_batch_bodies_are_422(client: TestClient, partner: tuple[str, str], body: bytes) -> None:
    _, key = partner
    resp = client.post("/api/v1/postings/batch", content=body,
                       headers={**auth(key), "Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert resp.json()["errors"]


def test_non_object_items_in_a_batch_are_rejected_individually(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    resp = client.post("/api/v1/postings/batch", json={"postings": [1, "x", None, make_posting("OK")]}, headers=auth(key))
    assert resp.status_code == 200
    assert [r["status"] for r in resp.json()["results"]] == ["rejected"] * 3 + ["created"]


def test_body_over_the_size_limit_is_413(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    huge = b'{"postings": [' + b'"' + b"x" * (11 * 1024 * 1024) + b'"]}'
    resp = client.post("/api/v1/postings/batch", content=huge, headers={**auth(key), "Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_chunked_body_over_the_limit_is_413(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner

    def chunks() -> Any:
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    resp = client.post("/api/v1/postings/batch", content=chunks(), headers={**auth(key), "Content-Type": "application/json"})
    assert resp.status_code == 413


def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    assert client.get("/api/v1/nothing").headers["content-type"].startswith("application/problem+json")
    assert client.patch("/api/v1/postings/batch").status_code == 405


def test_bad_path_and_query_values_are_422(client: TestClient) -> None:
    assert client.get("/api/v1/jobs", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/jobs", params={"limit": 100000}).status_code == 422
    assert client.get("/api/v1/jobs", params={"cursor": "tampered"}).status_code == 422
    assert client.get("/api/v1/jobs/" + "x" * 65).status_code == 422
    assert client.get("/api/v1/jobs/nope").status_code == 404
