from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class JobDocument(Base):
    """A job's contract document (UTF-8 JSON) as of its latest change, with its status and
    subscription scope: the change feed sends it as is, without rendering the job again.

    Written by ``app.ingest.changelog`` in the transaction that appends the change.
    """

    __tablename__ = "job_documents"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(Text)
    body: Mapped[bytes] = mapped_column(LargeBinary)  # UTF-8 JSON, sent as is
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
