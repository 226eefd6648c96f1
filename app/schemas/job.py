from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from .common import StrictModel


class EmployerOut(StrictModel):
    id: str
    name: str
    credit_code: str | None
    credit_code_verified: bool
    type: str | None


class LocationOut(StrictModel):
    region_code: str | None
    province: str | None
    city: str | None
    district: str | None
    address: str | None


class SalaryOut(StrictModel):
    min: int | None
    max: int | None
    period: str | None
    negotiable: bool = False
    text: str | None = None


class SourceOut(StrictModel):
    partner_id: str
    partner_name: str
    partner_kind: str
    external_id: str
    url: str | None
    status: Literal["active", "withdrawn", "expired"]
    first_seen_at: datetime
    last_seen_at: datetime


class JobOut(StrictModel):
    id: str
    title: str
    employer: EmployerOut
    locations: list[LocationOut]
    description: str | None
    job_type: str | None
    education: str | None
    majors: list[str]
    industry: str | None
    salary: SalaryOut | None
    headcount: int | None
    posted_at: datetime | None
    valid_through: datetime | None
    apply_url: str | None
    status: Literal["open", "closed"]
    first_seen_at: datetime
    updated_at: datetime
    sources: list[SourceOut]
    field_sources: dict[str, Any] = {}


class JobList(StrictModel):
    items: list[JobOut]
    next_cursor: str | None
    total: int | None
    # True when more jobs match than ``total`` (the count stops at 10,000).
    total_capped: bool = False
    facets: dict[str, dict[str, int]] = {}
    counts_as_of: datetime | None = Field(
        None, description="When `total` and `facets` were counted: they come from a cache, reused unchanged while "
        "no job changes and for at most HUB_COUNTS_MAX_AGE_S seconds after a change (the items are always read "
        "fresh). Null: counted with this very page. `total_capped` says they are from a sample.")
