"""Format ``rss``: RSS 0.9x/1.0/2.0 job feeds (see ``feeds`` for the fields read)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..mapping import FieldMapping
from .base import Event
from .feeds import parse_feed


class RssAdapter:
    """RSS via feedparser; an Atom document is read too (feedparser tells them apart)."""

    format = "rss"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        return parse_feed(body, content_type, base_url, mapping)
