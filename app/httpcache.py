"""HTTP caching and compression, as one pure ASGI middleware, so that a reverse proxy or CDN in
front of the hub (or the browser itself) absorbs repeated reads.

- Anonymous GETs of public reads (``PUBLIC``: search, jobs, feeds, exports, fairs and the
  students' pages) that answer 200 get ``Cache-Control: public, max-age=N``, a weak ``ETag``
  over the body (and keep a ``Last-Modified`` the handler set); ``If-None-Match`` (or
  ``If-Modified-Since``) that still holds is answered ``304 Not Modified`` without a body.
- Every response to a request that carries ``Authorization`` is ``Cache-Control: private,
  no-store``: a partner's own view never lands in a shared cache. Public reads also say
  ``Vary: Authorization, Accept-Encoding``, so a cache keeps the anonymous answer apart.
- Text bodies (JSON, HTML, XML feeds, CSV) of 500 bytes or more are compressed: brotli when the
  client takes ``br``, else gzip. A body over ``BUFFER_LIMIT`` (a long CSV export) is streamed,
  compressed as it goes, without an ETag.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    import brotli
except ImportError:  # brotli is a runtime dependency; without it the hub still gzips
    brotli = None

PUBLIC = re.compile(r"^/(?:$|api/v1/jobs(?:/|$)|api/v1/fairs(?:/|$)|jobs/|employers/|fairs$)")
COMPRESSIBLE = re.compile(r"^(?:text/|application/(?:[\w.+-]*\+)?(?:json|xml)\b|application/javascript)")
MIN_SIZE = 500
BUFFER_LIMIT = 1 << 20
BROTLI_QUALITY = 4  # brotli's default (11) costs ~50x the CPU of gzip for a few percent less
GZIP_LEVEL = 6


def http_date(iso: str) -> str:
    """An RFC 3339 time (a job's ``updated_at``) as an HTTP date, for ``Last-Modified``."""
    return format_datetime(datetime.fromisoformat(iso).astimezone(UTC), usegmt=True)


def _coding(accept: str) -> str | None:
    """The Content-Encoding to answer with: brotli where taken (and installed), else gzip, else none."""
    if brotli is not None and _accepts(accept, "br"):
        return "br"
    return "gzip" if _accepts(accept, "gzip") else None


def _accepts(header: str, coding: str) -> bool:
    """Whether an Accept-Encoding value takes ``coding`` (with a q above 0)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in (coding, "*"):
            q = params.strip()
            return not (q.startswith("q=") and _zero(q[2:]))
    return False


def _zero(value: str) -> bool:
    try:
        return float(value) == 0
    except ValueError:
        return False


def _etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match`` compares weakly: W/"x" and "x" are the same validator."""
    tag = etag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == tag for t in header.split(","))


class _Coder:
    """A streaming compressor for one response."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._br = brotli.Compressor(quality=BROTLI_QUALITY) if coding == "br" else None
        self._gz = None if self._br is not None else zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)

    def chunk(self, data: bytes) -> bytes:
        if self._br is not None:
            return self._br.process(data)
        return self._gz.compress(data)  # type: ignore[union-attr]

    def end(self) -> bytes:
        if self._br is not None:
            return self._br.finish()
        return self._gz.flush()  # type: ignore[union-attr]


class HttpCacheMiddleware:
    """See the module's docstring. ``max_age``: seconds a public read may be reused (0: ``no-cache``,
    every reuse revalidated with the ETag)."""

    def __init__(self, app: ASGIApp, *, max_age: int = 10) -> None:
        self.app = app
        self.public_control = f"public, max-age={max_age}" if max_age > 0 else "public, no-cache"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        private = "authorization" in request
        public = not private and scope["method"] == "GET" and PUBLIC.match(scope["path"]) is not None
        coding = _coding(request.get("accept-encoding", ""))
        state: dict[str, Any] = {"start": None, "buffer": [], "size": 0, "streaming": False, "coder": None}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                if not self._start(message, state, private=private, public=public, coding=coding):
                    await send(message)
                return
            if state["start"] is False or message["type"] != "http.response.body":  # passing through
                await send(message)
                return
            await self._body(send, state, message, request, coding)

        await self.app(scope, receive, send_wrapper)

    def _start(self, message: Message, state: dict[str, Any], *, private: bool, public: bool,
               coding: str | None) -> bool:
        """Set the response's caching and Vary headers; True when its body must be held (to tag
        it with an ETag or to compress it), False when it passes through as it is."""
        headers = MutableHeaders(scope=message)
        if private:
            headers["Cache-Control"] = "private, no-store"
            headers.add_vary_header("Authorization")
        cacheable = public and message["status"] == 200
        if cacheable:
            if "no-store" not in headers.get("cache-control", ""):
                headers["Cache-Control"] = self.public_control
            headers.add_vary_header("Authorization")
        compress = (coding is not None and "content-encoding" not in headers
                    and COMPRESSIBLE.match(headers.get("content-type", "")) is not None
                    and message["status"] not in (204, 304))
        if compress:
            headers.add_vary_header("Accept-Encoding")
        if not cacheable and not compress:
            state["start"] = False
            return False
        state.update(start=message, cacheable=cacheable, compress=compress)
        return True

    async def _body(self, send: Send, state: dict[str, Any], message: Message, request: Headers,
                    coding: str | None) -> None:
        """One piece of a held body: held while it is short, streamed once it grows too long."""
        body, more = message.get("body", b""), message.get("more_body", False)
        if state["streaming"]:
            await self._stream(send, state, body, more)
            return
        state["buffer"].append(body)
        state["size"] += len(body)
        if more and state["size"] <= BUFFER_LIMIT:
            return
        if more:  # too long to hold: send what we have and stream the rest
            state["streaming"] = True
            start = state["start"]
            headers = MutableHeaders(scope=start)
            del headers["content-length"]
            if state["compress"] and coding is not None:
                state["coder"] = _Coder(coding)
                headers["Content-Encoding"] = coding
            await send(start)
            held, state["buffer"] = b"".join(state["buffer"]), []
            await self._stream(send, state, held, True)
            return
        await self._finish(send, state, b"".join(state["buffer"]), request, coding)

    @staticmethod
    async def _stream(send: Send, state: dict[str, Any], body: bytes, more: bool) -> None:
        coder: _Coder | None = state["coder"]
        if coder is not None:
            body = coder.chunk(body) + (b"" if more else coder.end())
        await send({"type": "http.response.body", "body": body, "more_body": more})

    async def _finish(self, send: Send, state: dict[str, Any], body: bytes, request: Headers,
                      coding: str | None) -> None:
        start: Message = state["start"]
        headers = MutableHeaders(scope=start)
        if state["cacheable"]:
            etag = 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
            headers["ETag"] = etag
            if self._not_modified(request, etag, headers.get("last-modified")):
                for name in ("content-length", "content-type", "content-encoding"):
                    del headers[name]
                start["status"] = 304
                await send(start)
                await send({"type": "http.response.body", "body": b""})
                return
        if state["compress"] and len(body) >= MIN_SIZE:
            coder = _Coder(coding)  # type: ignore[arg-type]
            body = coder.chunk(body) + coder.end()
            headers["Content-Encoding"] = coding  # type: ignore[assignment]
        headers["Content-Length"] = str(len(body))
        await send(start)
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def _not_modified(request: Headers, etag: str, last_modified: str | None) -> bool:
        if "if-none-match" in request:  # it wins over If-Modified-Since (RFC 9110 13.2.2)
            return _etag_matches(request["if-none-match"], etag)
        since = request.get("if-modified-since")
        if since and last_modified:
            try:
                return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False
