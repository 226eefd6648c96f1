"""check_url: schemes, credentials and every kind of non-public address."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import httpcore
import httpx
import pytest

from app.outbound.fetch import UnsafeURLError, check_url, is_public_address
from app.outbound.guard import (
    AddressPolicy,
    GuardedBackend,
    ResolveError,
    install_guard,
    reset_policy,
    use_policy,
)

REFUSED = [
    "http://127.0.0.1/", "http://localhost:8080/feed", "http://[::1]/",
    "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fc00::1]/",
    "http://[fd12:3456::1]/", "http://224.0.0.1/", "http://[ff02::1]/", "http://240.0.0.1/",
    "http://0.0.0.0/", "http://[::]/", "http://100.64.0.1/", "http://100.127.255.254/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::]/",
    "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/",
    "http://0/", "http://017700000001/", "http://0x7f000001/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError) as caught:
        check_url(url, allow_private=False)
    assert caught.value.error_class == "unsafe_url"


@pytest.mark.parametrize("url", ["ftp://example.com/feed.xml", "file:///etc/passwd",
                                 "gopher://example.com/", "javascript:alert(1)", "//example.com/"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, allow_private=True)


@pytest.mark.parametrize("url", ["http://user:pass@example.com/", "http://user@example.com/",
                                 "https://:secret@example.com/"])
def test_credentials_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="credentials"):
        check_url(url, allow_private=True)


def test_public_addresses_pass() -> None:
    check_url("http://8.8.8.8/feed.json", allow_private=False)
    check_url("https://[2001:4860:4860::8888]/", allow_private=False)


def test_allow_private_allows_anything_resolvable() -> None:
    check_url("http://127.0.0.1:8000/", allow_private=True)
    check_url("http://10.0.0.1/", allow_private=True)
    with pytest.raises(ResolveError):
        check_url("http://no-such-host.invalid/", allow_private=True)


def test_every_answer_is_checked() -> None:
    """One private answer among public ones is enough to refuse."""
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]
    with pytest.raises(UnsafeURLError, match="10.0.0.5"):
        check_url("http://mixed.example/", allow_private=False, resolver=resolver)


def test_is_allowed_predicate_replaces_the_default() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["10.8.0.7"]
    check_url("http://intranet.partner/", allow_private=False, resolver=resolver,
              is_allowed=lambda host, address: host == "intranet.partner")
    with pytest.raises(UnsafeURLError):
        check_url("http://other.partner/", allow_private=False, resolver=resolver,
                  is_allowed=lambda host, address: host == "intranet.partner")


def test_resolver_garbage_is_refused() -> None:
    with pytest.raises(UnsafeURLError):
        check_url("http://x.example/", allow_private=False, resolver=lambda h, p: ["not-an-ip"])
    with pytest.raises(ResolveError):
        check_url("http://x.example/", allow_private=False, resolver=lambda h, p: [])


@pytest.mark.parametrize(("address", "public"), [
    ("1.1.1.1", True), ("100.63.255.255", True), ("100.64.0.0", False), ("192.0.2.1", False),
    ("198.18.0.1", False), ("255.255.255.255", False), ("2606:4700::1111", True),
    ("::ffff:8.8.8.8", True), ("::ffff:192.168.0.1", False), ("2001:db8::1", False),
])
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


class _Recorder(httpcore.AsyncNetworkBackend):
    """A network backend that records where it was asked to connect, and connects nowhere."""

    def __init__(self, refuse: set[str] | None = None) -> None:
        self.calls: list[tuple[str, int]] = []
        self.options: list[tuple[Any, Any, Any]] = []
        self.refuse = refuse or set()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        self.calls.append((host, port))
        self.options.append((timeout, local_address, socket_options))
        if host in self.refuse:
            raise httpcore.ConnectError(f"refused {host}")
        return httpcore.AsyncMockStream([])  # type: ignore[no-any-return, attr-defined]


def test_the_connect_time_guard_resolves_with_the_port_and_connects_to_the_checked_addresses() -> None:
    asked: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["203.0.113.7", "198.51.100.9"]

    inner = _Recorder(refuse={"203.0.113.7"})
    policy = AddressPolicy(is_allowed=lambda host, address: True, resolver=resolver)

    async def connect() -> None:
        token = use_policy(policy)
        try:
            await GuardedBackend(inner).connect_tcp("feeds.example.test", 8443, timeout=3.0,
                                                    local_address="0.0.0.0", socket_options=[(1, 2, 3)])
        finally:
            reset_policy(token)

    asyncio.run(connect())
    assert asked == [("feeds.example.test", 8443)]
    assert inner.calls == [("203.0.113.7", 8443), ("198.51.100.9", 8443)]  # the next address after a refusal
    assert inner.options == [(3.0, "0.0.0.0", [(1, 2, 3)])] * 2  # the caller's connect options, passed on


def test_the_connect_time_guard_refuses_unix_sockets_and_private_answers() -> None:
    inner = _Recorder()
    with pytest.raises(UnsafeURLError, match="^unix sockets are not allowed$"):
        asyncio.run(GuardedBackend(inner).connect_unix_socket("/var/run/docker.sock"))
    policy = AddressPolicy(resolver=lambda host, port: ["10.0.0.5"])

    async def connect() -> None:
        token = use_policy(policy)
        try:
            await GuardedBackend(inner).connect_tcp("rebound.example.test", 80)
        finally:
            reset_policy(token)

    with pytest.raises(UnsafeURLError, match="non-public address 10.0.0.5"):
        asyncio.run(connect())
    assert inner.calls == []


@pytest.mark.parametrize(("url", "port"), [("https://feeds.example.test/x", 443), ("http://feeds.example.test/x", 80),
                                           ("https://feeds.example.test:8443/x", 8443)])
def test_the_check_resolves_with_the_schemes_default_port(url: str, port: int) -> None:
    asked: list[tuple[str, int]] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return ["93.184.215.14"]  # public

    check_url(url, allow_private=False, resolver=resolver)
    assert asked == [("feeds.example.test", port)]


def test_credentials_in_a_url_are_refused_in_so_many_words() -> None:
    with pytest.raises(UnsafeURLError, match="^credentials in the URL are not allowed$"):
        check_url("https://user:secret@example.com/feed", allow_private=False)


def test_the_guard_cannot_be_installed_on_something_else() -> None:
    for transport in (object(), httpx.HTTPTransport()):
        with pytest.raises(RuntimeError, match="^cannot install the connect-time address guard on this httpx$"):
            install_guard(transport)  # type: ignore[arg-type]
    transport = httpx.AsyncHTTPTransport()
    install_guard(transport)
    install_guard(transport)  # twice: still one guard
    backend = transport._pool._network_backend  # type: ignore[attr-defined]
    assert isinstance(backend, GuardedBackend) and not isinstance(backend._inner, GuardedBackend)
