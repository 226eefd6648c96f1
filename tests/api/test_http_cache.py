"""HTTP caching and compression of reads: Cache-Control, ETag and 304s for anonymous public reads,
never a shared-cacheable answer to a request that carries a key, gzip and brotli."""

from __future__ import annotations

import gzip
from typing import Any

import brotli
import orjson
import pytest
from fastapi.testclient import TestClient

from tests.conftest import ADMIN, auth, make_posting, push

PUBLIC_READS = ["/api/v1/jobs?q=java", "/api/v1/jobs/feed.rss", "/api/v1/jobs/feed.atom",
                "/api/v1/jobs/export.csv", "/api/v1/fairs", "/", "/fairs"]


@pytest.fixture
def job_id(client: TestClient, partner: tuple[str, str]) -> str:
    return push(client, partner[1], make_posting("C-1"), make_posting("C-2", title="会计"))[0]["job_id"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_anonymous_public_reads_are_cacheable_with_an_etag_and_answer_304(client: TestClient, job_id: str,
                                                                          path: str) -> None:
    first = client.get(path)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=10"
    assert "Authorization" in first.headers["vary"] and "Accept-Encoding" in first.headers["vary"]
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == "public, max-age=10"
    other = client.get(path, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == first.content


def test_a_job_answers_304_to_if_modified_since_its_last_modified(client: TestClient, job_id: str) -> None:
    for path in (f"/api/v1/jobs/{job_id}", f"/api/v1/jobs/{job_id}/jsonld", f"/jobs/{job_id}"):
        first = client.get(path)
        assert first.status_code == 200 and "etag" in first.headers
        modified = first.headers["last-modified"]
        assert modified.endswith("GMT")
        assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_the_etag_changes_when_the_answer_does(client: TestClient, partner: tuple[str, str], job_id: str) -> None:
    before = client.get("/api/v1/jobs").headers["etag"]
    push(client, partner[1], make_posting("C-3", title="护士"))
    after = client.get("/api/v1/jobs", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before


@pytest.mark.parametrize("path", ["/api/v1/jobs", "/api/v1/postings/C-1", "/api/v1/changes", "/api/v1/me",
                                  "/api/v1/fairs"])
def test_answers_to_a_request_with_a_key_are_never_stored_by_shared_caches(client: TestClient,
                                                                           partner: tuple[str, str],
                                                                           job_id: str, path: str) -> None:
    resp = client.get(path, headers=auth(partner[1]))
    assert resp.status_code == 200
    control = resp.headers["cache-control"]
    assert "private" in control and "no-store" in control and "public" not in control
    assert "Authorization" in resp.headers["vary"]
    assert "etag" not in resp.headers


def test_admin_answers_are_private_too(client: TestClient) -> None:
    resp = client.get("/api/v1/partners", headers=ADMIN)
    assert resp.status_code == 200 and resp.headers["cache-control"] == "private, no-store"


def test_writes_and_errors_are_not_made_cacheable(client: TestClient, job_id: str) -> None:
    assert "public" not in client.get("/api/v1/jobs/nosuchjob0000000000000000").headers.get("cache-control", "")
    assert "public" not in client.get("/api/v1/jobs", params={"limit": "0"}).headers.get("cache-control", "")
    resp = client.get("/api/v1/changes")  # a 401: no key
    assert resp.status_code == 401 and "etag" not in resp.headers


def _many(client: TestClient, key: str, n: int) -> None:
    push(client, key, *[make_posting(f"Z-{i}", title=f"软件工程师{i}号") for i in range(n)])


@pytest.mark.parametrize(("accept", "coding"), [("gzip", "gzip"), ("gzip, deflate, br", "br"), ("br;q=0, gzip", "gzip")])
def test_bodies_are_compressed_as_the_client_takes_them(client: TestClient, partner: tuple[str, str],
                                                        accept: str, coding: str) -> None:
    _many(client, partner[1], 5)
    plain = client.get("/api/v1/jobs", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", "/api/v1/jobs", headers={"Accept-Encoding": accept}) as wire:
        assert wire.headers["content-encoding"] == coding
        raw = b"".join(wire.iter_raw())
    assert int(wire.headers["content-length"]) == len(raw) < len(plain.content)
    decode: Any = gzip.decompress if coding == "gzip" else brotli.decompress
    assert orjson.loads(decode(raw)) == plain.json()


def test_a_304_needs_the_same_body_whatever_the_coding(client: TestClient, job_id: str) -> None:
    etag = client.get("/api/v1/jobs", headers={"Accept-Encoding": "gzip"}).headers["etag"]
    assert client.get("/api/v1/jobs", headers={"Accept-Encoding": "br", "If-None-Match": etag}).status_code == 304


def test_a_long_csv_export_streams_compressed(client: TestClient, partner: tuple[str, str]) -> None:
    _many(client, partner[1], 300)
    plain = client.get("/api/v1/jobs/export.csv", headers={"Accept-Encoding": "identity"})
    packed = client.get("/api/v1/jobs/export.csv", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.text == plain.text and plain.text.count("\n") >= 300


def test_small_bodies_and_static_files_are_left_alone(client: TestClient) -> None:
    resp = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200 and "content-encoding" not in resp.headers
