"""Typed fetch errors; each carries a short ``error_class`` for metrics and health."""

from __future__ import annotations


class FetchError(Exception):
    """Base class of every fetch failure."""

    error_class = "fetch"
    retryable = False
    retry_after: float | None = None  # seconds the server asked us to wait, if it did
    attempts: int = 0  # requests made by the failed fetch (set by ``fetch``)


class UnsafeURLError(FetchError):
    """The URL (or an address it resolves to) is not allowed."""

    error_class = "unsafe_url"


class NetworkError(FetchError):
    """Connecting or talking to the server failed (retryable)."""

    error_class = "network"
    retryable = True


class ResolveError(NetworkError):
    """The host name could not be resolved (retryable)."""

    error_class = "dns"


class FetchTimeoutError(FetchError):
    """A connect/read/write timeout of a single attempt (retryable)."""

    error_class = "timeout"
    retryable = True


class DeadlineError(FetchTimeoutError):
    """The overall deadline of the whole fetch passed (not retried)."""

    error_class = "deadline"
    retryable = False


class TooLargeError(FetchError):
    """The body (raw or decoded) exceeded ``max_bytes``."""

    error_class = "too_large"


class TruncatedError(FetchError):
    """The body length did not match Content-Length (short or long)."""

    error_class = "truncated"


class ProtocolError(FetchError):
    """Malformed HTTP: bad framing, unknown or corrupt Content-Encoding."""

    error_class = "protocol"


class TooManyRedirectsError(FetchError):
    """More than ``max_redirects`` hops, or a redirect without a usable Location."""

    error_class = "too_many_redirects"


class HTTPStatusError(FetchError):
    """A final non-success status (429 and 5xx are retried before this is raised)."""

    error_class = "http_status"

    def __init__(self, status: int, message: str | None = None, *,
                 retry_after: float | None = None) -> None:
        super().__init__(message or f"HTTP status {status}")
        self.status = status
        self.retry_after = retry_after
        self.retryable = status == 429 or 500 <= status <= 599
        self.error_class = f"http_{status // 100}xx" if status != 429 else "http_429"
