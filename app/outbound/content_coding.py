"""Streaming Content-Encoding decoders with bounded output per step.

httpx's own decoders inflate a whole network chunk at once (a 64 KiB gzip chunk can
become 64 MiB); these yield at most ``OUT_CHUNK`` bytes per step, so the caller's
size cap stops a gzip bomb after ``max_bytes`` of output with bounded memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

from .errors import ProtocolError, TruncatedError

OUT_CHUNK = 64 * 1024
SUPPORTED = "gzip, deflate"


class _Inflater:
    """gzip (``x-gzip``, multi-member) or deflate (zlib-wrapped or raw)."""

    def __init__(self, coding: str) -> None:
        self._gzip = coding in ("gzip", "x-gzip")
        self._obj: zlib._Decompress | None = (
            zlib.decompressobj(zlib.MAX_WBITS | 16) if self._gzip else None)
        self._started = False

    def _ensure(self, data: bytes) -> zlib._Decompress:
        if self._obj is None:  # deflate: zlib header (RFC 9110) or raw, as some servers send
            zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (
                data[0] * 256 + data[1]) % 31 == 0
            self._obj = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        return self._obj

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._started = True
        obj = self._ensure(data)
        while data:
            if obj.eof:  # another gzip member, or padding after the end
                if not self._gzip or not data.lstrip(b"\x00"):
                    return
                obj = self._obj = zlib.decompressobj(zlib.MAX_WBITS | 16)
            try:
                out = obj.decompress(data, OUT_CHUNK)
            except zlib.error as exc:
                raise ProtocolError(f"corrupt compressed body: {exc}") from exc
            data = obj.unused_data if obj.eof else obj.unconsumed_tail
            if out:
                yield out
        while not obj.eof:  # drain output still buffered inside zlib
            try:
                out = obj.decompress(b"", OUT_CHUNK)
            except zlib.error as exc:
                raise ProtocolError(f"corrupt compressed body: {exc}") from exc
            if not out:
                break
            yield out

    def finish(self) -> None:
        if self._started and self._obj is not None and not self._obj.eof:
            raise TruncatedError("compressed body ended before the end of its stream")


class ContentDecoder:
    """Decode a body encoded with the codings of a Content-Encoding header."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        unknown = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise ProtocolError(f"unsupported Content-Encoding {', '.join(unknown)}")
        self._stages = [_Inflater(c) for c in reversed(codings)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``, each at most ``OUT_CHUNK`` bytes (if encoded)."""
        yield from self._run(0, data)

    def _run(self, stage: int, data: bytes) -> Iterator[bytes]:
        if stage == len(self._stages):
            if data:
                yield data
            return
        for piece in self._stages[stage].feed(data):
            yield from self._run(stage + 1, piece)

    def finish(self) -> None:
        """Raise ``TruncatedError`` if a compressed stream was cut short."""
        for stage in self._stages:
            stage.finish()
