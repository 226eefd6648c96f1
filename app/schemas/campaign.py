"""The campaign's shapes: fairs, enterprise visits, hardship case files, the daily report."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from app.normalize import region_by_code

from .common import Id, NonBlank, SafeStr, StrictModel

FairKind = Literal["regional", "industry", "alliance", "campus"]
FairMode = Literal["online", "offline", "hybrid"]
Category = Literal["low_income", "disabled", "zero_employment_family", "other"]
CaseStatus = Literal["open", "placed", "closed"]
Education = Literal["any", "secondary", "associate", "bachelor", "master", "doctorate"]
JobType = Literal["full_time", "part_time", "internship", "other"]


def _region(code: str) -> str:
    region = region_by_code(code) if len(code) == 6 and code.isdigit() else None
    if region is None:
        raise ValueError("not a GB/T 2260 region code")
    return region.code


# A resident ID (15 or 18 characters), a mobile number: personal data the hub refuses to hold.
_PERSONAL = re.compile(r"\d{17}[\dXx]|\d{15}|1[3-9]\d{9}")


def _pseudonym(ref: str) -> str:
    if _PERSONAL.search(ref):
        raise ValueError("looks like an ID card or phone number; use your own pseudonymous reference")
    return ref


def _plausible(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2999:
        raise ValueError("must be between the years 2000 and 2999")
    return value


When = Annotated[AwareDatetime, AfterValidator(_plausible)]
RegionCode = Annotated[SafeStr, Field(min_length=6, max_length=6, pattern=r"^\d{6}$"), AfterValidator(_region)]
Text300 = Annotated[NonBlank, Field(max_length=300)]
Url = Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")]
JobId = Id
StudentRef = Annotated[SafeStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
                       AfterValidator(_pseudonym)]


# -- fairs -----------------------------------------------------------------------------------------

class FairEmployer(StrictModel):
    name: Text300
    credit_code: Annotated[SafeStr, Field(max_length=18)] | None = None


class FairIn(StrictModel):
    title: Text300
    kind: FairKind = Field(description="regional 区域性, industry 行业性, alliance 联盟性, campus 校园专场")
    mode: FairMode
    region_code: RegionCode = Field(description="Where the fair is (or whose graduates it serves, online)")
    venue: Text300 | None = None
    address: Annotated[NonBlank, Field(max_length=500)] | None = None
    url: Url | None = None
    starts_at: When
    ends_at: When = Field(description="After starts_at (422 otherwise)")
    description: Annotated[SafeStr, Field(max_length=20000)] | None = None
    job_ids: list[JobId] = Field(default=[], max_length=1000, description="Jobs on offer (existing job ids)")
    employers: list[FairEmployer] = Field(default=[], max_length=1000, description="Participating employers")


class FairPatch(StrictModel):
    """Only the fields sent change; ``job_ids`` and ``employers`` replace the lists."""

    title: Text300 | None = None
    kind: FairKind | None = None
    mode: FairMode | None = None
    region_code: RegionCode | None = None
    venue: Text300 | None = None
    address: Annotated[NonBlank, Field(max_length=500)] | None = None
    url: Url | None = None
    starts_at: When | None = None
    ends_at: When | None = None
    description: Annotated[SafeStr, Field(max_length=20000)] | None = None
    job_ids: list[JobId] | None = Field(default=None, max_length=1000)
    employers: list[FairEmployer] | None = Field(default=None, max_length=1000)


class FairOut(StrictModel):
    id: str
    organiser_id: str
    organiser_name: str
    title: str
    kind: FairKind
    mode: FairMode
    region_code: str
    region_name: str | None
    venue: str | None
    address: str | None
    url: str | None
    starts_at: datetime
    ends_at: datetime
    description: str | None
    status: Literal["scheduled", "cancelled"]
    job_ids: list[str]
    employers: list[FairEmployer]
    created_at: datetime
    updated_at: datetime


class FairList(StrictModel):
    items: list[FairOut]
    next_cursor: str | None


# -- visits ----------------------------------------------------------------------------------------

class VisitIn(StrictModel):
    employer_name: Text300
    credit_code: Annotated[SafeStr, Field(max_length=18)] | None = Field(
        default=None, description="Unified social credit code; links the visit to the hub's employer record")
    visited_at: When
    leader_name: Annotated[NonBlank, Field(max_length=100)]
    leader_title: Annotated[NonBlank, Field(max_length=100)] | None = Field(default=None,
                                                                            description="e.g. 校长, 党委书记")
    region_code: RegionCode = Field(description="Where the employer is")
    jobs_promised: int = Field(default=0, ge=0, le=1_000_000, description="Jobs the employer promised (拓岗)")
    notes: Annotated[SafeStr, Field(max_length=5000)] | None = None


class VisitOut(StrictModel):
    id: str
    employer_name: str
    credit_code: str | None
    employer_id: str | None = Field(description="The hub's employer record, when one matched")
    visited_at: datetime
    leader_name: str
    leader_title: str | None
    region_code: str
    jobs_promised: int
    notes: str | None
    created_at: datetime


class VisitList(StrictModel):
    items: list[VisitOut]
    next_cursor: str | None


class TargetIn(StrictModel):
    target: int = Field(ge=1, le=100_000, description="Distinct employers to visit")


class LeaderProgress(StrictModel):
    leader_name: str
    leader_title: str | None
    visits: int
    employers: int = Field(description="Distinct employers this leader visited")
    jobs_promised: int


class VisitProgress(StrictModel):
    target: int
    employers_visited: int = Field(description="Distinct employers visited")
    remaining: int
    reached: bool
    visits: int
    jobs_promised: int
    leaders: list[LeaderProgress]


# -- cases -----------------------------------------------------------------------------------------

class CaseIn(StrictModel):
    student_ref: StudentRef = Field(description="Your own pseudonymous reference; never a name, ID or phone number")
    category: Category
    education: Education | None = None
    major: Annotated[NonBlank, Field(max_length=100)] | None = None
    region_codes: list[RegionCode] = Field(default=[], max_length=20, description="Preferred regions")
    job_types: list[JobType] = Field(default=[], max_length=4, description="Preferred job types")
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000, description="Monthly CNY")
    status: CaseStatus = "open"


class CasePatch(StrictModel):
    category: Category | None = None
    education: Education | None = None
    major: Annotated[NonBlank, Field(max_length=100)] | None = None
    region_codes: list[RegionCode] | None = Field(default=None, max_length=20)
    job_types: list[JobType] | None = Field(default=None, max_length=4)
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000)
    status: CaseStatus | None = None


class CaseOut(StrictModel):
    id: str
    student_ref: str
    category: Category
    education: Education | None
    major: str | None
    region_codes: list[str]
    job_types: list[JobType]
    expected_salary: int | None
    status: CaseStatus
    pushes: int
    created_at: datetime
    updated_at: datetime


class CaseList(StrictModel):
    items: list[CaseOut]
    next_cursor: str | None


class Recommendation(StrictModel):
    job_id: str
    title: str
    employer_name: str
    region_codes: list[str]
    education: str | None
    job_type: str | None
    salary: dict[str, object] | None
    apply_url: str | None
    reasons: list[str] = Field(description="Why the job fits the case, one line per criterion met")


class RecommendationList(StrictModel):
    items: list[Recommendation]
    relaxed: list[str] = Field(description="Criteria dropped to find enough jobs (major, salary)")


class PushIn(StrictModel):
    job_ids: list[JobId] = Field(min_length=1, max_length=100)


class PushOut(StrictModel):
    job_id: str
    title: str | None
    pushed_at: datetime


class PushResult(StrictModel):
    created: list[str] = Field(description="Jobs pushed now")
    already: list[str] = Field(description="Jobs this case had already been pushed")
    pushes: int = Field(description="The case's pushes in all")


class PushList(StrictModel):
    items: list[PushOut]


class UncoveredCase(StrictModel):
    id: str
    student_ref: str
    category: Category
    pushes: int


class CategoryCoverage(StrictModel):
    open: int
    covered: int
    uncovered: int


class Coverage(StrictModel):
    required: int = Field(description="Pushes an open case needs (3)")
    open: int
    covered: int
    uncovered: int
    by_category: dict[str, CategoryCoverage]
    uncovered_cases: list[UncoveredCase] = Field(description="Fewest pushes first, at most 1000")


# -- the daily report ------------------------------------------------------------------------------

class DailyReport(StrictModel):
    date: str = Field(description="A Beijing day (UTC+8)")
    region: str | None
    region_name: str | None
    postings_received: int
    new_jobs: int
    open_jobs_end_of_day: int
    jobs_closed: int = Field(description="Jobs that closed (withdrawn, expired or merged away) that day")
    fairs_held: int
    fair_jobs_offered: int = Field(description="Distinct jobs on offer at the fairs held that day")
    visits: int
    visit_jobs_promised: int
    cases_opened: int
    pushes: int
    cases_reaching_three_pushes: int
