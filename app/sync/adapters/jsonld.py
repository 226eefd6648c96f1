"""Format ``jsonld``: schema.org ``JobPosting`` as JSON-LD.

Accepts a JSON-LD document (a node, an array, ``@graph``, an ``ItemList`` whose
``itemListElement`` holds JobPostings or ``ListItem``s with ``item``) or an HTML page
with ``<script type="application/ld+json">`` blocks. Nodes that are not JobPostings
are skipped; a block that is not valid JSON is an ``ItemError``.

Read: identifier (text or PropertyValue), title/name, hiringOrganization (name,
taxID -> credit_code), jobLocation[].address (addressRegion -> province,
addressLocality -> city, streetAddress -> address, or text), baseSalary
(MonetaryAmount with QuantitativeValue minValue/maxValue/value and unitText
MONTH/YEAR/DAY/HOUR; other units become raw text), datePosted, validThrough,
employmentType (FULL_TIME/PART_TIME/INTERN; others -> other), educationRequirements
(text or EducationalOccupationalCredential.credentialCategory), industry,
totalJobOpenings, url, description (HTML stripped). Currency is not carried.

Bodies of ``STREAM_BYTES`` or more that are a JSON list, or an object with
``itemListElement`` or ``@graph``, are streamed one node at a time (``jsonstream``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import Any, BinaryIO

from ..encoding import charset_from_content_type, decode_text
from ..mapping import FieldMapping
from .base import Event, FeedFormatError, ItemError, ParsedPosting
from .common import build_item
from .jsonstream import Walk, should_stream, stream_records
from .text import html_to_text

_EMPLOYMENT = {"FULL_TIME": "full_time", "PART_TIME": "part_time", "INTERN": "internship"}
_CREDENTIALS = {"high school": "secondary", "associate degree": "associate",
                "bachelor degree": "bachelor", "postgraduate degree": "master",
                "master degree": "master", "doctoral degree": "doctorate",
                "doctorate degree": "doctorate"}


class _ScriptCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append("".join(self._current))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


def _types(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in kinds}


def _job_nodes(node: Any) -> Iterator[Any]:
    """JobPosting nodes found in ``node`` (arrays, @graph, ItemList, ListItem)."""
    if isinstance(node, list):
        for child in node:
            yield from _job_nodes(child)
    elif isinstance(node, Mapping):
        kinds = _types(node)
        if "JobPosting" in kinds:
            yield node
        elif "@graph" in node:
            yield from _job_nodes(node["@graph"])
        elif "ItemList" in kinds:
            yield from _job_nodes(node.get("itemListElement", []))
        elif "ListItem" in kinds:
            yield from _job_nodes(node.get("item"))


def _text(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        value = value.get("value", value.get("name", value.get("@value")))
    return value


def _place(place: Any) -> Any:
    address = place.get("address", place) if isinstance(place, Mapping) else place
    if not isinstance(address, Mapping):
        return _text(address)
    return {"province": _text(address.get("addressRegion")),
            "city": _text(address.get("addressLocality")),
            "address": _text(address.get("streetAddress"))}


def _salary(amount: Any) -> Any:
    if not isinstance(amount, Mapping):
        return amount if isinstance(amount, (str, int, float)) else None
    value = amount.get("value")
    if not isinstance(value, Mapping):
        return value if isinstance(value, (str, int, float)) else None
    low = value.get("minValue", value.get("value"))
    high = value.get("maxValue", value.get("value"))
    unit = str(value.get("unitText") or amount.get("unitText") or "MONTH").upper()
    period = {"MONTH": "month", "YEAR": "year", "DAY": "day", "HOUR": "hour"}.get(unit)
    if period is None:
        return f"{low}-{high}/{unit.lower()}" if low is not None else None
    return {"min": low, "max": high, "period": period}


def _education(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping):
        category = str(value.get("credentialCategory") or "").strip()
        return _CREDENTIALS.get(category.lower(), category or None)
    return value


def posting_from_node(node: Mapping[str, Any]) -> dict[str, Any]:
    org = node.get("hiringOrganization")
    employer = ({"name": _text(org.get("name")), "credit_code": org.get("taxID")}
                if isinstance(org, Mapping) else _text(org))
    places = node.get("jobLocation")
    kinds = node.get("employmentType")
    kind = str((kinds[0] if kinds else "") if isinstance(kinds, list) else kinds or "")
    description = node.get("description")
    return {
        "external_id": _text(node.get("identifier")) or node.get("@id"),  # else the url
        "title": node.get("title") or node.get("name"),
        "employer": employer,
        "locations": [_place(p) for p in (places if isinstance(places, list) else [places])
                      if p],
        "salary": _salary(node.get("baseSalary")),
        "posted_at": node.get("datePosted"),
        "valid_through": node.get("validThrough"),
        "job_type": _EMPLOYMENT.get(kind.upper(), "other" if kind else None),
        "education": _education(node.get("educationRequirements")),
        "industry": _text(node.get("industry")),
        "headcount": node.get("totalJobOpenings"),
        "url": node.get("url"),
        "description": html_to_text(description) if isinstance(description, str) else None,
    }


def _item(index: int, node: Mapping[str, Any], mapping: FieldMapping | None,
          base_url: str) -> ParsedPosting | ItemError:
    base = {k: v for k, v in posting_from_node(node).items() if v is not None}
    return build_item(index, node, mapping, base_url, base=base)


class JsonLdAdapter:
    """See the module docstring."""

    format = "jsonld"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        if should_stream(body):
            walk = Walk()
            index = 0
            for record in stream_records(body, charset_from_content_type(content_type),
                                         (("itemListElement",), ("@graph",)), walk):
                for node in _job_nodes(record):
                    yield _item(index, node, mapping, base_url)
                    index += 1
            if walk.path is not None:
                return
            body.seek(0)
        text = decode_text(body.read(), charset_from_content_type(content_type))
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped.startswith(("{", "[")):
            blocks = [stripped]
        else:
            collector = _ScriptCollector()
            collector.feed(text)
            collector.close()
            blocks = collector.blocks
            if not blocks:
                raise FeedFormatError("no JSON-LD found (neither JSON nor ld+json scripts)")
        index = 0
        for block in blocks:
            try:
                doc = json.loads(block)
            except (json.JSONDecodeError, RecursionError) as exc:
                if len(blocks) == 1 and stripped is blocks[0]:
                    raise FeedFormatError(f"not a JSON-LD document: {exc}") from exc
                yield ItemError(index, f"invalid JSON-LD block: {exc}")
                index += 1
                continue
            for node in _job_nodes(doc):
                yield _item(index, node, mapping, base_url)
                index += 1
