"""Which postings a snapshot source listed, and for how many complete runs it has not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class SourceItem(Base):
    """A posting (by the partner's ``external_id``) that a source has listed.

    ``last_run_id`` is the last run that saw it; a complete run that did not raises
    ``missed_runs``; at the source's threshold the posting is withdrawn and the row
    deleted. Only complete runs count, so a failed or partial fetch withdraws nothing.
    """

    __tablename__ = "source_items"

    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    last_run_id: Mapped[str] = mapped_column(String(32))
    missed_runs: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
