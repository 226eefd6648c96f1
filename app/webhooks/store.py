"""Webhook subscriptions and their delivery log: the queries behind ``app.api.webhooks``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound
from app.models import Webhook, WebhookDelivery, new_id
from app.services.changes import ChangeFilter, head, horizon

from .signing import new_secret

MAX_PER_PARTNER = 20


def _iso(v: datetime | None) -> str | None:
    return v.isoformat() if v is not None else None


def webhook_document(w: Webhook) -> dict[str, Any]:
    return {
        "id": w.id, "url": w.url, "filters": w.filters, "status": w.status,
        "disabled_reason": w.disabled_reason, "position": w.cursor, "failures": w.failures,
        "failing_since": _iso(w.failing_since), "next_attempt_at": _iso(w.next_attempt_at),
        "last_success_at": _iso(w.last_success_at), "pending_delivery_id": w.pending_delivery_id,
        "created_at": _iso(w.created_at), "updated_at": _iso(w.updated_at),
    }


def delivery_document(d: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": d.id, "webhook_id": d.webhook_id, "redelivery_of": d.redelivery_of, "status": d.status,
        "count": d.count, "from_seq": d.from_seq, "to_seq": d.to_seq, "attempts": d.attempts,
        "response_status": d.response_status, "error": d.error, "duration_ms": d.duration_ms,
        "created_at": _iso(d.created_at), "last_attempt_at": _iso(d.last_attempt_at),
        "next_attempt_at": _iso(d.next_attempt_at), "delivered_at": _iso(d.delivered_at),
    }


def create_webhook(session: Session, partner_id: str, url: str, flt: ChangeFilter,
                   start: tuple[int, int | None] | None, now: datetime) -> Webhook:
    """A new active subscription starting after ``start`` (a change cursor's position and
    horizon; default: the newest change now)."""
    count = session.execute(select(func.count()).select_from(Webhook)
                            .where(Webhook.partner_id == partner_id)).scalar_one()
    if count >= MAX_PER_PARTNER:
        raise Conflict(f"A partner may have at most {MAX_PER_PARTNER} webhooks; delete one first.")
    position, seen = start if start is not None else (head(session), horizon(session))
    hook = Webhook(id=new_id(), partner_id=partner_id, url=url, secret=new_secret(), filters=flt.as_dict(),
                   status="active", cursor=position, cursor_horizon=seen or 0, failures=0,
                   next_attempt_at=now, created_at=now, updated_at=now)
    session.add(hook)
    session.flush()
    return hook


def own_webhook(session: Session, partner_id: str, webhook_id: str, *, lock: bool = False) -> Webhook:
    """The partner's webhook, or 404 (also for another partner's)."""
    stmt = select(Webhook).where(Webhook.id == webhook_id, Webhook.partner_id == partner_id)
    if lock:
        stmt = stmt.with_for_update()
    hook = session.execute(stmt).scalar_one_or_none()
    if hook is None:
        raise NotFound("no such webhook")
    return hook


def list_webhooks(session: Session, partner_id: str) -> list[Webhook]:
    return list(session.execute(select(Webhook).where(Webhook.partner_id == partner_id)
                                .order_by(Webhook.id)).scalars())


def update_webhook(session: Session, hook: Webhook, changes: dict[str, Any], now: datetime) -> Webhook:
    """Apply ``url`` / ``filters`` / ``status`` / ``position``; re-enabling retries the pending batch at once."""
    if "url" in changes:
        hook.url = changes["url"]
    if "filters" in changes:
        hook.filters = changes["filters"].as_dict()
    if "position" in changes:  # after a re-sync: continue from here, drop the pending batch
        hook.cursor, seen = changes["position"]
        hook.cursor_horizon, hook.pending_delivery_id, hook.next_attempt_at = seen or 0, None, now
    if changes.get("status") == "active" and hook.status != "active":
        hook.status, hook.disabled_reason = "active", None
        hook.failures, hook.failing_since, hook.next_attempt_at = 0, None, now
    elif changes.get("status") == "disabled":
        hook.status, hook.disabled_reason = "disabled", "disabled by the partner"
    hook.updated_at = now
    session.flush()
    return hook


def list_deliveries(session: Session, webhook_id: str, before: str | None, limit: int) -> list[WebhookDelivery]:
    """Newest first, keyset-paged by id."""
    stmt = (select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
            .order_by(WebhookDelivery.id.desc()).limit(limit))
    if before:
        stmt = stmt.where(WebhookDelivery.id < before)
    return list(session.execute(stmt).scalars())


def own_delivery(session: Session, webhook_id: str, delivery_id: str) -> WebhookDelivery:
    found = session.execute(select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.webhook_id == webhook_id)).scalar_one_or_none()
    if found is None:
        raise NotFound("no such delivery")
    return found
