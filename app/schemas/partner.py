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
    website: Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")] | None = Field(
        default=None, description="Career site or contact page: where students apply when a job links no page")


class PartnerPatch(StrictModel):
    """Admin corrections: the name, or the region (a university's records then count in its new province)."""

    name: Annotated[NonBlank, Field(max_length=200)] | None = None
    region_code: Annotated[SafeStr, Field(pattern=r"^\d{6}$")] | None = None
    website: Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")] | None = Field(
        default=None, description="Career site or contact page: where students apply when a job links no page")


class PartnerOut(StrictModel):
    id: str
    name: str
    kind: PartnerKind
    region_code: str | None
    website: str | None = None
    created_at: datetime


class PartnerCreated(PartnerOut):
    api_key: str = Field(description="Shown once; the hub keeps only a hash")
    api_key_id: str = Field(description="The key's id, to revoke this one key later")


KeyName = Annotated[NonBlank, Field(max_length=100, description="Your label for the key, e.g. 生产环境")]


class ApiKeyIn(StrictModel):
    name: KeyName | None = None


class ApiKeyOut(StrictModel):
    """One API key as listed: never the secret, which the hub does not keep."""

    id: str
    partner_id: str
    name: str | None
    prefix: str = Field(description="The 8 hex characters after `hub_`, enough to recognise the key")
    created_at: datetime
    last_used_at: datetime | None = Field(description="The last request it authenticated, to within a minute")
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    api_key: str = Field(description="Shown once; the hub keeps only a hash")


class ApiKeyList(StrictModel):
    items: list[ApiKeyOut]


class LinkStatus(StrictModel):
    """Has the partner linked up with the hub (建立链接), and is it still sharing?"""

    linked: bool = Field(description="Has shared a posting (pushed or from a feed) or synced a feed")
    first_posting_at: datetime | None
    last_posting_at: datetime | None
    open_postings: int
    sources: int
    failing_sources: int
    last_sync_at: datetime | None = Field(description="Last successful feed sync")


class PartnerListed(PartnerOut):
    link: LinkStatus


class PartnerList(StrictModel):
    items: list[PartnerListed]
    next_cursor: str | None
