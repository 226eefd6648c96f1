"""Rate limits: per client address for anonymous traffic, per key for partners, 429 problem+json
with Retry-After and the RateLimit headers, /healthz never limited, a refused batch stores
nothing; shared through Redis (for real: db 6 on 127.0.0.1:6379) or per process; fail open."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.shared import REDIS_ERRORS
from tests.conftest import auth, make_posting

REDIS_URL = "redis://127.0.0.1:6379/6"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def limited(settings: Settings, db: Database) -> Any:
    """A client factory: the hub with the given limits (and optionally Redis)."""
    made: list[TestClient] = []

    def _make(**overrides: Any) -> TestClient:
        client = TestClient(create_app(settings.model_copy(update={"rate_limit": True, **overrides}), db=db,
                                       background=False), raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield _make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    if not _redis_up():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    prefix = f"hub22test:{uuid.uuid4().hex[:8]}:"
    yield prefix
    r = redis.Redis.from_url(REDIS_URL)
    for key in r.scan_iter(match=prefix + "*"):
        r.delete(key)


def test_anonymous_clients_are_limited_with_a_429_problem_and_headers(limited: Any) -> None:
    client = limited(rate_limit_anonymous="3/minute")
    answers = [client.get("/api/v1/jobs") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert answers[0].headers["ratelimit-remaining"] == "2"
    assert answers[0].headers["ratelimit-policy"] == '"3-per-60s";q=3;w=60'
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 429 and problem["title"] == "Too many requests"
    assert "3 requests per minute" in problem["detail"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit"].startswith('"3-per-60s";r=0;t=')


def test_healthz_and_readyz_are_never_limited(limited: Any) -> None:
    client = limited(rate_limit_anonymous="1/minute")
    assert client.get("/api/v1/jobs").status_code == 200
    assert client.get("/api/v1/jobs").status_code == 429
    for _ in range(5):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200


def test_partners_count_per_key_apart_from_anonymous_traffic(limited: Any, make_partner: Any) -> None:
    client = limited(rate_limit_anonymous="2/minute", rate_limit_partner="3/minute")
    _, one = make_partner()
    _, two = make_partner()
    assert [client.get("/api/v1/me", headers=auth(one)).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/api/v1/me", headers=auth(two)).status_code == 200  # another key: its own count
    assert client.get("/api/v1/jobs").status_code == 200  # anonymous: its own count too
    refused = client.get("/api/v1/me", headers=auth(one))
    assert refused.status_code == 429 and "API key" in refused.json()["detail"]


def test_a_partner_over_its_limit_loses_nothing_and_no_batch_is_half_stored(limited: Any, make_partner: Any,
                                                                           client: TestClient) -> None:
    hub = limited(rate_limit_partner="2/minute")
    _, key = make_partner()
    body = {"postings": [make_posting(f"L-{i}", title=f"岗位{i}") for i in range(3)]}
    assert hub.post("/api/v1/postings/batch", json=body, headers=auth(key)).status_code == 200
    assert hub.get("/api/v1/postings/L-0", headers=auth(key)).status_code == 200
    refused = hub.post("/api/v1/postings/batch", json={"postings": [make_posting("L-9", title="另一个")]},
                       headers=auth(key))
    assert refused.status_code == 429 and refused.headers["retry-after"]
    # Nothing of the refused batch was stored (read through an unlimited hub on the same database).
    assert client.get("/api/v1/postings/L-9", headers=auth(key)).status_code == 404
    assert client.get("/api/v1/jobs").json()["total"] == 3


def test_the_client_address_header_is_believed_only_from_a_trusted_proxy(limited: Any) -> None:
    client = limited(rate_limit_anonymous="1/minute", client_address_header="X-Real-IP",
                     forwarded_allow_ips="testclient,127.0.0.1")
    # TestClient's peer is "testclient", not an address: not a trusted proxy, so the header is ignored.
    assert client.get("/api/v1/jobs", headers={"X-Real-IP": "203.0.113.1"}).status_code == 200
    assert client.get("/api/v1/jobs", headers={"X-Real-IP": "203.0.113.2"}).status_code == 429
    trusting = limited(rate_limit_anonymous="1/minute", client_address_header="X-Real-IP", forwarded_allow_ips="*")
    assert trusting.get("/api/v1/jobs", headers={"X-Real-IP": "203.0.113.1"}).status_code == 200
    assert trusting.get("/api/v1/jobs", headers={"X-Real-IP": "203.0.113.2"}).status_code == 200
    assert trusting.get("/api/v1/jobs", headers={"X-Real-IP": "203.0.113.1"}).status_code == 429


def test_without_redis_each_process_counts_alone(limited: Any) -> None:
    first = limited(rate_limit_anonymous="2/minute")
    second = limited(rate_limit_anonymous="2/minute")  # another API process, in effect
    assert [first.get("/api/v1/jobs").status_code for _ in range(2)] == [200, 200]
    assert second.get("/api/v1/jobs").status_code == 200
    assert first.get("/api/v1/jobs").status_code == 429


def test_with_redis_the_limit_holds_across_processes(limited: Any, redis_prefix: str) -> None:
    first = limited(rate_limit_anonymous="3/minute", redis_url=REDIS_URL, redis_prefix=redis_prefix)
    second = limited(rate_limit_anonymous="3/minute", redis_url=REDIS_URL, redis_prefix=redis_prefix)
    assert [first.get("/api/v1/jobs").status_code, second.get("/api/v1/jobs").status_code,
            first.get("/api/v1/jobs").status_code, second.get("/api/v1/jobs").status_code] == [200, 200, 200, 429]
    assert redis.Redis.from_url(REDIS_URL).keys(redis_prefix + "*")  # the counters live in Redis


def test_when_redis_is_gone_the_hub_keeps_serving_and_counts_the_failure(limited: Any) -> None:
    failures = REDIS_ERRORS.labels("rate_limit")._value.get()
    client = limited(rate_limit_anonymous="1/minute", redis_url="redis://127.0.0.1:18229/0")  # nothing listens
    answers = [client.get("/api/v1/jobs").status_code for _ in range(3)]
    assert answers == [200, 200, 200]  # fail open: unlimited rather than down
    assert REDIS_ERRORS.labels("rate_limit")._value.get() > failures


def test_bad_limit_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="HUB_RATE_LIMIT_ANONYMOUS"):
        Settings(rate_limit_anonymous="lots")
