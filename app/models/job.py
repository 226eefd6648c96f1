from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONType, UTCDateTime, new_id, utcnow
from .employer import Employer
from .posting import Posting


class Job(Base):
    """One real vacancy; its fields come from its postings (see ``app.jobs.build``)."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_posted_at", "status", "posted_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Not indexed: no query reads by employer (the search index does; migration 0010).
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"))
    canonical_posting_id: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    job_type: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    industry: Mapped[str | None] = mapped_column(String(1))
    employer_type: Mapped[str | None] = mapped_column(String(32))
    salary: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    salary_period: Mapped[str | None] = mapped_column(String(8))
    # Monthly equivalents, for salary filters and sorting across periods.
    salary_month_min: Mapped[int | None] = mapped_column(Integer)
    salary_month_max: Mapped[int | None] = mapped_column(Integer)
    headcount: Mapped[int | None] = mapped_column(Integer)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_through: Mapped[datetime | None] = mapped_column(UTCDateTime())
    apply_url: Mapped[str | None] = mapped_column(String(2048))
    locations: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    majors: Mapped[list[str]] = mapped_column(JSONType)
    tags: Mapped[list[str]] = mapped_column(JSONType)
    # Which posting supplied which field (canonical field provenance).
    field_sources: Mapped[dict[str, str]] = mapped_column(JSONType)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Bumped on every change so readers can tell versions apart.
    version: Mapped[int] = mapped_column(BigInteger, default=1)

    employer: Mapped[Employer] = relationship(lazy="raise")
    postings: Mapped[list[Posting]] = relationship(
        lazy="raise", primaryjoin="Job.id == foreign(Posting.job_id)", viewonly=True
    )
