"""Safe fetching over HTTP (database-free): partner feeds, and the client webhooks are sent with.

``fetch`` follows redirects by hand (re-checking every hop against the SSRF guard),
sends conditional GET headers, enforces one overall deadline (``asyncio.timeout``
around everything, so a one-byte-per-second drip ends too), caps raw and decoded
size while streaming into a spooled temporary file, and retries connect errors,
timeouts, 429 and 5xx with jittered exponential backoff honouring ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Any, Self
from urllib.parse import urljoin

import httpx

from .content_coding import SUPPORTED, ContentDecoder
from .errors import (
    DeadlineError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    ProtocolError,
    ResolveError,
    TooLargeError,
    TooManyRedirectsError,
    TruncatedError,
    UnsafeURLError,
)
from .guard import (
    AddressPolicy,
    AddressPredicate,
    Resolver,
    check_url,
    check_url_async,
    install_guard,
    is_public_address,
    reset_policy,
    use_policy,
)
from .retry import RetryPolicy, parse_retry_after

__all__ = [
    "USER_AGENT",
    "DeadlineError",
    "FetchError",
    "FetchResult",
    "FetchTimeoutError",
    "HTTPStatusError",
    "NetworkError",
    "ProtocolError",
    "ResolveError",
    "RetryPolicy",
    "TooLargeError",
    "TooManyRedirectsError",
    "TruncatedError",
    "UnsafeURLError",
    "check_url",
    "fetch",
    "is_public_address",
    "make_client",
]

USER_AGENT = "Hub24365-sync/1.0"
SPOOL_BYTES = 1024 * 1024
DEFAULT_RETRY = RetryPolicy()
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(slots=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) fetch. Close it (or use ``with``)."""

    status: int
    not_modified: bool
    body: IO[bytes]  # binary, seekable, positioned at 0; empty when not_modified
    content_type: str | None
    etag: str | None
    last_modified: str | None
    final_url: str
    bytes_read: int  # decoded bytes in ``body``
    attempts: int
    raw_bytes: int = 0  # bytes on the wire (before Content-Encoding)
    next_url: str | None = None  # from a ``Link: <...>; rel="next"`` header

    def close(self) -> None:
        self.body.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_client(*, timeout_s: float = 30.0, max_connections: int = 32) -> httpx.AsyncClient:
    """The shared sync client: no redirects, no proxies from the environment, the
    connect-time address guard installed, a ``Hub24365-sync/1.0`` User-Agent."""
    transport = httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections // 2,
                            keepalive_expiry=30.0),
        retries=0)
    install_guard(transport)
    return httpx.AsyncClient(
        transport=transport, follow_redirects=False, trust_env=False,
        timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": SUPPORTED,
                 "Accept": "application/json, application/xml, text/xml, text/csv, "
                           "application/rss+xml, application/atom+xml, text/html;q=0.8, */*;q=0.5"})


@dataclass(slots=True)
class _Run:
    client: httpx.AsyncClient
    policy: AddressPolicy
    headers: dict[str, str]
    max_bytes: int
    body: IO[bytes]
    attempts: int = 0
    raw_bytes: int = 0
    decoded_bytes: int = 0


def _h11_state(response: httpx.Response) -> Any:
    """The h11 connection behind a streamed response (best effort, httpcore 1.x)."""
    stream: Any = response.stream
    for attr in ("_stream", "_httpcore_stream", "_stream", "_connection", "_h11_state"):
        stream = getattr(stream, attr, None)
        if stream is None:
            return None
    return stream


def _unread_tail(h11_state: Any) -> bytes:
    try:
        data, _closed = h11_state.trailing_data
    except Exception:  # noqa: BLE001 - internals of another library, best effort
        return b""
    return bytes(data).strip()  # some servers add a stray CRLF: tolerated


async def _read_body(run: _Run, response: httpx.Response) -> None:
    declared: int | None = None
    if "content-length" in response.headers:
        try:
            declared = int(response.headers["content-length"])
        except ValueError as exc:
            raise ProtocolError("bad Content-Length") from exc
        if declared > run.max_bytes:
            raise TooLargeError(f"Content-Length {declared} exceeds {run.max_bytes}")
    decoder = ContentDecoder(response.headers.get("content-encoding"))
    h11_state = _h11_state(response)
    raw = decoded = 0
    async for chunk in response.aiter_raw():
        raw += len(chunk)
        if raw > run.max_bytes:
            raise TooLargeError(f"body exceeds {run.max_bytes} bytes")
        if raw == declared and h11_state is not None and _unread_tail(h11_state):
            # Checked before the connection goes back to the pool (and is reused).
            raise TruncatedError("body is longer than its Content-Length")
        for piece in decoder.feed(chunk):
            decoded += len(piece)
            if decoded > run.max_bytes:
                raise TooLargeError(f"decoded body exceeds {run.max_bytes} bytes")
            run.body.write(piece)
    decoder.finish()
    if declared is not None and raw != declared:
        raise TruncatedError(f"got {raw} bytes, Content-Length said {declared}")
    run.raw_bytes, run.decoded_bytes = raw, decoded


async def _attempt(run: _Run, url: str) -> httpx.Response:
    """One request; the returned response is closed, its body (if 2xx) in ``run.body``."""
    run.attempts += 1
    run.body.seek(0)
    run.body.truncate()
    await check_url_async(url, run.policy)
    request = run.client.build_request("GET", url, headers=run.headers)
    try:
        response = await run.client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException as exc:
        raise FetchTimeoutError(f"{type(exc).__name__}: {exc}") from exc
    except httpx.TransportError as exc:
        raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
    try:
        status = response.status_code
        if status in REDIRECTS or status == 304:
            return response
        if not 200 <= status < 300:
            raise HTTPStatusError(
                status, retry_after=parse_retry_after(response.headers.get("retry-after")))
        try:
            await _read_body(run, response)
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(f"{type(exc).__name__}: {exc}") from exc
        except httpx.RemoteProtocolError as exc:
            raise TruncatedError(str(exc)) from exc
        except httpx.TransportError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        return response
    finally:
        await response.aclose()


async def _with_retries(run: _Run, url: str, retry: RetryPolicy,
                        deadline: float) -> httpx.Response:
    slept = 0.0
    tries = 0
    while True:
        tries += 1
        try:
            return await _attempt(run, url)
        except FetchError as exc:
            if not exc.retryable:
                raise
            delay = retry.delay_for(tries, exc.retry_after, slept)
            if delay is None or time.monotonic() + delay >= deadline:
                raise
        await asyncio.sleep(delay)
        slept += delay


async def _follow(run: _Run, url: str, max_redirects: int, retry: RetryPolicy,
                  deadline: float) -> FetchResult:
    current = url
    for hop in range(max_redirects + 1):
        response = await _with_retries(run, current, retry, deadline)
        if response.status_code in REDIRECTS:
            location = response.headers.get("location")
            if not location:
                raise TooManyRedirectsError(f"redirect {response.status_code} without Location")
            if hop == max_redirects:
                raise TooManyRedirectsError(f"more than {max_redirects} redirects")
            current = urljoin(current, location.strip())
            continue
        headers = response.headers
        next_link = response.links.get("next", {}).get("url")
        run.body.seek(0)
        return FetchResult(
            status=response.status_code, not_modified=response.status_code == 304,
            body=run.body, content_type=headers.get("content-type"), etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), final_url=current,
            bytes_read=run.decoded_bytes, attempts=run.attempts, raw_bytes=run.raw_bytes,
            next_url=urljoin(current, next_link) if next_link else None)
    raise AssertionError("unreachable")


async def fetch(client: httpx.AsyncClient, url: str, *, allow_private: bool,
                etag: str | None = None, last_modified: str | None = None,
                max_bytes: int = 20 * 1024 * 1024, deadline_s: float = 60,
                max_redirects: int = 5, retry: RetryPolicy = DEFAULT_RETRY,
                is_allowed: AddressPredicate | None = None,
                resolver: Resolver | None = None) -> FetchResult:
    """GET ``url`` safely; raise a ``FetchError`` subclass on any failure.

    ``is_allowed(host, address)`` and ``resolver(host, port)`` override the address
    test and name resolution (tests, or partners on an allow-listed intranet).
    """
    policy = AddressPolicy(allow_private, is_allowed, resolver)
    headers = {"Accept-Encoding": SUPPORTED}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    run = _Run(client, policy, headers, max_bytes,
               SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+b"))  # noqa: SIM115 - returned
    token = use_policy(policy)
    deadline = time.monotonic() + deadline_s
    scope = asyncio.timeout(deadline_s)
    try:
        async with scope:
            return await _follow(run, url, max_redirects, retry, deadline)
    except TimeoutError as exc:
        run.body.close()
        error: FetchError = (DeadlineError(f"fetch did not finish within {deadline_s} s")
                             if scope.expired() else NetworkError(f"timeout: {exc}"))
        error.attempts = run.attempts
        raise error from None
    except FetchError as exc:
        run.body.close()
        exc.attempts = run.attempts
        raise
    except BaseException:
        run.body.close()
        raise
    finally:
        reset_policy(token)
