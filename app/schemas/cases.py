"""Case files of graduates in hardship (一人一档、一人一策): the plan, dated assistance, pushes, audit.

Every free-text field refuses what looks like an ID card number, a mobile number or an email
(422 naming the field): the hub keeps a pseudonymous reference, never a way to reach a person.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field

from .campaign import JobId, RegionCode
from .common import StrictModel
from .personal import FreeText, Line, StudentRef

Category = Literal["low_income", "disabled", "zero_employment_family", "hvc_expansion", "training_participant",
                   "other"]
CATEGORY_DOC = ("low_income 低收入家庭, disabled 残疾, zero_employment_family 零就业家庭, hvc_expansion 高职扩招, "
                "training_participant 参加就业培训 (e.g. 宏志助航), other")
CaseStatus = Literal["open", "placed", "closed"]
Education = Literal["any", "secondary", "associate", "bachelor", "master", "doctorate"]
JobType = Literal["full_time", "part_time", "internship", "other"]
RecordKind = Literal["guidance", "training", "push", "interview", "outcome"]
Result = Literal["employed", "further_study", "self_employed", "flexible", "not_yet", "declined", "other"]
Major = Annotated[FreeText, Field(min_length=1, max_length=100)]
Year = Annotated[int, Field(ge=2000, le=2999)]


class Plan(StrictModel):
    """一人一策: what the university will do for the graduate, and the goals set together."""

    text: Annotated[FreeText, Field(max_length=5000)] | None = None
    goals: list[Line] = Field(default=[], max_length=20)


class CaseIn(StrictModel):
    student_ref: StudentRef = Field(description="Your own pseudonymous reference; never a name, ID or phone number")
    category: Category = Field(description=CATEGORY_DOC)
    education: Education | None = None
    major: Major | None = None
    region_codes: list[RegionCode] = Field(default=[], max_length=20, description="Preferred regions")
    job_types: list[JobType] = Field(default=[], max_length=4, description="Preferred job types")
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000, description="Monthly CNY")
    status: CaseStatus = "open"
    graduation_year: Year | None = Field(default=None, description="届; default the current year (Beijing). "
                                         "The case is erased HUB_CASE_RETENTION_DAYS after the year ends")
    plan: Plan | None = None


class CasePatch(StrictModel):
    category: Category | None = None
    education: Education | None = None
    major: Major | None = None
    region_codes: list[RegionCode] | None = Field(default=None, max_length=20)
    job_types: list[JobType] | None = Field(default=None, max_length=4)
    expected_salary: int | None = Field(default=None, ge=0, le=1_000_000)
    status: CaseStatus | None = None
    graduation_year: Year | None = None
    plan: Plan | None = Field(default=None, description="Replaces the whole plan")


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
    graduation_year: int
    plan: Plan
    pushes: int
    records: int = Field(description="Assistance records")
    created_at: datetime
    updated_at: datetime


class CaseList(StrictModel):
    items: list[CaseOut]
    next_cursor: str | None


class RecordIn(StrictModel):
    kind: RecordKind = Field(description="guidance 指导, training 培训, push 推送 (a job outside the hub), "
                             "interview 面试, outcome 结果")
    occurred_on: date = Field(description="No later than today (Beijing)")
    note: Annotated[FreeText, Field(max_length=2000)] | None = None
    program: Annotated[FreeText, Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="A training programme, e.g. 宏志助航计划")
    job_id: JobId | None = Field(default=None, description="A job of the hub this step was about")
    result: Result | None = Field(default=None, description="For an outcome")


class RecordOut(StrictModel):
    id: str
    kind: RecordKind
    occurred_on: date
    note: str | None
    program: str | None
    job_id: str | None
    result: Result | None
    created_at: datetime


class RecordList(StrictModel):
    items: list[RecordOut]


class AuditEntry(StrictModel):
    id: str
    at: datetime
    case_id: str | None
    action: str = Field(description="create, read, list, update, push, record, recommend, coverage, erase, "
                        "auto_erase")
    actor_kind: Literal["partner", "user", "system"]
    actor_partner_id: str | None
    actor_key_id: str | None
    actor_user_id: str | None
    detail: dict[str, object] = Field(description="Fields and counts, never their values")


class AuditList(StrictModel):
    items: list[AuditEntry]
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
    required: int = Field(description="Pushes an open case needs: the rule that applies to you (at least 3)")
    required_source: str
    open: int
    covered: int
    uncovered: int
    by_category: dict[str, CategoryCoverage]
    uncovered_cases: list[UncoveredCase] = Field(description="Fewest pushes first, at most 1000")
