"""Dedup state: each job's representative and blocks, employer name variants, admin
overrides, merged-job redirects and the explain record of every assignment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, utcnow


class JobSignature(Base):
    """A job's representative: the comparable features of its canonical fields.

    Newcomers are matched against this one signature, never against any member,
    so a chain of near-duplicates cannot glue two different jobs together.
    """

    __tablename__ = "job_signatures"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    posting_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="open")
    employer_id: Mapped[str] = mapped_column(String(32))
    name_key: Mapped[str] = mapped_column(String(300))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    weak: Mapped[bool] = mapped_column(Boolean, default=False)
    title_key: Mapped[str] = mapped_column(String(500))
    title_core: Mapped[str] = mapped_column(String(500))
    seniority: Mapped[str] = mapped_column(String(64), default="")
    codes: Mapped[str] = mapped_column(String(200), default="")
    job_type: Mapped[str | None] = mapped_column(String(16))
    education: Mapped[str | None] = mapped_column(String(16))
    salary_min: Mapped[int | None] = mapped_column(Integer)
    salary_max: Mapped[int | None] = mapped_column(Integer)
    # [[city_code, district_code | null], ...]
    places: Mapped[list[list[str | None]]] = mapped_column(JSONType)
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The block hashes this job is filed under (empty while closed), to diff on change.
    blocks: Mapped[list[int]] = mapped_column(JSONType)
    # Digest of the job's postings and their statuses: a change of sources is a change of the job.
    members: Mapped[str] = mapped_column(String(16), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobBlock(Base):
    """Blocking index: an open job filed under each (employer × city, name × city, title × city) hash."""

    __tablename__ = "job_blocks"

    block: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    job_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class JobBlockNew(Base):
    """Blocks filed since the last merge (SQLite): ``job_blocks`` is keyed by hashes, so each new row
    lands on a random page of a large index, and SQLite writes every page a transaction dirtied
    whole to its log (half a batch's log went to it: bench/RESULTS.md). New
    rows go here instead, in arrival order, and ``app.dedup.sqlite.merge_new_blocks`` moves them
    over sorted, thousands at a time, so each page of ``job_blocks`` is written once per merge.
    Lookups read both tables. PostgreSQL files straight into ``job_blocks`` (this stays empty)."""

    __tablename__ = "job_blocks_new"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    block: Mapped[int] = mapped_column(BigInteger)
    job_id: Mapped[str] = mapped_column(String(32), index=True)


class EmployerName(Base):
    """A name an employer was seen under, with its normalised key (employer identity by name)."""

    __tablename__ = "employer_names"

    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostingOverride(Base):
    """An admin decision about one posting: ``pin`` (it belongs to this job) or ``forbid``
    (it must never join this job). Kept across later updates of the posting."""

    __tablename__ = "posting_overrides"

    posting_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class JobMerge(Base):
    """A job an admin merged into another; its id keeps pointing at the survivor."""

    __tablename__ = "job_merges"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    into_job_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PostingMatch(Base):
    """Why a posting is in its job: the decision, the features and score against the
    representative it was compared with, and how many candidates its blocks held."""

    __tablename__ = "posting_matches"

    posting_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    job_id: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    compared_job_id: Mapped[str | None] = mapped_column(String(32))
    features: Mapped[dict[str, Any]] = mapped_column(JSONType)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
