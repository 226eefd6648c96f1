"""Admin views of deduplication: why a posting is in its job, and the overrides that move it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from .common import Id, StrictModel

Decision = Literal["new", "matched", "stayed", "kept", "moved", "pinned", "split", "merged"]


class OverrideOut(StrictModel):
    kind: Literal["pin", "forbid"] = Field(description="pin: the posting belongs to this job; "
                                                       "forbid: it must never join it")
    job_id: str
    created_at: datetime


class Comparison(StrictModel):
    job_id: str
    representative_posting_id: str | None = Field(description="The posting whose fields lead the job's representative")
    members: int = Field(description="Postings compared against (the job's others)")
    score: float
    veto: str | None
    features: dict[str, Any]


class ExplainOut(StrictModel):
    posting_id: str
    job_id: str | None
    decision: Decision | None = Field(description="What dedup decided when the posting last arrived or changed")
    score: float | None
    threshold: float
    stay_threshold: float
    compared_job_id: str | None = Field(description="The job whose representative was the best candidate")
    features: dict[str, Any] = Field(description="Features of the posting against that representative")
    candidates: int = Field(description="Open jobs in the posting's blocks compared in full (the rest were ruled out "
                                        "at a glance by title, seniority or place)")
    decided_at: datetime | None
    overrides: list[OverrideOut]
    current: Comparison | None = Field(description="The posting against its job's other postings, now")


class SplitOut(StrictModel):
    posting_id: str
    job_id: str = Field(description="The posting's job from now on")
    previous_job_id: str | None
    moved: bool


class MergeIn(StrictModel):
    into: Id = Field(description="The job that absorbs this one")


class MergeOut(StrictModel):
    job_id: str = Field(description="The surviving job")
    merged_job_id: str = Field(description="The job merged away (now closed)")
    moved_postings: int


class EmployerNameOut(StrictModel):
    name: str
    name_key: str
    first_seen_at: datetime


class EmployerRecord(StrictModel):
    id: str
    identity_key: str
    name: str
    credit_code: str | None
    credit_code_verified: bool
    type: str | None
    names: list[EmployerNameOut]
