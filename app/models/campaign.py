"""The spring campaign (100-day sprint): recruitment fairs, enterprise visits, hardship case files.

``region_keys`` columns hold the region with its ancestors as ``" 440305 440300 440000 "``
so a province or city filter is one ``LIKE '% 440000 %'`` on either database.
Case files keep the minimum personal data: a pseudonymous ``student_ref``, never a name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow

FAIR_KINDS = ("regional", "industry", "alliance", "campus")
FAIR_MODES = ("online", "offline", "hybrid")
FAIR_SCOPES = ("regional", "national")
SERIES_ROLES = ("main", "sub")
# A national fair's region: it serves the whole country (online fairs only).
NATIONAL_REGION = "000000"
CASE_CATEGORIES = ("low_income", "disabled", "zero_employment_family", "hvc_expansion", "training_participant",
                   "other")
CASE_STATUSES = ("open", "placed", "closed")
RECORD_KINDS = ("guidance", "training", "push", "interview", "outcome")
# 大型/中型/小型/微型 (the national size classes of enterprises); SMEs are medium, small and micro.
SIZE_CLASSES = ("large", "medium", "small", "micro")
SME_CLASSES = ("medium", "small", "micro")


class FairSeries(Base):
    """A named series of fairs (a campaign's 系列招聘活动): one main venue and its sub-venues,
    each a fair of its own, listed together."""

    __tablename__ = "fair_series"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organiser_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Fair(Base):
    """A recruitment fair (招聘会) run by its organiser partner; cancelled fairs stay visible.

    ``industry`` is the GB/T 4754 section of an industry fair (分行业专场); ``scope`` national
    means an online fair for the whole country (``region_code`` ``000000``); ``series_id`` and
    ``series_role`` place it in a series as its main venue or a sub-venue."""

    __tablename__ = "fairs"
    __table_args__ = (Index("ix_fairs_starts_at_id", "starts_at", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    organiser_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(6))
    region_keys: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2048))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    description: Mapped[str | None] = mapped_column(Text)
    employers: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    industry: Mapped[str | None] = mapped_column(String(1))
    scope: Mapped[str] = mapped_column(String(16), default="regional")
    series_id: Mapped[str | None] = mapped_column(ForeignKey("fair_series.id", ondelete="SET NULL"), index=True)
    series_role: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FairJob(Base):
    """A job on offer at a fair."""

    __tablename__ = "fair_jobs"

    fair_id: Mapped[str] = mapped_column(ForeignKey("fairs.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Visit(Base):
    """A university leader's visit to an employer (访企拓岗). It counts toward the visiting
    university's province; ``region_code`` is where the employer is."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_partner_id_visited_at", "partner_id", "visited_at"),
                      Index("ix_visits_visited_at", "visited_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    employer_name: Mapped[str] = mapped_column(String(300))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    employer_id: Mapped[str | None] = mapped_column(ForeignKey("employers.id", ondelete="SET NULL"))
    # What "distinct employers visited" counts: the matched employer, else the name key.
    employer_key: Mapped[str] = mapped_column(String(340))
    visited_at: Mapped[datetime] = mapped_column(UTCDateTime())
    leader_name: Mapped[str] = mapped_column(String(100))
    leader_title: Mapped[str | None] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(6))
    region_keys: Mapped[str] = mapped_column(String(64))
    jobs_promised: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    # 新开拓用人单位: as the university says (``new_employer``) and as the hub judged it when the
    # visit was recorded or changed (no earlier visit to, or posting from, the employer).
    new_employer: Mapped[bool] = mapped_column(Boolean, default=False)
    new_employer_suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    employer_size: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Case(Base):
    """A university's case file for a graduate in hardship (一人一档, 一人一策); pseudonymous.
    It counts toward its university's region as the university has it now."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("partner_id", "student_ref"),
                      Index("ix_cases_created_at", "created_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    student_ref: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    education: Mapped[str | None] = mapped_column(String(16))
    major: Mapped[str | None] = mapped_column(String(100))
    region_codes: Mapped[list[str]] = mapped_column(JSONType)
    job_types: Mapped[list[str]] = mapped_column(JSONType)
    expected_salary: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # The plan (一人一策): what the university will do, and the goals it sets with the graduate.
    plan_text: Mapped[str | None] = mapped_column(Text)
    plan_goals: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # The graduate's year (届); the case is erased ``HUB_CASE_RETENTION_DAYS`` after it ends.
    graduation_year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CasePush(Base):
    """A job pushed to a case (一人一策); one per case and job. ``ordinal`` counts the case's pushes."""

    __tablename__ = "case_pushes"
    __table_args__ = (Index("ix_case_pushes_pushed_at", "pushed_at"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseRecord(Base):
    """A dated step of the assistance a case received: guidance, training (e.g. 宏志助航), a push
    of a job outside the hub, an interview, the outcome."""

    __tablename__ = "case_records"
    __table_args__ = (Index("ix_case_records_case_id_occurred_on", "case_id", "occurred_on"),
                      Index("ix_case_records_created_at", "created_at"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    program: Mapped[str | None] = mapped_column(String(100))
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    result: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
