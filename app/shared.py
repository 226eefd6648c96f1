"""What the API processes share through Redis (``HUB_REDIS_URL``): the rate limits' counters
(``app.ratelimit``) and cached totals and facet counts (``app.search.facets``).

Redis is a helper, never a dependency: every call fails open. When Redis does not answer,
the caller goes on without it (counts alone, or computes the value), the failure is logged
at most once every ``LOG_EVERY_S`` seconds per use, and ``hub_redis_errors_total`` counts it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
import redis
from prometheus_client import Counter

log = logging.getLogger("hub.shared")
REDIS_ERRORS = Counter("hub_redis_errors_total", "Calls to Redis that failed (the hub went on without it)",
                       ["use"])
LOG_EVERY_S = 30.0
TIMEOUT_S = 1.0  # a Redis that hangs costs a request at most this, then is skipped for BACKOFF_S
BACKOFF_S = 5.0
_last_logged: dict[str, float] = {}


def redis_failed(use: str, exc: BaseException) -> None:
    """Count a failed Redis call and log it (at most once every ``LOG_EVERY_S`` per use)."""
    REDIS_ERRORS.labels(use).inc()
    now = time.monotonic()
    if now - _last_logged.get(use, -LOG_EVERY_S) >= LOG_EVERY_S:
        _last_logged[use] = now
        log.warning("Redis unavailable, going on without it", extra={"use": use, "error": repr(exc)[:200]})


class SharedCache:
    """JSON values in Redis under ``prefix``, with a time to live; every failure is a miss."""

    def __init__(self, url: str, prefix: str) -> None:
        self.prefix = prefix
        self.client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
        self._down_until = 0.0

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, exc: BaseException) -> None:
        self._down_until = time.monotonic() + BACKOFF_S
        redis_failed("cache", exc)

    def get(self, key: str) -> Any:
        if not self._usable():
            return None
        try:
            raw = self.client.get(self.prefix + key)
        except redis.RedisError as exc:
            self._failed(exc)
            return None
        return None if raw is None else orjson.loads(raw)

    def set(self, key: str, value: Any, ttl_s: float) -> None:
        if not self._usable():
            return
        try:
            self.client.set(self.prefix + key, orjson.dumps(value), px=max(1, int(ttl_s * 1000)))
        except redis.RedisError as exc:
            self._failed(exc)

    def close(self) -> None:
        self.client.close()
