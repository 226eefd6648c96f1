"""Shape a raw posting dict to the limits of ``PostingIn`` without rejecting it.

Unknown keys and None/empty values are dropped, text is trimmed, dates become ISO
8601, URLs absolute; values the contract would refuse (a 7-digit region code, an
industry that is not a GB/T 4754 letter) are left out rather than sinking the item.
Only a missing title is fatal (``ItemInvalid``); a missing or over-long external id
is derived (``sha1:...``).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from ..mapping import EMPLOYER_KEYS, LOCATION_KEYS, SALARY_TEXT, is_empty
from .text import html_to_text, looks_like_html, to_iso

MAX_ID = 128
_URL_RE = re.compile(r"^https?://\S+$")
_SPLIT_RE = re.compile(r"[\n,，、;；|/]+")
_PERIODS = {"month": "month", "monthly": "month", "mon": "month", "月": "month",
            "year": "year", "yearly": "year", "annual": "year", "annually": "year", "年": "year",
            "day": "day", "daily": "day", "日": "day", "天": "day",
            "hour": "hour", "hourly": "hour", "小时": "hour", "时": "hour"}
_JOB_TYPES = {"fulltime": "full_time", "全职": "full_time", "parttime": "part_time",
              "兼职": "part_time", "intern": "internship", "internship": "internship",
              "实习": "internship"}


class ItemInvalid(ValueError):
    """The item cannot become a posting (the reason is the message)."""


def _text(value: Any, limit: int | None = None) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).replace("\x00", "").strip()
    if not text or (limit is not None and len(text) > limit):
        return None
    return text


def _int(value: Any, high: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = round(value) if math.isfinite(value) else None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(人|名|元)?\s*", value)
        value = round(float(match.group(1))) if match else None
    return value if isinstance(value, int) and 0 <= value <= high else None


def _url(value: Any, base_url: str) -> str | None:
    text = _text(value, 2048)
    if text is None:
        return None
    text = urljoin(base_url, text) if base_url else text
    return text if _URL_RE.match(text) and len(text) <= 2048 else None


def _list(value: Any, item_limit: int) -> list[str]:
    items = _SPLIT_RE.split(value) if isinstance(value, str) else (
        value if isinstance(value, list) else [])
    out: list[str] = []
    for item in items:
        text = _text(item)
        if text:
            text = text[:item_limit]
            if text not in out:
                out.append(text)
    return out[:50]


def _employer(value: Any) -> dict[str, str] | None:
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, Mapping):
        return None
    limits = {"name": 300, "credit_code": 40, "type": 40}
    out = {k: t for k in EMPLOYER_KEYS if (t := _text(value.get(k), limits[k]))}
    return out if "name" in out else None


def _place(value: Any) -> dict[str, str] | str | None:
    if not isinstance(value, Mapping):
        return _text(value, 300)
    out: dict[str, str] = {}
    for key in LOCATION_KEYS:
        raw = value.get(key)
        if key == "region_code" and isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        text = _text(raw, 500 if key == "address" else 300)
        if text and (key != "region_code" or re.fullmatch(r"\d{6}", text)):
            out[key] = text
    return out or None


def _locations(value: Any) -> list[Any]:
    items = value if isinstance(value, list) else [value]
    return [p for item in items if (p := _place(item))][:50]


def _salary(value: Any) -> dict[str, Any] | str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return _text(value, 100)
    if not isinstance(value, Mapping):
        return None
    out: dict[str, Any] = {}
    for key in ("min", "max"):
        number = _int(value.get(key), 100_000_000)
        if number is not None:
            out[key] = number
    fallback = _text(value.get(SALARY_TEXT), 100)
    if not out:
        return fallback
    period = value.get("period")
    if not is_empty(period):
        period = _PERIODS.get(re.sub(r"^(per[\s_-]*|/)", "", str(period).strip().lower()))
        if period is None:
            return fallback  # a unit the contract cannot say: better the raw text
        out["period"] = period
    if isinstance(value.get("negotiable"), bool):
        out["negotiable"] = value["negotiable"]
    return out


def _job_type(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    known = _JOB_TYPES.get(re.sub(r"[\s_-]+", "", text.lower()))
    return known or (text if len(text) <= 40 else None)


def _industry(value: Any) -> str | None:
    text = _text(value)
    match = re.match(r"([A-Ta-t])(?![A-Za-z])", text) if text else None
    return match.group(1).upper() if match else None


def hashed_id(*parts: Any) -> str:
    joined = "|".join("" if p is None else str(p) for p in parts)
    return "sha1:" + hashlib.sha1(joined.encode("utf-8")).hexdigest()


def _external_id(raw: Any, out: Mapping[str, Any], force_hash: bool) -> str:
    url = out.get("url") or out.get("apply_url")
    if not force_hash:
        given = _text(raw)
        if given and len(given) <= MAX_ID:
            return given
        if given:
            return hashed_id(given)
        if url and len(url) <= MAX_ID:
            return str(url)
    if url:
        return hashed_id(url)
    place = out.get("locations", [None])[0]
    place = place.get("city") if isinstance(place, dict) else place
    return hashed_id(out["title"], out.get("employer", {}).get("name"), place)


def finalize(data: Mapping[str, Any], *, base_url: str = "", force_hash: bool = False
             ) -> dict[str, Any]:
    """A clean posting dict from ``data``; raises ``ItemInvalid`` without a title."""
    out: dict[str, Any] = {}
    title = _text(data.get("title"))
    if title is None:
        raise ItemInvalid("missing title")
    out["title"] = " ".join(title.split())
    if (employer := _employer(data.get("employer"))) is not None:
        out["employer"] = employer
    if places := _locations(data.get("locations")):
        out["locations"] = places
    _add_about(out, data)
    _add_terms(out, data, base_url)
    out["external_id"] = _external_id(data.get("external_id"), out, force_hash)
    return out


def _add_about(out: dict[str, Any], data: Mapping[str, Any]) -> None:
    """What the job is: description, type, education, majors and tags, industry."""
    description = _text(data.get("description"))
    if description:
        if looks_like_html(description):
            description = html_to_text(description)
        out["description"] = description[:50_000]
    if job_type := _job_type(data.get("job_type")):
        out["job_type"] = job_type
    if education := _text(data.get("education"), 40):
        out["education"] = education
    for key, limit in (("majors", 100), ("tags", 50)):
        if items := _list(data.get(key), limit):
            out[key] = items
    if industry := _industry(data.get("industry")):
        out["industry"] = industry


def _add_terms(out: dict[str, Any], data: Mapping[str, Any], base_url: str) -> None:
    """Its terms and links: salary, headcount, dates, apply and page URLs."""
    if (salary := _salary(data.get("salary"))) is not None:
        out["salary"] = salary
    if (headcount := _int(data.get("headcount"), 1_000_000)) is not None:
        out["headcount"] = headcount
    for key in ("posted_at", "valid_through"):
        if stamp := to_iso(data.get(key)):
            out[key] = stamp
    for key in ("apply_url", "url"):
        if link := _url(data.get(key), base_url):
            out[key] = link
