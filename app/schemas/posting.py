"""What a partner sends (``PostingIn``) and what the hub answers about it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from .common import NonBlank, SafeStr, StrictModel

JobType = Literal["full_time", "part_time", "internship", "other"]
Education = Literal["any", "secondary", "associate", "bachelor", "master", "doctorate"]
EmployerType = Literal["soe", "private", "foreign", "public_institution", "government", "other"]
Period = Literal["month", "year", "day", "hour"]

Short = Annotated[SafeStr, Field(max_length=300)]
Url = Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")]


class EmployerIn(StrictModel):
    name: Annotated[NonBlank, Field(max_length=300)]
    credit_code: Annotated[SafeStr, Field(max_length=40)] | None = None
    type: Annotated[SafeStr, Field(max_length=40, description="An enum value or the partner's word (民营, 国企…)")] | None = None


class LocationIn(StrictModel):
    region_code: Annotated[SafeStr, Field(pattern=r"^\d{6}$", description="GB/T 2260 code")] | None = None
    province: Short | None = None
    city: Short | None = Field(default=None, description="A city or free text the hub resolves: 深圳-南山区")
    district: Short | None = None
    address: Annotated[SafeStr, Field(max_length=500)] | None = None


class SalaryIn(StrictModel):
    min: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    max: Annotated[int, Field(ge=0, le=100_000_000)] | None = None
    period: Period = "month"
    negotiable: bool = False


class PostingIn(StrictModel):
    """One posting as a partner sends it. Raw forms (salary text, place text) are normalised."""

    external_id: Annotated[NonBlank, Field(max_length=128)]
    title: Annotated[NonBlank, Field(max_length=300)]
    employer: EmployerIn
    locations: Annotated[list[LocationIn | Annotated[NonBlank, Field(max_length=300)]], Field(min_length=1, max_length=50)]
    description: Annotated[SafeStr, Field(max_length=50_000)] | None = None
    job_type: Annotated[SafeStr, Field(max_length=40)] | None = None
    education: Annotated[SafeStr, Field(max_length=40)] | None = None
    majors: Annotated[list[Annotated[SafeStr, Field(max_length=100)]], Field(max_length=50)] = []
    industry: Annotated[SafeStr, Field(pattern=r"^[A-Ta-t]$")] | None = None
    salary: SalaryIn | Annotated[SafeStr, Field(max_length=100)] | None = None
    headcount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    posted_at: datetime | None = None
    valid_through: datetime | None = None
    apply_url: Url | None = None
    url: Url | None = None
    tags: Annotated[list[Annotated[SafeStr, Field(max_length=50)]], Field(max_length=50)] = []


class PostingBatchIn(StrictModel):
    postings: Annotated[list[PostingIn], Field(min_length=1, max_length=1000)]


class PostingResult(StrictModel):
    external_id: str | None
    status: Literal["created", "updated", "unchanged", "rejected"]
    job_id: str | None = None
    errors: list[dict[str, Any]] = []


class BatchResult(StrictModel):
    results: list[PostingResult]


class PostingRecord(StrictModel):
    """A partner's own posting as the hub stored it."""

    id: str
    external_id: str
    job_id: str | None
    status: Literal["active", "withdrawn", "expired"]
    posting: dict[str, Any] = Field(description="The normalised posting")
    received: dict[str, Any] = Field(description="What the partner sent, as sent")
    first_seen_at: datetime
    last_seen_at: datetime
    updated_at: datetime
