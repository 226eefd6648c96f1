"""Webhook subscriptions and deliveries, as partners manage them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from .changes import ChangeOut
from .common import SafeStr, StrictModel

Url = Annotated[SafeStr, Field(max_length=2048, pattern=r"^https?://\S+$")]
Values = Annotated[list[Annotated[SafeStr, Field(max_length=20)]], Field(max_length=50)]


class WebhookFilters(StrictModel):
    """Only changes to jobs in this slice are sent; a job leaving it arrives as ``delete``."""

    region: Values = Field(default=[], description="GB/T 2260 codes; a province or city matches everything inside it")
    industry: Values = Field(default=[], description="GB/T 4754 section letters A–T")
    job_type: Values = Field(default=[], description="full_time, part_time, internship, other")


class WebhookIn(StrictModel):
    url: Url = Field(description="Where batches are POSTed; must pass the same address rules as feed sources")
    filters: WebhookFilters = WebhookFilters()
    cursor: Annotated[SafeStr, Field(max_length=2000)] | None = Field(
        default=None, description="Start after this change cursor (e.g. a snapshot's changes_cursor); default: now")


class WebhookPatch(StrictModel):
    url: Url | None = None
    filters: WebhookFilters | None = None
    status: Literal["active", "disabled"] | None = Field(
        default=None, description="active re-enables a disabled webhook; it resumes where it stopped")
    cursor: Annotated[SafeStr, Field(max_length=2000)] | None = Field(
        default=None, description="Move the webhook to this change cursor (after a re-sync)")


class WebhookOut(StrictModel):
    id: str
    url: str
    filters: WebhookFilters
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    position: int = Field(description="The last change-log seq the receiver acknowledged")
    failures: int = Field(description="Consecutive failed attempts")
    failing_since: datetime | None
    next_attempt_at: datetime | None
    last_success_at: datetime | None
    pending_delivery_id: str | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Signs every delivery (X-Hub-Signature); shown only now")


class WebhookList(StrictModel):
    items: list[WebhookOut]


class DeliveryOut(StrictModel):
    id: str = Field(description="Also the X-Hub-Delivery header and the body's delivery_id; retries keep it")
    webhook_id: str
    redelivery_of: str | None
    status: Literal["pending", "succeeded", "failed"]
    count: int
    from_seq: int
    to_seq: int
    attempts: int
    response_status: int | None
    error: str | None
    duration_ms: int | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None


class DeliveryList(StrictModel):
    items: list[DeliveryOut]
    next_cursor: str | None


class DeliveryPayload(StrictModel):
    """The body of a webhook delivery: a batch of changes, in order, exactly as the change feed has them."""

    delivery_id: str = Field(description="Also webhook-id and X-Hub-Delivery; a retry keeps it, so a repeat is "
                                         "safe to acknowledge without applying it again")
    webhook_id: str
    redelivery_of: str | None = Field(default=None, description="On a redelivery: the delivery it repeats")
    changes: list[ChangeOut] = Field(description="Up to 100 changes after the webhook's position, in order")
