"""Format ``lever``: the Lever postings API (``api.lever.co/v0/postings/<site>``).

A list of ``{"id", "text", "hostedUrl", "applyUrl", "categories": {"location",
"allLocations", "team", "department", "commitment"}, "createdAt" (ms epoch),
"descriptionPlain", "lists": [{"text", "content" (HTML)}], "additionalPlain",
"salaryRange": {"min", "max", "interval"}}`` (or ``{"data": [...], "next": url}``).
The employer is ``mapping.defaults["employer.name"]`` (alias ``employer_name``);
commitment is the job type, team and department are tags; the description joins
``descriptionPlain``, the lists and ``additionalPlain``. Currency is not carried.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..mapping import FieldMapping
from .base import Event, FeedFormatError
from .common import build_item, load_json, page_link
from .text import html_to_text

_INTERVALS = {"per-year-salary": "year", "per-month-salary": "month",
              "per-day-wage": "day", "per-hour-wage": "hour"}


def _description(posting: Mapping[str, Any]) -> str | None:
    parts = [posting.get("descriptionPlain") or html_to_text(str(posting.get("description") or ""))]
    for block in posting.get("lists") or []:
        if isinstance(block, Mapping):
            parts.append(f"{block.get('text') or ''}\n{html_to_text(str(block.get('content') or ''))}")
    parts.append(posting.get("additionalPlain") or "")
    text = "\n\n".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return text or None


def _salary(salary: Any) -> Any:
    if not isinstance(salary, Mapping):
        return None
    period = _INTERVALS.get(str(salary.get("interval") or "per-year-salary"))
    if period is None:
        return None
    return {"min": salary.get("min"), "max": salary.get("max"), "period": period}


def posting_from_lever(posting: Mapping[str, Any]) -> dict[str, Any]:
    categories = posting.get("categories")
    categories = categories if isinstance(categories, Mapping) else {}
    places = categories.get("allLocations") or categories.get("location")
    base: dict[str, Any] = {
        "external_id": posting.get("id"),
        "title": posting.get("text"),
        "url": posting.get("hostedUrl"),
        "apply_url": posting.get("applyUrl") or posting.get("hostedUrl"),
        "posted_at": posting.get("createdAt"),
        "locations": places,
        "job_type": categories.get("commitment"),
        "tags": [t for t in (categories.get("team"), categories.get("department")) if t],
        "description": _description(posting),
        "salary": _salary(posting.get("salaryRange")),
    }
    return {key: value for key, value in base.items() if value not in (None, [], "")}


class LeverAdapter:
    """See the module docstring."""

    format = "lever"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        doc = load_json(body, content_type)
        postings = doc.get("data") if isinstance(doc, Mapping) else doc
        if not isinstance(postings, list):
            raise FeedFormatError("Lever document is not a list of postings")
        for index, posting in enumerate(postings):
            base = posting_from_lever(posting) if isinstance(posting, Mapping) else None
            yield build_item(index, posting, mapping, base_url, base=base)
        link = page_link(doc, ("next",), base_url) if isinstance(doc, Mapping) else None
        if link is not None:
            yield link
