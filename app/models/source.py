"""A partner's feed that the hub pulls on a schedule, with its health and lease."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow


class Source(Base):
    """A feed URL owned by a partner; postings read from it belong to that partner.

    ``next_run_at`` is when the scheduler next wants it; ``lease_owner``/``lease_until``
    are a worker's claim while it runs (so no two runs of one source overlap, across
    processes); the remaining columns are health, shown in the API and in metrics.
    """

    __tablename__ = "sources"
    __table_args__ = (
        UniqueConstraint("partner_id", "url"),
        Index("ix_sources_enabled_next_run_at", "enabled", "next_run_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    format: Mapped[str] = mapped_column(String(16))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # A complete list: postings missing from ``withdraw_after_misses`` complete fetches in a row are withdrawn.
    snapshot: Mapped[bool] = mapped_column(Boolean, default=False)
    withdraw_after_misses: Mapped[int] = mapped_column(Integer, default=2)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Conditional GET validators of the last complete fetch.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    breaker: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Health.
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure_streak: Mapped[int] = mapped_column(Integer, default=0)
    last_error_class: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_counts: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # Items in the last complete fetch: a much smaller one is "shrunken" and withdraws nothing.
    last_complete_count: Mapped[int | None] = mapped_column(Integer)
    avg_lag_seconds: Mapped[float | None] = mapped_column(Float)
