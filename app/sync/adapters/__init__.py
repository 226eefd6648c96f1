"""Feed adapters by format name; see ``base`` for the interface."""

from __future__ import annotations

from .atom import AtomAdapter
from .base import Adapter, Event, FeedFormatError, Item, ItemError, PageLink, ParsedPosting
from .csv_feed import CsvFeedAdapter
from .greenhouse import GreenhouseAdapter
from .json_feed import JsonFeedAdapter
from .jsonld import JsonLdAdapter
from .lever import LeverAdapter
from .rss import RssAdapter
from .xml_feed import XmlFeedAdapter

ADAPTERS: dict[str, Adapter] = {
    adapter.format: adapter
    for adapter in (JsonFeedAdapter(), JsonLdAdapter(), RssAdapter(), AtomAdapter(),
                    XmlFeedAdapter(), CsvFeedAdapter(), GreenhouseAdapter(), LeverAdapter())
}


def get_adapter(format: str) -> Adapter:
    """The adapter for ``format``; ``ValueError`` naming the known ones otherwise."""
    try:
        return ADAPTERS[format]
    except KeyError:
        raise ValueError(f"unknown feed format {format!r}; known: {', '.join(ADAPTERS)}") from None


__all__ = ["ADAPTERS", "Adapter", "Event", "FeedFormatError", "Item", "ItemError", "PageLink",
           "ParsedPosting", "get_adapter"]
