"""One run of a source's sync: when it was due, what it saw, how it ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow

RUN_STATUSES = ("running", "succeeded", "not_modified", "partial", "failed", "skipped", "abandoned")


class SyncRun(Base):
    """A sync of one source for one ``scheduled_for`` slot (unique: a second runner of
    the same slot cannot commit). ``running`` rows left by a dead worker become
    ``abandoned`` when the source is next claimed."""

    __tablename__ = "sync_runs"
    __table_args__ = (
        UniqueConstraint("source_id", "scheduled_for"),
        Index("ix_sync_runs_source_id_id", "source_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")  # schedule | manual
    worker: Mapped[str | None] = mapped_column(String(64))
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="running")
    seen: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    # The first rejections: [{"index", "external_id", "reason"}] (capped).
    rejections: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    error_class: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(1000))
    # e.g. "shrunken", "page_loop", "page_limit", "lease_lost"
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    lag_seconds: Mapped[float | None] = mapped_column(Float)
