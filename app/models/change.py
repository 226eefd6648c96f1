from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class Change(Base):
    """The change log: one row per job version, numbered in commit order.

    ``seq`` comes from the ``counters`` row taken as the writer's last step, so the
    row lock hands numbers out in commit order (see ``app.ingest.changelog``).
    """

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    job_id: Mapped[str] = mapped_column(String(32), index=True)
    op: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Subscription keys (regions with ancestors, industry, job type) of the job as this
    # change left it, and as the job's previous change left it: a filtered reader sends
    # ``delete`` when a job moves out of its slice (see ``app.services.changes``).
    scope: Mapped[str | None] = mapped_column(Text, nullable=True)
    prior: Mapped[str | None] = mapped_column(Text, nullable=True)


class Counter(Base):
    """Named monotonic counters (the change log's position)."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
