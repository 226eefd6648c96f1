from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from .common import NonBlank, SafeStr, StrictModel

PartnerKind = Literal["university", "provincial_platform", "recruiter", "industry_committee", "employer", "national"]


class PartnerIn(StrictModel):
    name: Annotated[NonBlank, Field(max_length=200)]
    kind: PartnerKind
    region_code: Annotated[SafeStr, Field(pattern=r"^\d{6}$")] | None = None


class PartnerOut(StrictModel):
    id: str
    name: str
    kind: PartnerKind
    region_code: str | None
    created_at: datetime


class PartnerCreated(PartnerOut):
    api_key: str = Field(description="Shown once; the hub keeps only a hash")


class ApiKeyCreated(StrictModel):
    id: str
    partner_id: str
    api_key: str


class PartnerList(StrictModel):
    items: list[PartnerOut]
    next_cursor: str | None
