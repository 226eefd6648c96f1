"""SSRF guard: URL checks, address classification and a connect-time check.

``check_url`` resolves the host with ``getaddrinfo`` (which also interprets numeric
tricks such as ``2130706433``, ``0177.0.0.1``, ``0x7f.1`` and ``127.1``) and checks
every answer. ``GuardedBackend`` repeats the resolution and check inside the HTTP
connection pool, right before ``connect()``, and connects to the checked address, so
a DNS answer that changes between the check and the connection (rebinding) is caught.
Residual risk: a kept-alive connection is reused without a new check (it was checked
when opened), and clients not built by ``fetch.make_client`` only get the pre-check.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import httpcore
import httpx

from .errors import ResolveError, UnsafeURLError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> IP address strings``; the default uses ``socket.getaddrinfo``."""
AddressPredicate = Callable[[str, IPAddress], bool]
"""``(host, address) -> allowed?``; replaces the built-in public-address test."""

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which addresses a fetch may connect to."""

    allow_private: bool = False
    is_allowed: AddressPredicate | None = None
    resolver: Resolver | None = None

    def permits(self, host: str, address: IPAddress) -> bool:
        if self.allow_private:
            return True
        if self.is_allowed is not None:
            return self.is_allowed(host, address)
        return is_public_address(address)


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``getaddrinfo`` gives for ``host`` (TCP)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ResolveError(f"cannot resolve {host!r}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _embedded_v4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    Refuses loopback, private, link-local (169.254.169.254), unique-local (fc00::/7),
    multicast, reserved, unspecified, shared (100.64/10) and IPv6 forms that embed
    such an IPv4 address (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64).
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d connects to a.b.c.d
            return is_public_address(address.ipv4_mapped)
        inner = _embedded_v4(address)
        if inner is not None and not is_public_address(inner):
            return False
    if address in _SHARED:
        return False
    return address.is_global and not (
        address.is_private or address.is_loopback or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
        or getattr(address, "is_site_local", False))


def _parse(url: str) -> tuple[str, int]:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UnsafeURLError(f"invalid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise UnsafeURLError(f"scheme {parsed.scheme!r} is not allowed")
    if parsed.userinfo:
        raise UnsafeURLError("credentials in the URL are not allowed")
    if not parsed.host:
        raise UnsafeURLError("URL has no host")
    return parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)


def resolve_checked(host: str, port: int, policy: AddressPolicy) -> list[str]:
    """Resolve ``host`` and check every answer; the allowed addresses in order."""
    resolve = policy.resolver or system_resolver
    try:
        answers = list(resolve(host, port))
    except ResolveError:
        raise
    except (OSError, UnicodeError, ValueError) as exc:
        raise ResolveError(f"cannot resolve {host!r}: {exc}") from exc
    if not answers:
        raise ResolveError(f"no addresses for {host!r}")
    for answer in answers:
        try:
            address = ipaddress.ip_address(answer)
        except ValueError as exc:
            raise UnsafeURLError(f"{host!r} resolved to a bad address {answer!r}") from exc
        if not policy.permits(host, address):
            raise UnsafeURLError(f"{host!r} resolves to a non-public address {address}")
    return answers


def check_url(url: str, *, allow_private: bool, is_allowed: AddressPredicate | None = None,
              resolver: Resolver | None = None) -> None:
    """Raise ``UnsafeURLError`` unless ``url`` is http(s), has no credentials and every
    address its host resolves to is allowed (``ResolveError`` if it does not resolve)."""
    host, port = _parse(url)
    resolve_checked(host, port, AddressPolicy(allow_private, is_allowed, resolver))


async def check_url_async(url: str, policy: AddressPolicy) -> None:
    """``check_url`` with the blocking resolution run in a worker thread."""
    host, port = _parse(url)
    await anyio.to_thread.run_sync(resolve_checked, host, port, policy,
                                   abandon_on_cancel=True)


_DEFAULT_POLICY = AddressPolicy()  # outside fetch(): public addresses only
_POLICY: contextvars.ContextVar[AddressPolicy | None] = contextvars.ContextVar(
    "hub_outbound_address_policy", default=None)


def use_policy(policy: AddressPolicy) -> contextvars.Token[AddressPolicy | None]:
    """Make ``policy`` govern connections opened by this task (see ``GuardedBackend``)."""
    return _POLICY.set(policy)


def reset_policy(token: contextvars.Token[AddressPolicy | None]) -> None:
    _POLICY.reset(token)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Network backend that resolves, checks and connects to the checked address."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        policy = _POLICY.get() or _DEFAULT_POLICY
        addresses = await anyio.to_thread.run_sync(resolve_checked, host, port, policy,
                                                   abandon_on_cancel=True)
        last: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address,
                    socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise UnsafeURLError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install_guard(transport: httpx.AsyncHTTPTransport) -> None:
    """Swap the pool's network backend for a ``GuardedBackend`` (httpx/httpcore 1.x)."""
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or inner is None:
        raise RuntimeError("cannot install the connect-time address guard on this httpx")
    if not isinstance(inner, GuardedBackend):
        pool._network_backend = GuardedBackend(inner)
