from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JSONType, UTCDateTime, new_id, utcnow
from .partner import Partner

POSTING_STATUSES = ("active", "withdrawn", "expired")


class Posting(Base):
    """What one partner sent about one vacancy, keyed by the partner's ``external_id``."""

    __tablename__ = "postings"
    __table_args__ = (
        UniqueConstraint("partner_id", "external_id"),
        Index("ix_postings_status_valid_through", "status", "valid_through"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(128))
    # Deferred: the road in writes postings first, then recomputes (and creates) their jobs.
    job_id: Mapped[str | None] = mapped_column(
        ForeignKey("jobs.id", deferrable=True, initially="DEFERRED"), index=True
    )
    # Not indexed: no query reads by employer (the search index does; migration 0010).
    employer_id: Mapped[str] = mapped_column(ForeignKey("employers.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    title: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    raw: Mapped[dict[str, Any]] = mapped_column(JSONType)
    url: Mapped[str | None] = mapped_column(String(2048))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_through: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    partner: Mapped[Partner] = relationship(lazy="raise")
