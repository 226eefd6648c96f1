"""Prepare a posting for the road, outside any transaction: parse, normalise, and make what
the write transaction would otherwise make itself (search tokens, dedup signature, the fields of
a job of its own). CPU only, so it runs side by side in several API processes.

The normalised document is plain JSON (it is stored in ``postings.data`` and hashed to tell
"unchanged" from "updated"); every later step reads it, never the raw input. The field
normalisers themselves (salary text, places, education, credit codes) are ``app.normalize``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from pydantic import ValidationError

from app.dedup.names import employer_name_key
from app.dedup.signature import Signature, posting_signature, prime
from app.errors import field_error, pydantic_errors
from app.jobs.build import Fields, solo_fields
from app.jobs.rows import LocationDoc, PostingDoc, SalaryDoc
from app.models import new_id
from app.normalize import (
    ancestors,
    clean_text,
    is_valid_credit_code,
    normalize_credit_code,
    parse_education,
    parse_employer_type,
    parse_job_type,
    parse_salary,
    region_by_code,
    resolve_location,
)
from app.normalize.headings import tidy_headings
from app.normalize.regions import Region
from app.schemas.common import storable_or_none
from app.schemas.posting import LocationIn, PostingIn, SalaryIn
from app.search.docs import KnownTokens, posting_tokens

from . import metrics

CHINA_TZ = timezone(timedelta(hours=8))


class NormaliseError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(e["message"] for e in errors))
        self.errors = errors


@dataclass(slots=True)
class Outcome:
    """What became of one posting on the road."""

    external_id: str | None
    status: str  # created | updated | unchanged | rejected
    job_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"external_id": self.external_id, "status": self.status, "job_id": self.job_id,
                "errors": self.errors}


@dataclass(slots=True)
class NormalPosting:
    external_id: str
    data: PostingDoc
    raw: dict[str, Any]
    content_hash: str
    employer_key: str
    posted_at: datetime | None
    valid_through: datetime | None
    # Made by ``prepare`` outside the write transaction: its search tokens (app.search.docs) and
    # its dedup signature without the employer id (app.dedup.signature).
    tokens: KnownTokens | None = None
    signature: Signature | None = None
    # The id the posting is stored under if it is new, and the fields of a job of its own
    # (app.jobs.build.solo_fields), most new postings' case: also made by ``prepare``.
    posting_id: str | None = None
    solo: Fields | None = None


def parse(raw: Any) -> PostingIn:
    return PostingIn.model_validate(raw)


def prepare(raw: Any, region_hint: str | None = None, *, fts: bool = True) -> NormalPosting | Outcome:
    """Parse and normalise one posting, or the rejection that names each bad field.

    ``region_hint`` is the partner's region code, used to settle ambiguous place names; ``fts``:
    also make SQLite's FTS column text (the store's database is SQLite; PostgreSQL never uses it)."""
    # Echoed in the result (kept with an Idempotency-Key, and in a sync run's rejections): only text
    # the databases can store; an unstorable id is rejected (its error names it) and echoed as null.
    external_id = storable_or_none(raw.get("external_id") if isinstance(raw, dict) else None)
    try:
        item = normalise(parse(raw), raw, region_hint)
    except ValidationError as exc:
        errors = pydantic_errors(exc.errors(include_url=False))
    except NormaliseError as exc:
        errors = exc.errors
    else:
        # Made here, outside the write transaction (and in parallel across API processes), so
        # the serialised store only looks them up.
        item.tokens = posting_tokens(item.data, fts=fts)
        item.signature = posting_signature(item.data)
        prime(item.signature)
        item.posting_id = new_id()
        item.solo = solo_fields(item.posting_id, item.data)
        return item
    for err in errors:
        metrics.REJECTED.labels(reason=err["type"]).inc()
    return Outcome(external_id, "rejected", None, errors)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:  # partners in China mean Beijing time when they say nothing
        value = value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _opt(value: str | None, *, multiline: bool = False) -> str | None:
    if value is None:
        return None
    cleaned = clean_text(value, multiline=multiline)
    return cleaned or None


def _description(value: str | None) -> str | None:
    """Cleaned like any text, and each repeated scraped heading said once."""
    cleaned = _opt(value, multiline=True)
    return tidy_headings(cleaned) or None if cleaned else None


def _resolve(text: str, hint: str | None) -> Region | None:
    """Resolve place text; an ambiguous name (南山区, 朝阳区) is read inside the partner's region."""
    region = resolve_location(text)
    if region is None and hint and (near := region_by_code(hint)) is not None:
        prefix = near.province + (near.city or "" if near.city != near.province else "")
        region = resolve_location(prefix + text)
        if region is not None and region.code in ancestors(hint):
            return None  # the text itself named nothing
    return region


def _location(loc: LocationIn | str, index: int, hint: str | None = None) -> LocationDoc:
    where = f"locations[{index}]"
    if isinstance(loc, str):
        loc = LocationIn(city=loc)
    address = _opt(loc.address)
    region = None
    if loc.region_code:
        region = region_by_code(loc.region_code)
        if region is None:
            raise NormaliseError([field_error(f"{where}.region_code", f"unknown GB/T 2260 code {loc.region_code!r}")])
    else:
        text = "".join(clean_text(p) for p in (loc.province, loc.city, loc.district) if p)
        if text:
            region = _resolve(text, hint)
        if region is None and address:
            region = _resolve(address, hint)
        if region is None:
            raise NormaliseError([field_error(where, f"cannot find a place in China for {text or address!r}")])
    return {
        "region_code": region.code, "province": region.province, "city": region.city,
        "district": region.district, "address": address,
    }


def _salary(value: SalaryIn | str | None) -> SalaryDoc | None:
    if value is None:
        return None
    if isinstance(value, SalaryIn):
        if value.min is not None and value.max is not None and value.min > value.max:
            raise NormaliseError([field_error("salary", "min must not exceed max")])
        raw: str | dict[str, Any] = value.model_dump()
    else:
        raw = clean_text(value)
    try:
        parsed = parse_salary(raw)
    except ValueError as exc:
        raise NormaliseError([field_error("salary", str(exc))]) from exc
    if parsed is None:
        return None
    return {"min": parsed.min, "max": parsed.max, "period": parsed.period,
            "negotiable": parsed.negotiable, "text": parsed.text}


def _enum(field: str, value: str | None, parser: Callable[[str], str | None]) -> str | None:
    if value is None or not value.strip():
        return None
    result = parser(clean_text(value))
    if result is None:
        raise NormaliseError([field_error(field, f"unknown {field} {value!r}")])
    return str(result)


def normalise(posting: PostingIn, raw: dict[str, Any], region_hint: str | None = None) -> NormalPosting:
    """Normalise one posting; raises ``NormaliseError`` naming each bad field.

    ``region_hint`` (the partner's region) settles place names that exist in several cities."""
    errors: list[dict[str, Any]] = []
    locations = []
    for i, loc in enumerate(posting.locations):
        try:
            locations.append(_location(loc, i, region_hint))
        except NormaliseError as exc:
            errors.extend(exc.errors)
    values: dict[str, str | None] = {}
    for name, value, parser in (
        ("job_type", posting.job_type, parse_job_type),
        ("education", posting.education, parse_education),
        ("employer.type", posting.employer.type, parse_employer_type),
    ):
        try:
            values[name] = _enum(name, value, parser)
        except NormaliseError as exc:
            errors.extend(exc.errors)
    salary: SalaryDoc | None = None
    try:
        salary = _salary(posting.salary)
    except NormaliseError as exc:
        errors.extend(exc.errors)
    if errors:
        raise NormaliseError(errors)

    name = clean_text(posting.employer.name)
    code = normalize_credit_code(posting.employer.credit_code) if posting.employer.credit_code else None
    verified = bool(code) and is_valid_credit_code(code)
    posted_at, valid_through = _aware(posting.posted_at), _aware(posting.valid_through)
    data: PostingDoc = {
        "external_id": posting.external_id,
        "title": clean_text(posting.title),
        "employer": {"name": name, "credit_code": code or None, "credit_code_verified": verified,
                     "type": values["employer.type"]},
        "locations": locations,
        "description": _description(posting.description),
        "job_type": values["job_type"],
        "education": values["education"],
        "majors": [m for m in (clean_text(x) for x in posting.majors) if m],
        "industry": posting.industry.upper() if posting.industry else None,
        "salary": salary,
        "headcount": posting.headcount,
        "posted_at": _iso(posted_at),
        "valid_through": _iso(valid_through),
        "apply_url": posting.apply_url,
        "url": posting.url,
        "tags": [t for t in (clean_text(x) for x in posting.tags) if t],
    }
    digest = hashlib.sha1(dumps_sorted(data)).hexdigest()
    # Employer identity: the verified credit code, else the normalised name (app.dedup.names).
    employer_key = f"cc:{code}" if verified else f"name:{employer_name_key(name) or name}"
    return NormalPosting(posting.external_id, data, raw, digest, employer_key, posted_at, valid_through)


def dumps_sorted(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
