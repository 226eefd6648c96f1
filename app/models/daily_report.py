"""The daily report (每日17:00前报送): the worker's snapshots of each province's figures, the
provinces' submissions (every version kept), and the scheduler's lease on a day's snapshot run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow


class ReportSnapshot(Base):
    """A province's figures for one reporting day; one per (province, day), a rerun replaces it."""

    __tablename__ = "report_snapshots"

    province_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    trigger: Mapped[str] = mapped_column(String(16))


class ReportSubmission(Base):
    """One version of a province's report for a day: the figures as they stood, and its words."""

    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("province_code", "day", "version"),
                      Index("ix_report_submissions_day", "day"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    province_code: Mapped[str] = mapped_column(String(6))
    day: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    # Who: the provincial partner, the key it used, and (the operators' console) the staff user.
    partner_id: Mapped[str | None] = mapped_column(String(32))
    key_id: Mapped[str | None] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))
    narrative: Mapped[str] = mapped_column(Text)
    highlights: Mapped[list[str]] = mapped_column(JSONType, default=list)
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType)
    figures_as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class ReportRun(Base):
    """The scheduler's claim on one day's snapshot of every province: a lease while it runs
    (several workers), ``finished_at`` once done."""

    __tablename__ = "report_runs"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provinces: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(String(500))
