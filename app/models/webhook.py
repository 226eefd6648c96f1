"""Webhook subscriptions (a partner's URL, secret, filters and log position) and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, JSONType, UTCDateTime, new_id, utcnow

WEBHOOK_STATUSES = ("active", "disabled")
DELIVERY_STATUSES = ("pending", "succeeded", "failed")


class Webhook(Base):
    """A partner's subscription: the hub POSTs batches of changes after ``cursor`` to ``url``.

    ``cursor`` is the last change-log position the receiver acknowledged (2xx); it only
    moves on success, so nothing is missed while the receiver is down. ``lease_until``
    marks a worker's claim so two workers never send the same batch at once.
    """

    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    # Signs every delivery (HMAC-SHA256); shown to the partner once, at creation.
    secret: Mapped[str] = mapped_column(String(128))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(16), default="active")
    disabled_reason: Mapped[str | None] = mapped_column(String(500))
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The change log's pruning horizon the reads up to ``cursor`` were made under.
    cursor_horizon: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_delivery_id: Mapped[str | None] = mapped_column(String(32))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failures: Mapped[int] = mapped_column(Integer, default=0)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebhookDelivery(Base):
    """One batch of changes ``(from_seq, to_seq]`` sent to a webhook, with its exact body and
    the outcome of its latest attempt. Retries resend the same body under the same id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_webhook_id_id", "webhook_id", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    redelivery_of: Mapped[str | None] = mapped_column(String(32))
    from_seq: Mapped[int] = mapped_column(BigInteger)
    to_seq: Mapped[int] = mapped_column(BigInteger)
    count: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
