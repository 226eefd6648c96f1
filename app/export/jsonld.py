"""A Job as schema.org ``JobPosting`` JSON-LD, with the fields Google for Jobs requires
(title, description, datePosted, hiringOrganization, jobLocation) and recommends
(validThrough, employmentType, baseSalary, identifier, directApply)."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

from .labels import INDUSTRY

EMPLOYMENT = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "internship": "INTERN", "other": "OTHER"}
UNIT = {"month": "MONTH", "year": "YEAR", "day": "DAY", "hour": "HOUR"}
CREDENTIAL = {"secondary": "high school", "associate": "associate degree", "bachelor": "bachelor degree",
              "master": "postgraduate degree", "doctorate": "postgraduate degree"}


def _html(text: str | None) -> str:
    """Google wants the description as HTML: escape it and keep its line breaks."""
    return "<p>" + escape(text or "").replace("\r\n", "\n").replace("\n", "<br>") + "</p>"


def _address(loc: dict[str, Any]) -> dict[str, Any]:
    address = {"@type": "PostalAddress", "addressCountry": "CN", "addressRegion": loc.get("province"),
               "addressLocality": loc.get("city") or loc.get("district") or loc.get("province"),
               "streetAddress": " ".join(x for x in (loc.get("district"), loc.get("address")) if x) or None}
    return {"@type": "Place", "address": {k: v for k, v in address.items() if v}}


def _salary(salary: dict[str, Any] | None) -> dict[str, Any] | None:
    if not salary or (salary.get("min") is None and salary.get("max") is None):
        return None
    low, high = salary.get("min"), salary.get("max")
    unit = UNIT.get(salary.get("period") or "month", "MONTH")
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": unit}
    if low is not None and high is not None and low != high:
        value.update(minValue=low, maxValue=high)
    else:
        value["value"] = low if low is not None else high
    return {"@type": "MonetaryAmount", "currency": "CNY", "value": value}


def job_posting(doc: Mapping[str, Any], *, page_url: str | None = None) -> dict[str, Any]:
    """The JobPosting for one Job document. A closed job gets a past ``validThrough``."""
    employer = doc["employer"]
    valid = doc.get("valid_through")
    if doc.get("status") == "closed" and (valid is None or valid > doc["updated_at"]):
        valid = doc["updated_at"]
    org: dict[str, Any] = {"@type": "Organization", "name": employer["name"]}
    if employer.get("credit_code"):
        org["taxID"] = employer["credit_code"]  # 统一社会信用代码
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": doc["title"],
        "description": _html(doc.get("description") or doc["title"]),
        "datePosted": doc.get("posted_at") or doc["first_seen_at"],
        "validThrough": valid,
        "employmentType": EMPLOYMENT.get(doc.get("job_type") or ""),
        "hiringOrganization": org,
        "jobLocation": [_address(loc) for loc in doc.get("locations") or []],
        "baseSalary": _salary(doc.get("salary")),
        "identifier": {"@type": "PropertyValue", "name": "Hub 24365", "value": doc["id"]},
        "directApply": False,
        "url": page_url or doc.get("apply_url"),
        "totalJobOpenings": doc.get("headcount"),
        "industry": INDUSTRY.get(doc.get("industry") or ""),
    }
    education = doc.get("education")
    if education == "any":
        out["educationRequirements"] = "no requirements"
    elif education in CREDENTIAL:
        out["educationRequirements"] = {"@type": "EducationalOccupationalCredential",
                                        "credentialCategory": CREDENTIAL[education]}
    if doc.get("majors"):
        out["qualifications"] = "专业：" + "、".join(doc["majors"])
    return {k: v for k, v in out.items() if v is not None and v != []}
