"""Attach postings to jobs: the step that cross-source dedup replaces.

``JobAssigner`` is the seam. The pipeline hands it the postings this transaction
created or changed; it decides each one's ``job_id`` and reports every job whose
membership may have changed, so the pipeline can recompute them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.models import new_id


@dataclass(slots=True)
class Work:
    """One created or changed posting on its way to a job."""

    posting_id: str
    partner_id: str
    partner_kind: str
    external_id: str
    employer_id: str
    data: dict[str, Any]
    is_new: bool
    old_job_id: str | None
    job_id: str | None = None
    explain: dict[str, Any] = field(default_factory=dict)
    # True when the assigner opened ``job_id`` for this posting in this call (no row yet).
    opened: bool = False
    # What ``prepare`` already derived from ``data`` for the assigner (dedup: its signature).
    made: Any = None


class JobAssigner(Protocol):
    def assign(self, session: Session, work: list[Work]) -> set[str]:
        """Set ``job_id`` on each item; return the ids of jobs to recompute."""


class OwnJobAssigner:
    """Until dedup: every posting is its own job, kept across updates."""

    def assign(self, session: Session, work: list[Work]) -> set[str]:
        touched: set[str] = set()
        for item in work:
            item.opened = item.old_job_id is None
            item.job_id = item.old_job_id or new_id()
            touched.add(item.job_id)
        return touched
