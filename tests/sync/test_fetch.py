"""fetch() against a real local server that misbehaves on purpose."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from app.outbound.fetch import (
    DeadlineError,
    FetchResult,
    FetchTimeoutError,
    HTTPStatusError,
    NetworkError,
    RetryPolicy,
    TooLargeError,
    TooManyRedirectsError,
    TruncatedError,
    UnsafeURLError,
    fetch,
    is_public_address,
    make_client,
)
from app.outbound.guard import GuardedBackend

T = TypeVar("T")
FAST = RetryPolicy(max_attempts=3, base_delay_s=0.01, max_delay_s=2.0, budget_s=3.0)


def run(make: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``make(client)`` with a fresh client, closing it afterwards."""
    async def main() -> T:
        async with make_client() as client:
            return await make(client)
    return asyncio.run(main())


def get(url: str, **kwargs: Any) -> FetchResult:
    kwargs.setdefault("allow_private", True)
    kwargs.setdefault("retry", FAST)
    kwargs.setdefault("deadline_s", 10)
    return run(lambda client: fetch(client, url, **kwargs))


def test_make_client_is_guarded_and_does_not_follow_redirects() -> None:
    async def check(client: Any) -> None:
        assert client.follow_redirects is False
        assert client.headers["User-Agent"] == "Hub24365-sync/1.0"
        assert isinstance(client._transport._pool._network_backend, GuardedBackend)
    run(check)


def test_good_feed(feed_server: Any, samples: Any) -> None:
    with get(feed_server.url("/samples/feed.json")) as result:
        assert result.status == 200 and not result.not_modified
        assert result.body.read() == samples["feed.json"][0]
        assert result.content_type == "application/json"
        assert result.attempts == 1 and result.bytes_read == len(samples["feed.json"][0])


def test_conditional_get_and_link_header(feed_server: Any) -> None:
    with get(feed_server.url("/etag.json")) as first:
        assert first.etag == '"v1"' and first.last_modified
        assert first.next_url == feed_server.url("/samples/page2.json")
    with get(feed_server.url("/etag.json"), etag='"v1"') as second:
        assert second.status == 304 and second.not_modified and second.body.read() == b""


def test_gzip_is_decoded(feed_server: Any, samples: Any) -> None:
    with get(feed_server.url("/gzip.json")) as result:
        assert result.body.read() == samples["feed.json"][0]
        assert result.raw_bytes < result.bytes_read


def test_500_is_retried_then_raised(feed_server: Any) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        get(feed_server.url("/flaky?key=always&fails=99"))
    assert caught.value.status == 500 and caught.value.error_class == "http_5xx"
    assert feed_server.hits["flaky:always"] == 3 and caught.value.attempts == 3


def test_500_then_success(feed_server: Any) -> None:
    with get(feed_server.url("/flaky?key=twice&fails=2")) as result:
        assert result.status == 200 and result.attempts == 3


def test_404_is_not_retried(feed_server: Any) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        get(feed_server.url("/flaky?key=notfound&fails=99&status=404"))
    assert caught.value.status == 404 and caught.value.error_class == "http_4xx"
    assert feed_server.hits["flaky:notfound"] == 1


def test_429_honours_retry_after(feed_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The wait the fetcher asks for is the server's Retry-After (not the policy's 10 ms): read from
    the sleeps it requests, not from a clock, which a loaded machine would make flaky."""
    waits: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay: float, *args: Any) -> Any:
        waits.append(delay)
        return await real_sleep(delay, *args)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    with get(feed_server.url("/429?key=a&after=1")) as result:
        assert result.status == 200 and result.attempts == 2
    assert feed_server.hits["429:a"] == 2
    assert [w for w in waits if w >= 1.0], waits


def test_429_with_retry_after_beyond_budget_gives_up(feed_server: Any) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        get(feed_server.url("/429?key=b&after=3600"))
    assert caught.value.status == 429 and caught.value.retry_after == 3600
    assert feed_server.hits["429:b"] == 1


def test_hung_connection_hits_the_deadline(feed_server: Any) -> None:
    with pytest.raises(DeadlineError) as caught:
        get(feed_server.url("/hang"), deadline_s=0.5)
    assert caught.value.error_class == "deadline"


def test_slow_drip_hits_the_deadline(feed_server: Any) -> None:
    with pytest.raises(DeadlineError):
        get(feed_server.url("/drip"), deadline_s=0.8)


def test_truncated_body(feed_server: Any) -> None:
    with pytest.raises(TruncatedError) as caught:
        get(feed_server.url("/truncated"))
    assert caught.value.error_class == "truncated"


def test_body_longer_than_content_length(feed_server: Any) -> None:
    with pytest.raises(TruncatedError, match="longer"):
        get(feed_server.url("/lying-short"))


def test_wrong_content_type_is_reported_not_trusted(feed_server: Any, samples: Any) -> None:
    with get(feed_server.url("/samples/wrong-type.json")) as result:
        assert result.content_type.startswith("text/html")
        assert json.loads(result.body.read())["postings"]


@pytest.mark.parametrize("query", ["", "?declared=1"])
def test_50_mb_body_is_cut_at_max_bytes(feed_server: Any, query: str) -> None:
    with pytest.raises(TooLargeError):
        get(feed_server.url("/big" + query), max_bytes=1024 * 1024)


def test_gzip_bomb_is_cut_at_max_bytes_of_output(feed_server: Any) -> None:
    with pytest.raises(TooLargeError, match="decoded"):
        get(feed_server.url("/bomb"), max_bytes=2 * 1024 * 1024)


def test_redirects_are_followed_and_counted(feed_server: Any) -> None:
    with get(feed_server.url("/chain?n=2")) as result:
        assert result.final_url == feed_server.url("/samples/feed.json")
        assert result.attempts == 4
    with pytest.raises(TooManyRedirectsError):
        get(feed_server.url("/chain?n=9"), max_redirects=3)


def test_redirect_to_another_scheme_is_refused(feed_server: Any) -> None:
    with pytest.raises(UnsafeURLError, match="scheme"):
        get(feed_server.url("/redirect?to=file:///etc/passwd"))


def _partner_resolver(host: str, port: int) -> list[str]:
    if host == "partner.test":
        return ["127.0.0.1"]
    from app.outbound.guard import system_resolver
    return system_resolver(host, port)


def _only_partner(host: str, address: Any) -> bool:
    return host == "partner.test" or is_public_address(address)


def test_redirect_to_loopback_is_refused(feed_server: Any) -> None:
    """The first hop is allowed through the test hooks; the redirect to 127.0.0.1 is not."""
    target = feed_server.url("/samples/feed.json")
    first = f"http://partner.test:{feed_server.port}/redirect?to={target}"
    with pytest.raises(UnsafeURLError, match="127.0.0.1"):
        get(first, allow_private=False, is_allowed=_only_partner, resolver=_partner_resolver)
    with get(first, allow_private=True, resolver=_partner_resolver) as result:
        assert result.final_url == target


def test_loopback_refused_without_allow_private(feed_server: Any) -> None:
    with pytest.raises(UnsafeURLError):
        get(feed_server.url("/samples/feed.json"), allow_private=False)


def test_dns_rebinding_is_caught_at_connect_time(feed_server: Any) -> None:
    """The pre-check sees a public address, the connection would go to 127.0.0.1."""
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])
    before = feed_server.hits["/samples/feed.json"]
    with pytest.raises(UnsafeURLError):
        get(f"http://rebind.test:{feed_server.port}/samples/feed.json", allow_private=False,
            resolver=lambda host, port: next(answers), retry=RetryPolicy(max_attempts=1))
    assert feed_server.hits["/samples/feed.json"] == before


def test_connect_error_is_retried() -> None:
    import socket
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as caught:
        get(f"http://127.0.0.1:{port}/", deadline_s=5)
    assert caught.value.error_class == "network" and caught.value.attempts == 3


def test_is_public_address_examples() -> None:
    assert is_public_address(ipaddress.ip_address("8.8.8.8"))
    assert not is_public_address(ipaddress.ip_address("::ffff:10.0.0.1"))


def test_a_global_ipv6_address_with_a_zone_is_not_public() -> None:
    """A zone (``%eth0``) pins the address to one local interface: refused even for a global address
    (a surviving mutant of bench/mutate.py's SSRF-guard run let it through)."""
    assert is_public_address(ipaddress.ip_address("2606:4700:4700::1111"))
    assert not is_public_address(ipaddress.ip_address("2606:4700:4700::1111%eth0"))
    for refused in ("0.0.0.0", "::", "224.0.0.1", "240.0.0.1", "100.64.0.1", "fec0::1", "2002:7f00:1::1"):
        assert not is_public_address(ipaddress.ip_address(refused)), refused


def test_per_attempt_timeouts_are_retried(feed_server: Any) -> None:
    async def go(client: Any) -> Any:
        return await fetch(client, feed_server.url("/hang"), allow_private=True,
                           deadline_s=5, retry=FAST)

    async def main() -> Any:
        async with make_client(timeout_s=0.2) as client:
            return await go(client)

    with pytest.raises(FetchTimeoutError) as caught:
        asyncio.run(main())
    assert caught.value.error_class == "timeout" and caught.value.attempts == 3


def test_a_client_that_follows_redirects_is_overridden(feed_server: Any) -> None:
    import httpx

    async def main() -> Any:
        async with httpx.AsyncClient(follow_redirects=True) as client:
            return await fetch(client, feed_server.url("/redirect?to=file:///etc/passwd"),
                               allow_private=True, retry=FAST)

    with pytest.raises(UnsafeURLError):
        asyncio.run(main())


def test_slow_name_resolution_counts_against_the_deadline() -> None:
    def slow(host: str, port: int) -> list[str]:
        time.sleep(2)
        return ["93.184.216.34"]
    with pytest.raises(DeadlineError):
        get("http://slow-dns.test/feed.json", resolver=slow, deadline_s=0.3)
