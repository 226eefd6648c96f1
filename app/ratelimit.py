"""Rate limits (the ``limits`` library), as one pure ASGI middleware in front of every route.

A request with an ``Authorization`` header counts against its key (``HUB_RATE_LIMIT_PARTNER``;
the key is hashed, never stored); one without counts against its client address
(``HUB_RATE_LIMIT_ANONYMOUS``). Past a limit the answer is ``429`` problem+json with
``Retry-After``, before any handler runs: a partner's batch over the limit is not started, so
nothing of it is stored. Every limited answer carries the IETF RateLimit headers (the draft's
``RateLimit`` and ``RateLimit-Policy`` fields, and the older ``RateLimit-Limit`` /
``-Remaining`` / ``-Reset`` trio that many clients read). ``/healthz``, ``/readyz`` and
``/metrics`` are never limited, nor the pages' own files (``/static/``, ``/docs/assets``).

With ``HUB_REDIS_URL`` the counters live in Redis and hold across every API process and
machine; without it each process counts alone. If Redis fails, requests pass unlimited
(fail open: logged, counted by ``hub_redis_errors_total``) and Redis is tried again after a
short pause.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time

import orjson
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.shared import BACKOFF_S, TIMEOUT_S, redis_failed

EXEMPT = frozenset({"/healthz", "/readyz", "/metrics"})
EXEMPT_PREFIXES = ("/static/", "/docs/")  # the pages' own files, fetched with each page


def parse_limits(value: str) -> list[RateLimitItem]:
    """``"30/second;600/minute"`` → the limits (a ValueError names a bad one)."""
    items = parse_many(value) if value.strip() else []
    if not items:
        raise ValueError(f"no rate limit in {value!r} (e.g. '30/second;600/minute')")
    return items


class _Proxies:
    """Addresses (and networks) whose client-address header is believed."""

    def __init__(self, spec: str) -> None:
        parts = [p.strip() for p in spec.split(",") if p.strip()]
        self.any = "*" in parts
        self.networks = [ipaddress.ip_network(p, strict=False) for p in parts if p != "*" and _is_ip(p)]

    def trusted(self, host: str) -> bool:
        if self.any:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in n for n in self.networks)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, *, anonymous: str, partner: str, redis_url: str | None = None,
                 prefix: str = "hub:", trusted_proxies: str = "127.0.0.1",
                 client_header: str | None = None) -> None:
        self.app = app
        self.anonymous = parse_limits(anonymous)
        self.partner = parse_limits(partner)
        self.storage: Storage
        if redis_url:
            self.storage = RedisStorage("async+" + redis_url, implementation="redispy", key_prefix=prefix + "rl",
                                        wrap_exceptions=True, socket_timeout=TIMEOUT_S,
                                        socket_connect_timeout=TIMEOUT_S)
        else:
            self.storage = MemoryStorage()
        self.limiter = SlidingWindowCounterRateLimiter(self.storage)
        self.proxies = _Proxies(trusted_proxies)
        self.client_header = client_header.lower() if client_header else None
        self._down_until = 0.0

    def _who(self, scope: Scope, headers: Headers) -> tuple[str, list[RateLimitItem]]:
        auth = headers.get("authorization")
        if auth:
            return "key:" + hashlib.sha256(auth.encode("latin-1")).hexdigest()[:32], self.partner
        peer = (scope.get("client") or ("unknown", 0))[0]
        if self.client_header and self.client_header in headers and self.proxies.trusted(peer):
            real = headers[self.client_header].split(",")[-1].strip()
            if real:
                peer = real[:64]
        return "ip:" + peer, self.anonymous

    async def _check(self, who: str, items: list[RateLimitItem]) -> list[tuple[RateLimitItem, bool, int, int]]:
        """(limit, allowed, remaining, seconds to its reset) per limit."""
        out = []
        now = time.time()
        for item in items:
            allowed = await self.limiter.hit(item, who)
            stats = await self.limiter.get_window_stats(item, who)
            reset = max(1, math.ceil(stats.reset_time - now)) if stats.reset_time else item.get_expiry()
            out.append((item, allowed, max(0, stats.remaining), reset))
        return out

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT or scope["path"].startswith(EXEMPT_PREFIXES) \
                or time.monotonic() < self._down_until:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        who, items = self._who(scope, headers)
        try:
            results = await self._check(who, items)
        except Exception as exc:  # noqa: BLE001 - fail open: the storage (Redis) is a helper
            self._down_until = time.monotonic() + BACKOFF_S
            redis_failed("rate_limit", exc)
            await self.app(scope, receive, send)
            return
        fields = _fields(results)
        refused = [r for r in results if not r[1]]
        if refused:
            retry = max(r[3] for r in refused)
            item = refused[0][0]
            body = orjson.dumps({
                "type": "about:blank", "title": "Too many requests", "status": 429,
                "detail": f"More than {item.amount} requests per {_window(item)} from this "
                          f"{'API key' if who.startswith('key:') else 'client'}; retry after {retry} s.",
            })
            await send({"type": "http.response.start", "status": 429, "headers": [
                (b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry).encode()), (b"cache-control", b"no-store"),
                *[(k.encode(), v.encode()) for k, v in fields.items()]]})
            await send({"type": "http.response.body", "body": body})
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in fields.items():
                    out[name] = value
            await send(message)

        await self.app(scope, receive, send_wrapper)


def _window(item: RateLimitItem) -> str:
    seconds = item.get_expiry()
    return "second" if seconds == 1 else "minute" if seconds == 60 else "hour" if seconds == 3600 \
        else f"{seconds} seconds"


def _fields(results: list[tuple[RateLimitItem, bool, int, int]]) -> dict[str, str]:
    """The RateLimit headers: every policy, and the closest one's quota left and reset."""
    policies = ", ".join(f'"{_name(i)}";q={i.amount};w={i.get_expiry()}' for i, _, _, _ in results)
    item, _, remaining, reset = min(results, key=lambda r: (r[2], -r[3]))
    return {
        "RateLimit-Policy": policies,
        "RateLimit": f'"{_name(item)}";r={remaining};t={reset}',
        "RateLimit-Limit": str(item.amount),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset),
    }


def _name(item: RateLimitItem) -> str:
    return f"{item.amount}-per-{item.get_expiry()}s"

