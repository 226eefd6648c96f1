"""Render contract-shaped postings as a feed of any pulled format, streamed to a file.

Used by the demo (local partner feeds built from ``demo/*.jsonl``), the sync benchmark
and tests: what it writes is what each adapter reads back (see ``adapters/``).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from email.utils import format_datetime
from typing import Any, BinaryIO
from xml.sax.saxutils import escape, quoteattr

from app.export.jsonld import EMPLOYMENT

FORMATS = ("json", "jsonld", "rss", "atom", "xml", "csv")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8", "jsonld": "application/ld+json; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8",
    "xml": "application/xml; charset=utf-8", "csv": "text/csv; charset=utf-8",
}
JOB_NS = "https://hub24365.example/ns/job"
CSV_COLUMNS = ("external_id", "title", "employer.name", "employer.credit_code", "employer.type",
               "locations.region_code", "locations.city", "locations.address", "salary",
               "education", "job_type", "industry", "headcount", "posted_at", "valid_through",
               "url", "apply_url", "description", "majors", "tags")


def _employer(p: Mapping[str, Any]) -> dict[str, Any]:
    e = p.get("employer")
    return dict(e) if isinstance(e, Mapping) else {"name": e}


def _place(p: Mapping[str, Any]) -> dict[str, Any]:
    places = p.get("locations") or []
    first = places[0] if isinstance(places, list) and places else places
    return dict(first) if isinstance(first, Mapping) else {"city": first} if first else {}


def _place_text(place: Mapping[str, Any]) -> str:
    return "-".join(str(place[k]) for k in ("province", "city", "district") if place.get(k))


def _salary_text(p: Mapping[str, Any]) -> str | None:
    s = p.get("salary")
    if isinstance(s, Mapping):
        if s.get("negotiable"):
            return "面议"
        low, high = s.get("min"), s.get("max")
        unit = {"month": "月", "year": "年", "day": "天", "hour": "小时"}.get(s.get("period") or "month", "月")
        return f"{low or high}-{high or low}/{unit}" if (low or high) else None
    return str(s) if s not in (None, "") else None


def _rfc2822(value: Any) -> str | None:
    try:
        return format_datetime(datetime.fromisoformat(str(value))) if value else None
    except (TypeError, ValueError):
        return None


def _jsonld(p: Mapping[str, Any]) -> dict[str, Any]:
    emp, place = _employer(p), _place(p)
    salary: Any = p.get("salary")
    if isinstance(salary, Mapping) and (salary.get("min") or salary.get("max")):
        salary = {"@type": "MonetaryAmount", "currency": "CNY", "value": {
            "@type": "QuantitativeValue", "minValue": salary.get("min"), "maxValue": salary.get("max"),
            "unitText": str(salary.get("period") or "month").upper()}}
    elif isinstance(salary, Mapping):
        salary = _salary_text(p)
    address: Any = ({"@type": "PostalAddress", "addressRegion": place.get("province"),
                     "addressLocality": place.get("city") or place.get("region_code"),
                     "streetAddress": place.get("address")}
                    if place.get("province") or place.get("address") else _place_text(place)
                    or place.get("region_code"))
    node = {"@type": "JobPosting", "identifier": p.get("external_id"), "title": p.get("title"),
            "hiringOrganization": {"@type": "Organization", "name": emp.get("name"),
                                   "taxID": emp.get("credit_code")},
            "jobLocation": [{"@type": "Place", "address": address}], "baseSalary": salary,
            "datePosted": p.get("posted_at"), "validThrough": p.get("valid_through"),
            "employmentType": EMPLOYMENT.get(p.get("job_type") or ""),
            "educationRequirements": p.get("education"), "industry": p.get("industry"),
            "totalJobOpenings": p.get("headcount"), "url": p.get("url"),
            "description": p.get("description")}
    return {k: v for k, v in node.items() if v not in (None, "", [])}


def _job_elements(p: Mapping[str, Any]) -> str:
    emp, place = _employer(p), _place(p)
    salary = p.get("salary")
    pairs: list[tuple[str, Any]] = [("employer", emp.get("name")), ("creditCode", emp.get("credit_code")),
                                    ("employerType", emp.get("type"))]
    if place.get("region_code"):
        pairs.append(("regionCode", place["region_code"]))
    pairs += [("location", _place_text(place)), ("address", place.get("address"))]
    if isinstance(salary, Mapping) and (salary.get("min") or salary.get("max")):
        pairs += [("salaryMin", salary.get("min")), ("salaryMax", salary.get("max")),
                  ("salaryPeriod", salary.get("period"))]
    else:
        pairs.append(("salary", _salary_text(p)))
    pairs += [("education", p.get("education")), ("jobType", p.get("job_type")),
              ("headcount", p.get("headcount")), ("validThrough", p.get("valid_through")),
              ("applyUrl", p.get("apply_url")), ("industry", p.get("industry")),
              ("majors", ",".join(p.get("majors") or []))]
    return "".join(f"<job:{k}>{escape(str(v))}</job:{k}>" for k, v in pairs if v not in (None, ""))


def _tag(name: str, value: Any) -> str:
    return f"<{name}>{escape(str(value))}</{name}>" if value not in (None, "") else ""


def _rss_item(p: Mapping[str, Any]) -> str:
    tags = "".join(_tag("category", t) for t in p.get("tags") or [])
    return ("<item>" + _tag("title", p.get("title")) + _tag("link", p.get("url"))
            + f'<guid isPermaLink="false">{escape(str(p["external_id"]))}</guid>'
            + _tag("description", p.get("description")) + _tag("pubDate", _rfc2822(p.get("posted_at")))
            + _job_elements(p) + tags + "</item>\n")


def atom_id(external_id: str) -> str:
    """Atom ids are IRIs (readers resolve relative ones against the feed's URL): a URN."""
    return external_id if ":" in external_id else f"urn:hub24365:posting:{external_id}"


def _atom_entry(p: Mapping[str, Any]) -> str:
    link = f"<link href={quoteattr(str(p['url']))}/>" if p.get("url") else ""
    tags = "".join(f"<category term={quoteattr(str(t))}/>" for t in p.get("tags") or [])
    return ("<entry>" + _tag("id", atom_id(str(p["external_id"]))) + _tag("title", p.get("title")) + link
            + _tag("published", p.get("posted_at")) + _tag("updated", p.get("posted_at"))
            + (f'<content type="text">{escape(str(p["description"]))}</content>' if p.get("description") else "")
            + _job_elements(p) + tags + "</entry>\n")


def _indeed_job(p: Mapping[str, Any]) -> str:
    emp, place = _employer(p), _place(p)
    fields = [("title", p.get("title")), ("date", p.get("posted_at")), ("referencenumber", p["external_id"]),
              ("url", p.get("url")), ("applyurl", p.get("apply_url")), ("company", emp.get("name")),
              ("city", _place_text(place) or place.get("region_code")), ("streetaddress", place.get("address")),
              ("description", p.get("description")), ("salary", _salary_text(p)),
              ("education", p.get("education")), ("jobtype", p.get("job_type")),
              ("headcount", p.get("headcount")), ("expirationdate", p.get("valid_through"))]
    fields += [("category", t) for t in p.get("tags") or []]
    return "<job>" + "".join(_tag(k, v) for k, v in fields) + "</job>\n"


def _csv_row(p: Mapping[str, Any]) -> list[Any]:
    emp, place = _employer(p), _place(p)
    values = {"employer.name": emp.get("name"), "employer.credit_code": emp.get("credit_code"),
              "employer.type": emp.get("type"), "locations.region_code": place.get("region_code"),
              "locations.city": _place_text(place) if not place.get("region_code") else place.get("city"),
              "locations.address": place.get("address"), "salary": _salary_text(p),
              "majors": ",".join(p.get("majors") or []), "tags": ",".join(p.get("tags") or [])}
    return [values[c] if c in values else p.get(c) for c in CSV_COLUMNS]


def _write_items(out: BinaryIO, head: str, items: Iterable[str], tail: str, sep: str = "") -> int:
    out.write(head.encode())
    count = 0
    for item in items:
        out.write(((sep if count else "") + item).encode())
        count += 1
    out.write(tail.encode())
    return count


def _DUMP(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def write_feed(out: BinaryIO, fmt: str, postings: Iterable[Mapping[str, Any]], *,
               title: str = "Hub 24365 demo feed") -> int:
    """Write ``postings`` as one ``fmt`` document to ``out``; returns how many."""
    if fmt == "json":
        return _write_items(out, '{"postings": [\n', (_DUMP(dict(p)) for p in postings), "\n]}\n", ",\n")
    if fmt == "jsonld":
        head = '{"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [\n'
        return _write_items(out, head, (_DUMP(_jsonld(p)) for p in postings), "\n]}\n", ",\n")
    if fmt == "rss":
        head = (f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:job="{JOB_NS}">'
                f"<channel><title>{escape(title)}</title><link>https://hub24365.example/</link>\n")
        return _write_items(out, head, (_rss_item(p) for p in postings), "</channel></rss>\n")
    if fmt == "atom":
        head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
                f'xmlns:job="{JOB_NS}"><title>{escape(title)}</title><id>urn:hub24365:demo</id>'
                "<updated>2026-01-01T00:00:00Z</updated>\n")
        return _write_items(out, head, (_atom_entry(p) for p in postings), "</feed>\n")
    if fmt == "xml":
        head = f'<?xml version="1.0" encoding="utf-8"?>\n<source><publisher>{escape(title)}</publisher>\n'
        return _write_items(out, head, (_indeed_job(p) for p in postings), "</source>\n")
    if fmt == "csv":
        def rows() -> Iterable[str]:
            for p in postings:
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerow(_csv_row(p))
                yield buf.getvalue()
        return _write_items(out, ",".join(CSV_COLUMNS) + "\n", rows(), "")
    raise ValueError(f"unknown feed format {fmt!r}; known: {', '.join(FORMATS)}")
