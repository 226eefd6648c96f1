from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, new_id, utcnow


class Employer(Base):
    """An employer, identified by its verified credit code or else its normalised name."""

    __tablename__ = "employers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    identity_key: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    credit_code_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    type: Mapped[str | None] = mapped_column(String(32))
    # 大型/中型/小型/微型 as a partner last stated it in a visit or a fair's list (the campaign's SME counts).
    size_class: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
