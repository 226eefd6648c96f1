"""The adapter interface: remote bytes in, posting dicts out.

``parse`` is a generator of events, in document order:

* ``ParsedPosting(index, data)``: one posting dict in the shape of ``PostingIn``
  (raw forms allowed), with ``external_id`` and ``title`` always present;
* ``ItemError(index, reason, external_id)``: one malformed item; parsing goes on;
* ``PageLink(url)``: the document names a next page (absolute URL, at most one per
  document, usually last). The caller fetches it and parses it with the same adapter.

``index`` counts items (good or bad) from 0 within one document. A document that
cannot be parsed at all raises ``FeedFormatError`` (possibly after some items, e.g.
XML broken half-way: treat the run as failed, do not withdraw unseen postings).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from ..mapping import FieldMapping


class FeedFormatError(Exception):
    """The document as a whole is not a feed of this format (or is unsafe XML)."""

    error_class = "feed_format"


@dataclass(frozen=True, slots=True)
class ParsedPosting:
    index: int
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ItemError:
    index: int
    reason: str
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class PageLink:
    url: str


Item = ParsedPosting | ItemError
Event = ParsedPosting | ItemError | PageLink


class Adapter(Protocol):
    """A feed format. Instances are stateless and shared (see ``ADAPTERS``)."""

    format: str

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        """Parse ``body`` (binary, seekable, at position 0); see the module docstring."""
        ...
