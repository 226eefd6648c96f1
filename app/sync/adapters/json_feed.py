"""Format ``json``: postings as a JSON document or as JSON Lines.

Documents: a list of posting objects; or an object holding the list under
``mapping.records`` (dotted path) or one of ``postings``, ``items``, ``jobs``,
``results``, ``records``, ``data``, ``data.list``, ``data.items``, ``data.records``,
``data.jobs``, ``data.rows``; or a single posting object. The next page comes from
``mapping.next_page`` or ``next``, ``next_url``, ``nextPage``, ``next_page``,
``links.next`` (a URL or ``{"href": ...}``), ``paging.next``, ``meta.next``,
``data.next`` and is yielded last as a ``PageLink``.

Bodies of ``STREAM_BYTES`` or more are streamed (``jsonstream``): a top-level list or
the first list found at the paths above, in document order, one item at a time.

JSON Lines (one object per line) is recognised by Content-Type (``ndjson``/``jsonl``)
or when the body is not one JSON value but its lines are; it is streamed, and a bad
line is an ``ItemError`` like any malformed item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..encoding import charset_from_content_type, decode_text, iter_text_lines
from ..mapping import FieldMapping, lookup
from .base import Event, FeedFormatError, ItemError
from .common import build_item, page_link
from .jsonstream import Walk, should_stream, stream_records

LIST_KEYS = ("postings", "items", "jobs", "results", "records", "data", "data.list",
             "data.items", "data.records", "data.jobs", "data.rows")
NEXT_KEYS = ("next", "next_url", "nextPage", "next_page", "links.next", "paging.next",
             "meta.next", "data.next")
_LINES_TYPES = ("ndjson", "jsonl", "json-seq", "jsonlines", "x-ldjson")


def _is_object_line(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (json.JSONDecodeError, RecursionError):
        return False


def _looks_like_lines(text: str) -> bool:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    return len(lines) >= 2 and sum(_is_object_line(line) for line in lines[:10]) >= 1


def _records(doc: Any, mapping: FieldMapping | None) -> list[Any]:
    if isinstance(doc, list):
        return doc
    if not isinstance(doc, Mapping):
        raise FeedFormatError(f"JSON document is a {type(doc).__name__}, not a list or object")
    if mapping is not None and mapping.records:
        found = lookup(doc, mapping.records)
        if not isinstance(found, list):
            raise FeedFormatError(f"no list at {mapping.records!r}")
        return found
    for key in LIST_KEYS:
        found = lookup(doc, key)
        if isinstance(found, list):
            return found
    sources = mapping.fields.get("title", []) if mapping else []
    title_keys = ["title", *([sources] if isinstance(sources, str) else sources)]
    if any(lookup(doc, key) for key in title_keys):
        return [doc]  # a single posting
    raise FeedFormatError("JSON object holds no list of postings")


class JsonFeedAdapter:
    """See the module docstring."""

    format = "json"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        ctype = (content_type or "").lower()
        if any(kind in ctype for kind in _LINES_TYPES):
            yield from self._lines(body, content_type, base_url, mapping)
            return
        if should_stream(body):
            walk = Walk()
            yield from self._streamed(body, content_type, base_url, mapping, walk)
            if walk.path is not None:
                return
            body.seek(0)
            if walk.trailing:
                yield from self._lines(body, content_type, base_url, mapping)
                return
        text = decode_text(body.read(), charset_from_content_type(content_type))
        try:
            doc = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            if not _looks_like_lines(text):
                raise FeedFormatError(f"not JSON or JSON Lines: {exc}") from exc
            del text
            body.seek(0)
            yield from self._lines(body, content_type, base_url, mapping)
            return
        del text
        for index, record in enumerate(_records(doc, mapping)):
            yield build_item(index, record, mapping, base_url)
        if isinstance(doc, Mapping):
            paths = ((mapping.next_page,) if mapping and mapping.next_page else ()) + NEXT_KEYS
            link = page_link(doc, paths, base_url)
            if link is not None:
                yield link

    def _streamed(self, body: BinaryIO, content_type: str | None, base_url: str,
                  mapping: FieldMapping | None, walk: Walk) -> Iterator[Event]:
        paths = (mapping.records,) if mapping and mapping.records else LIST_KEYS
        wanted = tuple(tuple(path.split(".")) for path in paths)
        charset = charset_from_content_type(content_type)
        for index, record in enumerate(stream_records(body, charset, wanted, walk)):
            yield build_item(index, record, mapping, base_url)
        if walk.path is not None:
            nexts = ((mapping.next_page,) if mapping and mapping.next_page else ()) + NEXT_KEYS
            link = page_link(walk.rest, nexts, base_url)
            if link is not None:
                yield link

    def _lines(self, body: BinaryIO, content_type: str | None, base_url: str,
               mapping: FieldMapping | None) -> Iterator[Event]:
        index = 0
        for line in iter_text_lines(body, charset_from_content_type(content_type)):
            line = line.strip().lstrip("\ufeff\x1e")  # BOM; RS of application/json-seq
            if not line:
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                yield ItemError(index, f"invalid JSON line: {exc}")
            else:
                yield build_item(index, record, mapping, base_url)
            index += 1
