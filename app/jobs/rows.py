"""The shapes a posting and a job travel in between the road's steps (plain dicts, typed).

A posting's document (``PostingDoc``) is what ``app.ingest.prepare`` makes and ``postings.data``
stores; a ``Member`` is one posting of a job as the job is built from it; a ``JobRow`` is the
``jobs`` row ``app.jobs.build`` makes; a ``JobDocument`` is the contract's Job, as rendered.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class EmployerDoc(TypedDict):
    name: str
    credit_code: str | None
    credit_code_verified: bool
    type: str | None


class LocationDoc(TypedDict):
    region_code: str | None
    province: str | None
    city: str | None
    district: str | None
    address: str | None


class SalaryDoc(TypedDict):
    min: int | None
    max: int | None
    period: str | None
    negotiable: bool
    text: str | None


class PostingDoc(TypedDict):
    """A posting's normalised document (``postings.data``): every later step reads this."""

    external_id: str
    title: str
    employer: EmployerDoc
    locations: list[LocationDoc]
    description: str | None
    job_type: str | None
    education: str | None
    majors: list[str]
    industry: str | None
    salary: SalaryDoc | None
    headcount: int | None
    posted_at: str | None
    valid_through: str | None
    apply_url: str | None
    url: str | None
    tags: list[str]


class Sourced(TypedDict):
    """The least a posting needs to supply a job's fields: its id and its document."""

    id: str
    data: PostingDoc


class Member(Sourced):
    """One posting of a job, with what building the job and rendering its sources need."""

    job_id: str
    status: str  # active | withdrawn | expired
    updated_at: datetime
    first_seen_at: datetime
    last_seen_at: datetime
    valid_through: datetime | None
    employer_id: str
    partner_id: str
    external_id: str
    url: str | None
    kind: str  # the partner's kind


class JobFields(TypedDict):
    """The part of a job row its postings' documents alone decide (``app.jobs.build``)."""

    title: str
    description: str | None
    job_type: str | None
    education: str | None
    industry: str | None
    headcount: int | None
    apply_url: str | None
    locations: list[LocationDoc]
    majors: list[str]
    tags: list[str]
    employer_type: str | None
    canonical_posting_id: str
    salary: SalaryDoc | None
    salary_min: int | None
    salary_max: int | None
    salary_period: str | None
    salary_month_min: int | None
    salary_month_max: int | None
    posted_at: datetime | None
    field_sources: dict[str, str]


class BuiltJob(JobFields):
    """A job as built from its postings (``build_job``): its fields, status and dates."""

    status: str  # open | closed
    employer_id: str
    valid_through: datetime | None
    first_seen_at: datetime


class JobRow(BuiltJob):
    """A complete ``jobs`` row."""

    id: str
    updated_at: datetime
    version: int


class EmployerOut(TypedDict):
    id: str
    name: str
    credit_code: str | None
    credit_code_verified: bool
    type: str | None


class SourceOut(TypedDict):
    partner_id: str
    partner_name: str
    partner_kind: str
    external_id: str
    url: str | None
    status: str
    first_seen_at: str | None
    last_seen_at: str | None


class JobDocument(TypedDict):
    """The contract's Job, as rendered for the API, the pages, the change feed and exports."""

    id: str
    title: str
    employer: EmployerOut
    locations: list[dict[str, Any]]
    description: str | None
    job_type: str | None
    education: str | None
    majors: list[str]
    industry: str | None
    salary: SalaryDoc | None
    headcount: int | None
    posted_at: str | None
    valid_through: str | None
    apply_url: str | None
    status: str
    first_seen_at: str | None
    updated_at: str | None
    sources: list[SourceOut]
    field_sources: dict[str, str]
