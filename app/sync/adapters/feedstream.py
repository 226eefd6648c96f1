"""Big RSS and Atom feeds, streamed: one entry at a time, memory flat.

feedparser holds the whole feed in memory and reads it slowly, so a big feed costs minutes and
gigabytes (bench/RESULTS.md, "Sync"). Feeds of ``STREAM_BYTES``
or more are instead read with defusedxml's ``iterparse``: each ``item``/``entry``
becomes a feedparser-like dict (``id``, ``title``, ``link``, ``summary``, ``content``,
``published``, ``updated``, ``tags``, and ``<prefix>_<name>`` for namespaced
extensions such as ``job_company``) handed to the same ``posting_from_entry``. Unlike
feedparser this needs well-formed XML; a broken document raises ``FeedFormatError``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO
from urllib.parse import urljoin
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..encoding import Utf8XmlReader, charset_from_content_type
from ..mapping import FieldMapping
from .base import Event, FeedFormatError, PageLink
from .common import build_item
from .text import to_iso

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
RSS1 = "http://purl.org/rss/1.0/"
PLAIN = ("", ATOM, RSS1)


def _split(tag: Any) -> tuple[str, str]:
    if not isinstance(tag, str):
        return "", ""
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return uri, local
    return "", tag


def _inner_text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def _utc_iso(text: str) -> str:
    """ISO 8601 in UTC, as feedparser gives dates (zone-less values stay as they are)."""
    iso = to_iso(text)
    if iso is None:
        return text
    stamp = datetime.fromisoformat(iso)
    return stamp.astimezone(UTC).isoformat() if stamp.tzinfo else iso


def entry_dict(element: Element, prefixes: dict[str, str], base_url: str = "") -> dict[str, Any]:
    """A feedparser-like entry from an RSS ``item`` or Atom ``entry`` element."""
    entry: dict[str, Any] = {}
    tags: list[dict[str, str]] = []
    for child in element:
        _read_child(child, entry, tags, prefixes, base_url)
    permalink = entry.pop("permalink", None)
    if permalink and "link" not in entry:
        entry["link"] = permalink
    if tags:
        entry["tags"] = tags
    return entry


def _read_child(child: Element, entry: dict[str, Any], tags: list[dict[str, str]], prefixes: dict[str, str],
                base_url: str) -> None:
    """One child element of an entry, into ``entry`` (or, a category, into ``tags``)."""
    uri, local = _split(child.tag)
    text = (child.text or "").strip() if len(child) == 0 else _inner_text(child)
    if uri == CONTENT and local == "encoded" or uri == ATOM and local == "content":
        entry["content"] = [{"value": text}]
    elif local == "link" and uri in PLAIN:
        href = child.get("href") or text
        if href and child.get("rel") in (None, "alternate") and "link" not in entry:
            entry["link"] = href
    elif local == "category" and uri in PLAIN:
        term = child.get("term") or text
        if term:
            tags.append({"term": term, "scheme": child.get("scheme") or child.get("domain") or ""})
    elif local == "guid" and uri in PLAIN:
        # RSS 2.0: a guid is a permalink unless isPermaLink="false" (feedparser reads it so)
        permalink = (child.get("isPermaLink") or "true").lower() != "false"
        entry.setdefault("id", urljoin(base_url, text) if permalink and base_url else text)
        if permalink and text:
            entry.setdefault("permalink", entry["id"])
    elif uri in PLAIN or uri == DC:
        key = {"description": "summary", "pubDate": "published",
               "date": "published", "issued": "published", "modified": "updated"}.get(local, local)
        if key in ("published", "updated"):
            text = _utc_iso(text)
        entry.setdefault(key, text)
    else:
        entry[f"{prefixes.get(uri, 'ns')}_{local.lower()}"] = text


def parse_big_feed(body: BinaryIO, content_type: str | None, base_url: str,
                   mapping: FieldMapping | None,
                   to_posting: Callable[[dict[str, Any]], dict[str, Any]]) -> Iterator[Event]:
    """Stream the entries of a well-formed RSS or Atom document (see the module docstring);
    ``to_posting`` turns an entry dict into a posting (``feeds.posting_from_entry``)."""
    reader = Utf8XmlReader(body, charset_from_content_type(content_type))
    prefixes: dict[str, str] = {}
    stack: list[Element] = []
    next_link: str | None = None
    index = depth_in_entry = 0
    try:
        for event, element in _elements(reader, prefixes):
            uri, local = _split(element.tag)
            if event == "start":
                stack.append(element)
                if depth_in_entry or (local == "entry" and uri == ATOM) or (
                        local == "item" and uri in ("", RSS1)):
                    depth_in_entry += 1
                continue
            stack.pop()
            if depth_in_entry:
                depth_in_entry -= 1
                if depth_in_entry == 0:
                    entry = entry_dict(element, prefixes, base_url)
                    yield build_item(index, entry, mapping, base_url, base=to_posting(entry))
                    index += 1
            elif local == "link" and element.get("rel") == "next" and next_link is None:
                href = urljoin(base_url, element.get("href") or "") if base_url else element.get("href") or ""
                next_link = href if href.startswith(("http://", "https://")) else None
            if not depth_in_entry and stack:
                stack[-1].remove(element)
                element.clear()
    except DefusedXmlException as exc:
        raise FeedFormatError(f"unsafe XML refused: {type(exc).__name__}") from exc
    except ParseError as exc:
        raise FeedFormatError(f"XML syntax error after {index} entries: {exc}") from exc
    if next_link:
        yield PageLink(next_link)


def _elements(reader: Utf8XmlReader, prefixes: dict[str, str]) -> Iterator[tuple[str, Element]]:
    """``iterparse``'s start and end events; namespace declarations go into ``prefixes``, and the
    root element must be a feed's."""
    root_seen = False
    for event, item in iterparse(reader, events=("start-ns", "start", "end"), forbid_dtd=False,
                                 forbid_entities=True, forbid_external=True):
        if event == "start-ns":
            prefix, uri = item
            prefixes.setdefault(uri, prefix or "ns")
            continue
        if not root_seen:
            root_seen = True
            local = _split(item.tag)[1]
            if local.lower() not in ("rss", "feed", "rdf"):
                raise FeedFormatError(f"not an RSS or Atom feed: root element <{local}>")
        yield event, item
