"""Shapes of the campaign run from above: rules, oversight tables, the daily report's submissions
and the ministry's table. Counts only: nothing here ever holds a case file."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from .common import StrictModel
from .personal import FreeText, Line

RuleValue = Annotated[int, Field(ge=1, le=100_000)]
Source = Literal["default", "national", "province", "province_university", "university"]
ReportStatus = Literal["on_time", "late", "pending", "missing"]


class RulesIn(StrictModel):
    """Only the rules sent change; null clears this level's value (the level above applies)."""

    visit_employers: RuleValue | None = Field(default=None, description="Distinct employers each university "
                                              "visits (访企拓岗; the notice: 100)")
    new_employers: RuleValue | None = Field(default=None, description="Newly developed employers, for "
                                            "universities below the local placement rate (the notice: 100)")
    case_pushes: RuleValue | None = Field(default=None, description="Matched pushes per open hardship case "
                                          "(the notice: 3)")


class RuleLevels(StrictModel):
    national: int | None
    province: int | None = None
    province_university: int | None = None
    university: int | None = None


class RuleOut(StrictModel):
    rule: Literal["visit_employers", "new_employers", "case_pushes"]
    value: int = Field(description="The rule that applies: the highest of the levels")
    source: Source = Field(description="The level it comes from (the higher level on a tie)")
    levels: RuleLevels
    applies: bool = Field(description="False for new_employers at a university not flagged below the placement rate")


class RuleSet(StrictModel):
    scope: Literal["national", "province", "university"]
    province_code: str | None
    university_id: str | None
    rules: list[RuleOut]


class UniversityPatch(StrictModel):
    """A province's say on one of its universities."""

    below_placement_rate: bool | None = Field(default=None, description="Below the local placement rate: the "
                                              "new-employer rule applies to it")
    rules: RulesIn | None = Field(default=None, description="Rules for this university, at or above the province's")


class UniversityRow(StrictModel):
    id: str
    name: str
    region_code: str | None
    region_name: str | None
    province_code: str | None
    below_placement_rate: bool
    visit_target: int
    visit_target_source: Source
    employers_visited: int
    visits_remaining: int
    new_employer_target: int | None
    new_employers: int
    new_employers_remaining: int | None
    visits: int
    jobs_promised: int
    sme_employers: int
    case_pushes_required: int
    cases_open: int
    cases_covered: int
    cases_uncovered: int
    fairs_held: int = Field(description="Fairs it organised that have begun (not cancelled)")
    linked: bool = Field(description="Has shared a posting or synced a feed")
    first_posting_at: datetime | None = Field(description="First posting received (pushed or from a feed)")
    last_posting_at: datetime | None = Field(description="Last posting received (pushed or from a feed)")
    last_sync_at: datetime | None = Field(description="Last successful feed sync")
    open_postings: int
    sources: int
    failing_sources: int
    behind: float = Field(description="The mean share still missing of the rules that apply: distinct employers, "
                          "new employers (if flagged), uncovered open cases (0 all on target, 1 nothing done)")


class UniversityTable(StrictModel):
    province_code: str | None
    rows: list[UniversityRow]


class ProvinceRow(StrictModel):
    province_code: str
    province_name: str
    platform_id: str | None
    platform_name: str | None
    platform_linked: bool
    platform_last_posting_at: datetime | None
    universities: int
    universities_linked: int
    universities_at_visit_target: int
    universities_below_visit_target: int
    universities_flagged: int = Field(description="Below the local placement rate")
    universities_at_new_employer_target: int
    employers_visited: int
    new_employers: int
    visits: int
    sme_employers: int
    cases_open: int
    cases_covered: int
    cases_uncovered: int
    fairs_held: int = Field(description="Fairs held in the province that have begun (not cancelled)")
    open_postings: int
    failing_sources: int
    behind: float = Field(description="Its universities' mean `behind` (1 when it has none)")


class ProvinceTable(StrictModel):
    rows: list[ProvinceRow]


class SubmissionIn(StrictModel):
    date: dt.date | None = Field(default=None, description="The reporting day (Beijing); default today. Not "
                              "in the future")
    narrative: Annotated[FreeText, Field(max_length=20_000)] = Field(description="活动总结")
    highlights: list[Line] = Field(default=[], max_length=20)


class SubmissionOut(StrictModel):
    id: str
    province_code: str
    province_name: str | None
    date: dt.date
    version: int
    status: Literal["on_time", "late"]
    narrative: str
    highlights: list[str]
    figures: dict[str, int] = Field(description="The day's figures as they stood: its snapshot, or computed then")
    figures_as_of: datetime
    submitted_at: datetime
    partner_id: str | None
    key_id: str | None
    user_id: str | None


class SubmissionList(StrictModel):
    items: list[SubmissionOut]


class ProvinceReport(StrictModel):
    province_code: str
    province_name: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    days: int
    status: ReportStatus = Field(description="One day: its status. A range: the worst day's")
    days_on_time: int
    days_late: int
    days_pending: int
    days_missing: int
    versions: int
    last_submitted_at: datetime | None
    figures_source: Literal["snapshot", "provisional", "live", "mixed"] = Field(
        description="snapshot: the 17:00 snapshots; provisional: today's so far (refreshed by the worker); "
        "live: computed from the records now; mixed: more than one")
    postings_received: int
    new_jobs: int
    jobs_closed: int
    fairs_held: int = Field(description="Fairs that began in the window")
    fair_jobs_offered: int
    fair_employers: int
    fair_sme_employers: int
    visits: int
    visit_jobs_promised: int
    new_employer_visits: int
    sme_visits: int
    cases_opened: int
    pushes: int
    cases_newly_covered: int = Field(description="Cases that reached their required pushes in the window")
    assistance_records: int
    training_records: int
    open_jobs: int = Field(description="At the window's end (a range: its last day)")
    universities: int
    universities_linked: int
    universities_at_visit_target: int
    employers_visited: int
    new_employers: int
    sme_employers: int
    cases_open: int
    cases_covered: int
    cases_uncovered: int
    narrative: str | None = Field(description="One day: the latest version's; a range: null")
    highlights: list[str]

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class NationalReport(StrictModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    days: int
    window_start: datetime = Field(description="The first day's window opens at the day before's snapshot time")
    window_end: datetime
    cutoff: str = Field(description="Submissions after this time (Beijing) of their day are late")
    snapshot_at: str = Field(description="When a reporting day ends and is snapshotted (Beijing)")
    rows: list[ProvinceReport]
    totals: dict[str, int]

    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class SnapshotTaken(StrictModel):
    date: dt.date
    provinces: int = Field(description="Provinces snapshotted (31)")
