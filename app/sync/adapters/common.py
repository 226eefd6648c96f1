"""Helpers shared by adapters: record -> event, document-level JSON reading."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, BinaryIO
from urllib.parse import urljoin

from ..encoding import charset_from_content_type, decode_text
from ..mapping import FieldMapping, apply_mapping, lookup, natural_id
from .base import FeedFormatError, ItemError, PageLink, ParsedPosting
from .posting import ItemInvalid, finalize


def _id_hint(*sources: Any) -> str | None:
    for source in sources:
        if isinstance(source, Mapping):
            found = source.get("external_id") or natural_id(source) or source.get("url")
            if isinstance(found, (str, int)) and not isinstance(found, bool) and str(found):
                return str(found)[:128]
    return None


def build_item(index: int, record: Any, mapping: FieldMapping | None, base_url: str,
               base: dict[str, Any] | None = None) -> ParsedPosting | ItemError:
    """Map and finalise one record; any problem becomes an ``ItemError``."""
    if not isinstance(record, Mapping):
        return ItemError(index, f"item is {type(record).__name__}, not an object")
    data: dict[str, Any] | None = None
    try:
        data = apply_mapping(mapping, record, base)
        posting = finalize(data, base_url=base_url,
                           force_hash=mapping is not None and mapping.hash_ids)
    except ItemInvalid as exc:
        return ItemError(index, str(exc), _id_hint(data, record))
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        return ItemError(index, f"unreadable item: {type(exc).__name__}: {exc}",
                         _id_hint(data, record))
    return ParsedPosting(index, posting)


def load_json(body: BinaryIO, content_type: str | None) -> Any:
    """The whole body as JSON (any charset); ``FeedFormatError`` if it is not JSON."""
    text = decode_text(body.read(), charset_from_content_type(content_type))
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise FeedFormatError(f"not a JSON document: {exc}") from exc


def page_link(doc: Any, paths: tuple[str, ...], base_url: str) -> PageLink | None:
    """A ``PageLink`` from the first path holding a URL (or ``{"href": url}``)."""
    for path in paths:
        value = lookup(doc, path) if isinstance(doc, Mapping) else None
        if isinstance(value, Mapping):
            value = value.get("href") or value.get("url")
        if isinstance(value, str) and value.strip():
            url = urljoin(base_url, value.strip()) if base_url else value.strip()
            if url.startswith(("http://", "https://")) and url != base_url:
                return PageLink(url)
    return None
