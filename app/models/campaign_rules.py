"""The campaign's rules from above (targets), and the flags a province keeps on its universities."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

# What a rule counts, with the notice's defaults: employers visited per university (访企拓岗),
# newly developed employers for universities below the local placement rate, pushes per open case.
RULES = {"visit_employers": 100, "new_employers": 100, "case_pushes": 3}
# Who set a rule, from the top: the ministry, a province for all its universities, a province for
# one university, the university for itself. The rule that applies is the highest of them.
RULE_LEVELS = ("national", "province", "province_university", "university")


class CampaignRule(Base):
    """One rule at one level: ``scope`` is "" (national), a province code, or a university's id."""

    __tablename__ = "campaign_rules"

    level: Mapped[str] = mapped_column(String(24), primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    set_by_partner_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class UniversityFlag(Base):
    """What a province (or the ministry) says of one university: below the local placement rate
    (the "≥100 newly developed employers" rule applies to it)."""

    __tablename__ = "university_flags"

    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    below_placement_rate: Mapped[bool] = mapped_column(Boolean, default=False)
    set_by_partner_id: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
