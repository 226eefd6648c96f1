"""Format ``greenhouse``: the Greenhouse job board API (``boards-api.greenhouse.io``).

``{"jobs": [{"id", "title", "absolute_url", "location": {"name"}, "updated_at",
"first_published", "company_name", "departments": [{"name"}],
"content" (HTML escaped once more: ``&lt;p&gt;``)}]}``. The employer comes from
``company_name`` when present, else ``mapping.defaults["employer.name"]`` (alias
``employer_name``). Department names become tags; ``absolute_url`` is both url and
apply_url; ``first_published`` (else ``updated_at``) is posted_at.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..mapping import FieldMapping
from .base import Event, FeedFormatError
from .common import build_item, load_json
from .text import html_to_text, unescape_html


def posting_from_job(job: Mapping[str, Any]) -> dict[str, Any]:
    location = job.get("location")
    content = job.get("content")
    departments = job.get("departments")
    base: dict[str, Any] = {
        "external_id": job.get("id") if job.get("id") is not None else job.get("internal_job_id"),
        "title": job.get("title"),
        "url": job.get("absolute_url"),
        "apply_url": job.get("absolute_url"),
        "posted_at": job.get("first_published") or job.get("updated_at"),
        "locations": [location.get("name")] if isinstance(location, Mapping) else location,
        "description": html_to_text(unescape_html(content)) if isinstance(content, str) else None,
        "tags": [d.get("name") for d in departments if isinstance(d, Mapping)]
        if isinstance(departments, list) else None,
        "employer": job.get("company_name"),
    }
    return {key: value for key, value in base.items() if value is not None}


class GreenhouseAdapter:
    """See the module docstring."""

    format = "greenhouse"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        doc = load_json(body, content_type)
        jobs = doc.get("jobs") if isinstance(doc, Mapping) else None
        if not isinstance(jobs, list):
            raise FeedFormatError("Greenhouse document has no 'jobs' list")
        for index, job in enumerate(jobs):
            base = posting_from_job(job) if isinstance(job, Mapping) else None
            yield build_item(index, job, mapping, base_url, base=base)
