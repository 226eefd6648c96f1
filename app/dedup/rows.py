"""The shapes dedup's rows travel in on their way to the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class MatchRow(TypedDict):
    """A ``posting_matches`` row: why a posting is in its job (explain)."""

    posting_id: str
    job_id: str
    decision: str
    score: float | None
    compared_job_id: str | None
    features: dict[str, Any]
    candidates: int
    decided_at: datetime


class BlockRow(TypedDict):
    """A ``job_blocks`` row: a job filed under one block."""

    block: int
    job_id: str
