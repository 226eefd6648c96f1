"""Feed sources (partner feeds the hub pulls), their health and their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from .common import Id, SafeStr, StorableJson, StrictModel

SourceFormat = Literal["json", "jsonld", "rss", "atom", "xml", "csv", "greenhouse", "lever"]
RunStatus = Literal["running", "succeeded", "not_modified", "partial", "failed", "skipped", "abandoned"]
Url = Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")]
Interval = Annotated[int, Field(ge=10, le=7 * 86400, description="Seconds between runs (10 s to 7 days)")]
Misses = Annotated[int, Field(ge=1, le=100)]
MAPPING_DOC = ("Field mapping for feeds with their own key names, e.g. "
               '{"fields": {"title": "jobName", "employer.name": "companyName"}, "external_id_from": "jobUrl"}')


class SourceIn(StrictModel):
    partner_id: Id | None = Field(
        default=None, description="The owning partner; required for the admin, defaults to the caller's own")
    url: Url = Field(description="http(s); must resolve to public addresses only (checked again at every fetch)")
    format: SourceFormat
    interval_seconds: Interval
    mapping: StorableJson | None = Field(default=None, description=MAPPING_DOC)
    snapshot: bool = Field(default=False, description=(
        "The feed lists every open posting: one missing from `withdraw_after_misses` complete fetches "
        "in a row is withdrawn. Failed, partial or shrunken fetches (under half the last count) withdraw nothing."))
    withdraw_after_misses: Misses = 2
    enabled: bool = True


class SourcePatch(StrictModel):
    url: Url | None = None
    format: SourceFormat | None = None
    interval_seconds: Interval | None = None
    mapping: StorableJson | None = None
    snapshot: bool | None = None
    withdraw_after_misses: Misses | None = None
    enabled: bool | None = None


class RunCounts(StrictModel):
    seen: int = Field(description="Items in the feed (good or not)")
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    rejected: int


class SourceHealth(StrictModel):
    state: Literal["never_run", "ok", "failing", "circuit_open", "running"]
    last_run_at: datetime | None
    last_status: RunStatus | None
    last_success_at: datetime | None
    failure_streak: int
    last_error_class: str | None
    last_error: str | None
    last_counts: RunCounts | None
    avg_lag_seconds: float | None = Field(description="Average seconds from when a run was due to when it ended")
    circuit: Literal["closed", "open", "half_open"]


class SourceDetail(StrictModel):
    """A feed source: its settings and health."""

    id: str
    partner_id: str
    url: str
    format: SourceFormat
    interval_seconds: int
    mapping: dict[str, Any] | None
    snapshot: bool
    withdraw_after_misses: int
    enabled: bool
    next_run_at: datetime
    created_at: datetime
    updated_at: datetime
    health: SourceHealth


class SourceList(StrictModel):
    items: list[SourceDetail]
    next_cursor: str | None


class Rejection(StrictModel):
    index: int = Field(description="Position of the item in its page (-1 if unknown)")
    external_id: str | None
    reason: str


class SyncRunOut(StrictModel):
    id: str
    source_id: str
    trigger: Literal["schedule", "manual"]
    scheduled_for: datetime
    started_at: datetime
    finished_at: datetime | None
    status: RunStatus
    counts: RunCounts
    pages: int
    bytes: int
    rejections: list[Rejection] = Field(description="The first rejected items and why (at most 50)")
    error_class: str | None = Field(description="e.g. http_5xx, http_429, timeout, deadline, too_large, truncated, "
                                                "unsafe_url, feed_format, circuit_open, abandoned")
    error: str | None
    flags: list[str] = Field(description="e.g. shrunken (nothing withdrawn), page_loop, page_limit, lease_lost")
    lag_seconds: float | None


class SyncRunList(StrictModel):
    items: list[SyncRunOut]
    next_cursor: str | None
