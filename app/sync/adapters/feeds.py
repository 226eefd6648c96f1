"""RSS and Atom through feedparser, after a defusedxml screen of the prolog.

Per entry: ``id``/guid -> external_id (else the link), title (HTML stripped), link ->
url, content (else summary) -> description (HTML stripped), published (else
updated) -> posted_at (UTC).

Job data, when present, is read from extension elements with the ``job:`` prefix
(any namespace URI; feedparser names them ``job_<lowercased local name>``; put the
value in the element text, attributes are not read): ``job:employer`` or
``job:company``, ``job:creditCode``, ``job:employerType``, ``job:location`` or
``job:city``, ``job:regionCode``, ``job:province``, ``job:district``,
``job:address``, ``job:salary`` (raw text), ``job:salaryMin``, ``job:salaryMax``,
``job:salaryPeriod``, ``job:education``, ``job:jobType`` or ``job:employmentType``,
``job:headcount``, ``job:validThrough`` or ``job:expires``, ``job:applyUrl``,
``job:industry``, ``job:majors`` (comma separated).

Categories with a ``domain`` (RSS) or ``scheme`` (Atom) of ``employer``/``company``,
``location``/``city``, ``salary``, ``education``, ``jobtype``/``job_type``/
``employmenttype`` or ``industry`` fill those fields; other categories become tags.
A feed-level ``<link rel="next">`` (Atom, or ``atom:link`` in RSS; RFC 5005) is
yielded as a ``PageLink``. ``mapping`` may name any other entry key.

Documents of ``STREAM_BYTES`` or more are streamed instead (``feedstream``): memory
stays flat, but they must be well-formed XML.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..encoding import Utf8XmlReader, charset_from_content_type
from ..mapping import FieldMapping, assign, get_target, is_empty
from .base import Event, FeedFormatError, PageLink
from .common import build_item
from .feedstream import parse_big_feed
from .jsonstream import should_stream
from .text import html_to_text

EXTENSIONS = (
    ("employer.name", ("employer", "company")), ("employer.credit_code", ("creditcode",)),
    ("employer.type", ("employertype",)), ("locations.city", ("location", "city")),
    ("locations.region_code", ("regioncode",)), ("locations.province", ("province",)),
    ("locations.district", ("district",)), ("locations.address", ("address",)),
    ("salary", ("salary",)), ("salary.min", ("salarymin",)), ("salary.max", ("salarymax",)),
    ("salary.period", ("salaryperiod",)), ("education", ("education",)),
    ("job_type", ("jobtype", "employmenttype")), ("headcount", ("headcount",)),
    ("valid_through", ("validthrough", "expires")), ("apply_url", ("applyurl",)),
    ("industry", ("industry",)), ("majors", ("majors",)),
)
CATEGORY_TARGETS = {"employer": "employer.name", "company": "employer.name",
                    "location": "locations", "city": "locations", "salary": "salary",
                    "education": "education", "jobtype": "job_type", "job_type": "job_type",
                    "employmenttype": "job_type", "industry": "industry"}


def screen_xml(body: BinaryIO, content_type: str | None) -> None:
    """Refuse entity declarations and external references before feedparser sees
    the document (they can only appear before the root element, so stop there)."""
    head = body.read(64 * 1024)
    body.seek(0)
    root = re.search(rb"<(rss|feed|rdf:rdf|channel)\b", head, re.IGNORECASE)
    prolog = head[: root.start()] if root else head
    if re.search(rb"<!\s*ENTITY", prolog, re.IGNORECASE):
        raise FeedFormatError("unsafe XML refused: entity declaration")
    reader = Utf8XmlReader(body, charset_from_content_type(content_type))
    try:
        for _event, _element in iterparse(reader, events=("start",), forbid_dtd=False,
                                          forbid_entities=True, forbid_external=True):
            break
    except DefusedXmlException as exc:
        raise FeedFormatError(f"unsafe XML refused: {type(exc).__name__}") from exc
    except ParseError:
        pass  # not well-formed: feedparser's lenient parser may still read it
    finally:
        body.seek(0)


def _stamp(entry: Mapping[str, Any]) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC).isoformat()
    return entry.get("published") or entry.get("updated")


def posting_from_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    content = entry.get("content")
    body = content[0].get("value") if isinstance(content, list) and content else None
    body = body or entry.get("summary")
    title = entry.get("title")
    data: dict[str, Any] = {
        "external_id": entry.get("id") or entry.get("link"),
        "title": html_to_text(title) if isinstance(title, str) else None,
        "url": entry.get("link"),
        "description": html_to_text(body) if isinstance(body, str) else None,
        "posted_at": _stamp(entry),
    }
    data = {k: v for k, v in data.items() if not is_empty(v)}
    for target, names in EXTENSIONS:
        for name in names:
            value = entry.get(f"job_{name}")
            if isinstance(value, str) and value.strip():
                assign(data, target, value.strip())
                break
    tags: list[str] = []
    for tag in entry.get("tags") or []:
        term = (tag.get("term") or tag.get("label") or "").strip()
        scheme = re.sub(r"[\s-]", "", (tag.get("scheme") or "").lower())
        category = CATEGORY_TARGETS.get(scheme)
        if not term:
            continue
        if category == "locations":
            places = data.get("locations")
            if isinstance(places, list) and places and isinstance(places[0], dict) \
                    and "city" not in places[0]:
                places[0]["city"] = term  # e.g. job:regionCode plus a location category
            else:
                data["locations"] = (places if isinstance(places, list) else []) + [term]
        elif category and is_empty(get_target(data, category)):
            assign(data, category, term)
        elif not category:
            tags.append(term)
    if tags:
        data["tags"] = tags
    return data


def parse_feed(body: BinaryIO, content_type: str | None, base_url: str,
               mapping: FieldMapping | None) -> Iterator[Event]:
    screen_xml(body, content_type)
    if should_stream(body):
        yield from parse_big_feed(body, content_type, base_url, mapping, posting_from_entry)
        return
    headers = {"content-type": content_type or "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(body, response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise FeedFormatError(f"not an RSS or Atom feed: {problem or 'unknown format'}")
    for index, entry in enumerate(parsed.entries):
        yield build_item(index, entry, mapping, base_url, base=posting_from_entry(entry))
    for link in parsed.feed.get("links") or []:
        href = link.get("href")
        if link.get("rel") == "next" and isinstance(href, str) and href.startswith("http"):
            yield PageLink(href)
            break
