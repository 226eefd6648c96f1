"""Format ``xml``: an Indeed-style job feed, streamed with defusedxml.

``<source><job><title/><date/><referencenumber/><url/><company/><city/><state/>
<country/><description/><salary/><education/><jobtype/><category/>
<expirationdate/></job>...</source>``. Items are the elements named
``mapping.records`` (default ``job``) at any depth; each becomes a record of its
children (tag local name -> text; nested children -> dict; repeated -> list;
attributes ignored) read through the Indeed defaults below, then ``mapping``.

Parsing is iterative: each item is detached from its parent once read, so memory
stays flat for 100,000 items. Entity declarations (billion laughs) and external
entities or DTDs (XXE) raise ``FeedFormatError``; they are never expanded. Broken
XML raises ``FeedFormatError`` too, possibly after some items were yielded.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..encoding import Utf8XmlReader, charset_from_content_type
from ..mapping import FieldMapping, apply_mapping
from .base import Event, FeedFormatError, ItemError
from .common import build_item

INDEED = FieldMapping(fields={
    "external_id": ["referencenumber", "id", "guid"], "title": "title", "posted_at": "date",
    "url": "url", "apply_url": "applyurl", "employer.name": "company",
    "locations.city": "city", "locations.province": "state",
    "locations.address": "streetaddress", "description": "description", "salary": "salary",
    "education": "education", "job_type": "jobtype", "tags": "category",
    "valid_through": "expirationdate", "headcount": "headcount",
}, passthrough=True)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def element_record(element: Element) -> Any:
    """Text of a leaf; a dict of children (repeated tags -> list) otherwise."""
    children = list(element)
    if not children:
        return (element.text or "").strip()
    record: dict[str, Any] = {}
    for child in children:
        key, value = _local(child.tag), element_record(child)
        if key in record:
            previous = record[key]
            record[key] = previous + [value] if isinstance(previous, list) else [previous, value]
        else:
            record[key] = value
    return record


class XmlFeedAdapter:
    """See the module docstring."""

    format = "xml"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        item_tag = (mapping.records if mapping and mapping.records else "job")
        reader = Utf8XmlReader(body, charset_from_content_type(content_type))
        stack: list[Element] = []
        index = 0
        depth_in_item = 0
        try:
            for event, element in iterparse(reader, events=("start", "end"),
                                            forbid_dtd=False, forbid_entities=True,
                                            forbid_external=True):
                if event == "start":
                    stack.append(element)
                    if _local(element.tag) == item_tag or depth_in_item:
                        depth_in_item += 1
                    continue
                stack.pop()
                if depth_in_item:
                    depth_in_item -= 1
                    if depth_in_item == 0:  # an item just ended
                        try:
                            record = element_record(element)
                        except RecursionError:
                            yield ItemError(index, "item is nested too deeply")
                        else:
                            record = record if isinstance(record, dict) else {}
                            base = apply_mapping(INDEED, record)
                            yield build_item(index, record, mapping, base_url, base=base)
                        index += 1
                if not depth_in_item and stack:
                    # Done with it: detach from the parent. (Only this one: the parser
                    # reads ahead, so later siblings may exist before their events.)
                    stack[-1].remove(element)
                    element.clear()
        except DefusedXmlException as exc:
            raise FeedFormatError(f"unsafe XML refused: {type(exc).__name__}") from exc
        except ParseError as exc:
            raise FeedFormatError(f"XML syntax error after {index} items: {exc}") from exc
