"""The change feed and its snapshot, as partners read them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import StrictModel
from .job import JobOut


class ChangeOut(StrictModel):
    seq: int = Field(description="Log position, increasing in commit order (useful to skip duplicates)")
    op: Literal["upsert", "delete"] = Field(
        description="upsert: the job is open (and in your filter); delete: closed, merged away or out of your filter")
    job_id: str
    job: JobOut | None = Field(description="The job as of its latest change; null for delete")


class ChangePage(StrictModel):
    changes: list[ChangeOut]
    next_cursor: str = Field(description="Keep it and call again; it never goes backwards")
    has_more: bool = Field(description="True when more changes are waiting: call again at once")


class SnapshotPage(StrictModel):
    jobs: list[JobOut] = Field(description="Open jobs (in your filter), by id")
    next_cursor: str | None = Field(description="The snapshot's next page; null on the last page")
    changes_cursor: str = Field(
        description="Where to follow /api/v1/changes from once every snapshot page is read")
