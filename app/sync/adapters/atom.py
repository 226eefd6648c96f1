"""Format ``atom``: Atom 1.0 job feeds, paged with ``<link rel="next">`` (RFC 5005).

See ``feeds`` for the fields read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from ..mapping import FieldMapping
from .base import Event
from .feeds import parse_feed


class AtomAdapter:
    """Atom via feedparser; an RSS document is read too (feedparser tells them apart)."""

    format = "atom"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        return parse_feed(body, content_type, base_url, mapping)
