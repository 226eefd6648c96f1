"""Trusted Host headers (``HUB_TRUSTED_HOSTS``): a request for another host is a 400 problem.

Links never come from the Host header (they use ``HUB_PUBLIC_URL``); this keeps a forged or
misrouted Host from being answered at all where the operator lists the names the hub serves.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import problem_response


def host_allowed(host: str, patterns: list[str]) -> bool:
    """``host`` (no port) against exact names, ``*.domain`` (its subdomains) or ``*`` (any)."""
    host = host.lower().rstrip(".")
    for pattern in patterns:
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
            return True
    return False


def host_of(header: str) -> str:
    """The host part of a Host header: ``[::1]:8000`` → ``[::1]``, ``a.cn:443`` → ``a.cn``."""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class TrustedHostMiddleware:
    """Answers 400 problem+json to HTTP requests whose Host is not in ``patterns``."""

    def __init__(self, app: ASGIApp, patterns: list[str]) -> None:
        self.app = app
        self.patterns = patterns

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "*" in self.patterns:
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        if host_allowed(host_of(header), self.patterns):
            await self.app(scope, receive, send)
            return
        response = problem_response(400, "Bad request", "This server does not answer for that Host header.")
        await response(scope, receive, send)
