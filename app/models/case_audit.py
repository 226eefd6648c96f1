"""Who read or changed which case file, and when (the owning university reads it).

The actor is a partner (with the API key it used), a staff user of the operators' console, or
the hub itself (automatic erasure). ``case_id`` outlives the case: an erasure's entry stays.
``detail`` names fields and counts, never their values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow

CASE_ACTIONS = ("create", "read", "list", "update", "push", "record", "recommend", "coverage", "erase",
                "auto_erase")


class CaseAudit(Base):
    __tablename__ = "case_audit"
    __table_args__ = (Index("ix_case_audit_university_id_at", "university_id", "at"),
                      Index("ix_case_audit_case_id", "case_id"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    university_id: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(16))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_partner_id: Mapped[str | None] = mapped_column(String(32))
    actor_key_id: Mapped[str | None] = mapped_column(String(32))
    actor_user_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
