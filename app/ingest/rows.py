"""The shapes the road's rows travel in on their way to the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict

from app.jobs.rows import PostingDoc


class PostingRow(TypedDict):
    """A new ``postings`` row."""

    id: str
    partner_id: str
    external_id: str
    job_id: str | None
    employer_id: str
    status: str
    title: str
    content_hash: str
    data: PostingDoc
    raw: dict[str, Any]
    url: str | None
    posted_at: datetime | None
    valid_through: datetime | None
    first_seen_at: datetime
    last_seen_at: datetime
    updated_at: datetime


class ChangeRow(TypedDict):
    """A ``changes`` row (``seq`` is given as it is numbered)."""

    job_id: str
    op: str  # upsert | delete
    created_at: datetime
    scope: str
    prior: str | None
    seq: NotRequired[int]
