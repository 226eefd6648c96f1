"""The campaign's shapes: fairs, enterprise visits, hardship case files, the daily report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field

from app.normalize import region_by_code

from .common import Id, NonBlank, SafeStr, StrictModel

FairKind = Literal["regional", "industry", "alliance", "campus"]
FairMode = Literal["online", "offline", "hybrid"]
FairScope = Literal["regional", "national"]
SeriesRole = Literal["main", "sub"]
NATIONAL_REGION = "000000"
SizeClass = Literal["large", "medium", "small", "micro"]
SIZE_DOC = "大型 large, 中型 medium, 小型 small, 微型 micro (SMEs: medium, small, micro)"


def _region(code: str) -> str:
    region = region_by_code(code) if len(code) == 6 and code.isdigit() else None
    if region is None:
        raise ValueError("not a GB/T 2260 region code")
    return region.code


def _plausible(value: datetime) -> datetime:
    if not 2000 <= value.year <= 2999:
        raise ValueError("must be between the years 2000 and 2999")
    return value


When = Annotated[AwareDatetime, AfterValidator(_plausible)]
RegionCode = Annotated[SafeStr, Field(min_length=6, max_length=6, pattern=r"^\d{6}$"), AfterValidator(_region)]


def _fair_region(code: str) -> str:
    return code if code == NATIONAL_REGION else _region(code)


# A fair's region: a GB/T 2260 code, or 000000 for a national (online) fair.
FairRegion = Annotated[SafeStr, Field(min_length=6, max_length=6, pattern=r"^\d{6}$"), AfterValidator(_fair_region)]
Industry = Annotated[SafeStr, Field(min_length=1, max_length=1, pattern=r"^[A-Ta-t]$"),
                     AfterValidator(str.upper)]
Text300 = Annotated[NonBlank, Field(max_length=300)]
Url = Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")]
JobId = Id


# -- fairs -----------------------------------------------------------------------------------------

class FairEmployer(StrictModel):
    name: Text300
    credit_code: Annotated[SafeStr, Field(max_length=18)] | None = None
    size: SizeClass | None = Field(default=None, description=SIZE_DOC)
    booth: Annotated[NonBlank, Field(max_length=50)] | None = Field(default=None, description="Booth (展位号), "
                                                                     "e.g. A-12")
    job_ids: list[JobId] = Field(default=[], max_length=200, description="This employer's jobs at the fair "
                                 "(existing job ids; they join the fair's jobs)")


class FairIn(StrictModel):
    title: Text300
    kind: FairKind = Field(description="regional 区域性, industry 行业性, alliance 联盟性, campus 校园专场")
    mode: FairMode
    region_code: FairRegion | None = Field(default=None, description="Where the fair is (or whose graduates it "
                                           "serves, online); required unless scope is national (then 000000)")
    scope: FairScope | None = Field(default=None, description="national: an online (or hybrid) fair for the whole "
                                    "country, region 000000; regional (default) otherwise")
    industry: Industry | None = Field(default=None, description="GB/T 4754 section letter A-T of an industry "
                                      "fair (分行业专场)")
    series_id: JobId | None = Field(default=None, description="One of your fair series (POST /api/v1/fair-series)")
    series_role: SeriesRole | None = Field(default=None, description="main 主会场 or sub 分会场 (default sub) "
                                           "within the series")
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
    region_code: FairRegion | None = None
    scope: FairScope | None = None
    industry: Industry | None = None
    series_id: JobId | None = None
    series_role: SeriesRole | None = None
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
    scope: FairScope
    industry: str | None
    series_id: str | None
    series_role: SeriesRole | None
    series_title: str | None
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


class FairSeriesIn(StrictModel):
    title: Text300 = Field(examples=["2026届高校毕业生春季校园招聘系列活动"])
    description: Annotated[SafeStr, Field(max_length=20000)] | None = None


class FairSeriesOut(StrictModel):
    id: str
    organiser_id: str
    organiser_name: str
    title: str
    description: str | None
    fairs: list[FairOut] = Field(description="The main venue first, then the sub-venues, soonest first")
    created_at: datetime
    updated_at: datetime


# -- visits ----------------------------------------------------------------------------------------

class VisitIn(StrictModel):
    employer_name: Text300
    credit_code: Annotated[SafeStr, Field(max_length=18)] | None = Field(
        default=None, description="Unified social credit code; links the visit to the hub's employer record")
    visited_at: When = Field(description="With an offset; no later than today (Beijing)")
    leader_name: Annotated[NonBlank, Field(max_length=100)]
    leader_title: Annotated[NonBlank, Field(max_length=100)] | None = Field(default=None,
                                                                            description="e.g. 校长, 党委书记")
    region_code: RegionCode = Field(description="Where the employer is (the visit counts toward your province)")
    jobs_promised: int = Field(default=0, ge=0, le=1_000_000, description="Jobs the employer promised (拓岗)")
    notes: Annotated[SafeStr, Field(max_length=5000)] | None = None
    new_employer: bool | None = Field(
        default=None, description="A newly developed employer (新开拓用人单位); left out, the hub's suggestion")
    employer_size: SizeClass | None = Field(default=None, description=SIZE_DOC)


class VisitPatch(StrictModel):
    """Only the fields sent change."""

    employer_name: Text300 | None = None
    credit_code: Annotated[SafeStr, Field(max_length=18)] | None = None
    visited_at: When | None = None
    leader_name: Annotated[NonBlank, Field(max_length=100)] | None = None
    leader_title: Annotated[NonBlank, Field(max_length=100)] | None = None
    region_code: RegionCode | None = None
    jobs_promised: int | None = Field(default=None, ge=0, le=1_000_000)
    notes: Annotated[SafeStr, Field(max_length=5000)] | None = None
    new_employer: bool | None = None
    employer_size: SizeClass | None = None


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
    new_employer: bool
    new_employer_suggested: bool = Field(
        description="The hub's view: no earlier visit to, or posting from, this employer by you")
    employer_size: SizeClass | None
    created_at: datetime
    updated_at: datetime


class VisitList(StrictModel):
    items: list[VisitOut]
    next_cursor: str | None


class NewEmployerCheck(StrictModel):
    employer_id: str | None
    new_employer: bool = Field(description="No earlier visit to, or posting from, this employer by you")
    earlier_visits: int
    postings: int = Field(description="Your postings naming this employer")


class TargetIn(StrictModel):
    target: int = Field(ge=1, le=100_000, description="Distinct employers to visit; at least the rule that "
                        "applies to you (422 otherwise)")


class LeaderProgress(StrictModel):
    leader_name: str
    leader_title: str | None
    visits: int
    employers: int = Field(description="Distinct employers this leader visited")
    new_employers: int
    jobs_promised: int


class VisitProgress(StrictModel):
    target: int = Field(description="Distinct employers to visit: the highest of the rules that apply")
    target_source: str = Field(description="Where it comes from: default, national, province, "
                               "province_university or university")
    employers_visited: int = Field(description="Distinct employers visited")
    remaining: int
    reached: bool
    below_placement_rate: bool = Field(description="Flagged by the province: the new-employer rule applies")
    new_employers: int = Field(description="Distinct newly developed employers visited")
    new_employer_target: int | None = Field(description="When the new-employer rule applies, else null")
    new_employer_target_source: str | None
    new_employers_remaining: int | None
    visits: int
    jobs_promised: int
    sme_employers: int = Field(description="Distinct SMEs (medium, small, micro) visited")
    leaders: list[LeaderProgress]


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
