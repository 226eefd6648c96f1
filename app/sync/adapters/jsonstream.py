"""Streaming reads of big JSON documents: the items of one list, one at a time.

``json.loads`` of a big JSON feed holds every posting at once, several times the
document's size (bench/RESULTS.md, "Sync"). ``stream_records`` walks the document's outer levels by
hand and decodes only one list item at a time with the C decoder (``raw_decode``), so
memory stays at a few buffers whatever the feed size. Adapters use it for bodies over
``STREAM_BYTES`` and keep ``json.loads`` (simpler, identical results) below that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from ..encoding import iter_text_chunks
from .base import FeedFormatError

STREAM_BYTES = 4 * 1024 * 1024  # bodies at least this big are streamed
MAX_VALUE_CHARS = 16 * 1024 * 1024  # one item (or skipped value) may not exceed this
CHUNK_BYTES = 64 * 1024
KEEP_CHARS = 64 * 1024  # other members bigger than this are not kept for ``rest``
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


def body_size(body: BinaryIO) -> int:
    """Length of a seekable body (its position is restored)."""
    here = body.tell()
    size = body.seek(0, 2)
    body.seek(here)
    return size


def should_stream(body: BinaryIO) -> bool:
    """Is ``body`` big enough to be streamed (``STREAM_BYTES``, read at call time)?"""
    return body_size(body) >= STREAM_BYTES


class JsonStream:
    """A cursor over decoded text that refills its buffer from ``chunks`` on demand."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        piece = next(self._chunks, None)
        if piece is None:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + piece
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-blank character ('' at the end), not consumed."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def take(self, expected: str) -> None:
        found = self.peek()
        if found != expected:
            raise FeedFormatError(f"not a JSON document: expected {expected!r}, found {found[:1]!r}")
        self.pos += 1

    def value(self) -> tuple[Any, int]:
        """Decode the next value; returns it and its length in characters."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                genuine = not exc.msg.startswith("Unterminated") and exc.pos < len(self.buf) - 64
                if genuine or len(self.buf) - self.pos > MAX_VALUE_CHARS or not self._more():
                    raise FeedFormatError(f"not a JSON document: {exc.msg} (line {exc.lineno})") from exc
                continue
            except RecursionError as exc:
                raise FeedFormatError("JSON nested too deeply") from exc
            cut = end == len(self.buf) and not self.eof and not isinstance(value, (dict, list, str))
            if cut and self._more():
                continue  # a number or literal cut by the buffer end: read on
            length = end - self.pos
            self.pos = end
            return value, length


@dataclass(slots=True)
class Walk:
    """What ``stream_records`` saw: the path of the list it streamed, the small members
    beside it (for next-page links), and whether the document was a top-level list."""

    path: tuple[str, ...] | None = None
    rest: dict[str, Any] = field(default_factory=dict)
    trailing: bool = False  # more values after the first (JSON Lines)


def _items(stream: JsonStream) -> Iterator[Any]:
    stream.take("[")
    if stream.peek() == "]":
        stream.pos += 1
        return
    while True:
        yield stream.value()[0]
        sep = stream.peek()
        stream.pos += 1
        if sep == "]":
            return
        if sep != ",":
            raise FeedFormatError(f"not a JSON document: expected ',' or ']' in a list, found {sep!r}")


def _object(stream: JsonStream, prefix: tuple[str, ...], wanted: tuple[tuple[str, ...], ...],
            walk: Walk, into: dict[str, Any]) -> Iterator[Any]:
    stream.take("{")
    if stream.peek() == "}":
        stream.pos += 1
        return
    while True:
        key, _ = stream.value()
        if not isinstance(key, str):
            raise FeedFormatError("not a JSON document: an object key is not a string")
        stream.take(":")
        path = (*prefix, key)
        opener = stream.peek()
        if walk.path is None and opener == "[" and path in wanted:
            walk.path = path
            yield from _items(stream)
        elif walk.path is None and opener == "{" and any(w[:len(path)] == path for w in wanted):
            inner: dict[str, Any] = {}
            into[key] = inner
            yield from _object(stream, path, wanted, walk, inner)
        else:
            value, length = stream.value()
            if length <= KEEP_CHARS:
                into[key] = value
        sep = stream.peek()
        stream.pos += 1
        if sep == "}":
            return
        if sep != ",":
            raise FeedFormatError(f"not a JSON document: expected ',' or '}}' in an object, found {sep!r}")


def stream_records(body: BinaryIO, charset: str | None, wanted: tuple[tuple[str, ...], ...],
                   walk: Walk) -> Iterator[Any]:
    """Yield the items of a top-level list, or of the first list found at one of the
    ``wanted`` paths (in document order). ``walk`` tells afterwards what was found;
    when ``walk.path`` stays None and nothing was yielded, the caller falls back."""
    stream = JsonStream(iter_text_chunks(body, charset, CHUNK_BYTES))
    first = stream.peek()
    if first == "\ufeff":
        stream.pos += 1
        first = stream.peek()
    if first == "[":
        walk.path = ()
        yield from _items(stream)
    elif first == "{":
        yield from _object(stream, (), wanted, walk, walk.rest)
    else:
        return  # not JSON (an HTML page?): the caller's own parser decides
    walk.trailing = stream.peek() != ""
    if walk.trailing and walk.path is not None:
        raise FeedFormatError("not a JSON document: more data after the end")
