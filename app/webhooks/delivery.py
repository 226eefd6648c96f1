"""Delivering changes to webhooks: a monitor and one idempotent "deliver one subscription" step.

``deliver_due`` claims one due subscription (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then
a lease written in that short transaction, so no database transaction stays open across
the HTTP call and two workers never send the same batch at once), builds its next batch
from the change log after the subscription's cursor (or resends its pending batch), POSTs
it signed, and records the outcome. The cursor moves only on a 2xx, so a receiver that is
down misses nothing: its pending batch is retried with exponential backoff (10 s doubling
to an hour) for ``RETRY_WINDOW``, then the subscription is disabled, keeping its place.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
import httpx
from sqlalchemy import delete, or_, select

from app.config import Settings
from app.db import Database
from app.errors import Gone
from app.jsonutil import dumps, loads
from app.models import Webhook, WebhookDelivery, new_id, utcnow
from app.outbound.fetch import FetchError
from app.outbound.guard import AddressPolicy, check_url_async, reset_policy, use_policy
from app.services.changes import ChangeFilter, head, read_changes

from .signing import DELIVERY_HEADER, SIGNATURE_HEADER, signature_header, standard_headers
from .store import delivery_document, own_delivery, own_webhook

BATCH = 100
LEASE = timedelta(seconds=120)
POST_TIMEOUT_S = 10.0
RETRY_WINDOW = timedelta(days=3)
KEEP_DELIVERIES = timedelta(days=7)
USER_AGENT = "Hub24365-webhooks/1.0"
_last_log_prune: list[float] = [0.0]


def backoff(failures: int) -> timedelta:
    """Wait before retry number ``failures``: 10 s doubling to at most an hour, with jitter."""
    return timedelta(seconds=min(10 * 2 ** min(failures - 1, 20), 3600) * random.uniform(0.8, 1.0))


@dataclass(slots=True)
class Claim:
    webhook_id: str
    url: str
    secret: str
    delivery_id: str
    body: bytes
    attempt: int
    lease_until: datetime | None
    redelivery_of: str | None = None


@dataclass(slots=True)
class Attempt:
    ok: bool
    status: int | None
    error: str | None
    duration_ms: int


def _due(now: datetime, top: int) -> Any:
    return (select(Webhook).where(
        Webhook.status == "active", Webhook.next_attempt_at <= now,
        or_(Webhook.lease_until.is_(None), Webhook.lease_until < now),
        or_(Webhook.cursor < top, Webhook.pending_delivery_id.is_not(None)))
        .order_by(Webhook.next_attempt_at).limit(1))


def claim_due(db: Database, now: datetime, batch_size: int = BATCH) -> tuple[bool, Claim | None]:
    """Claim one due subscription: (whether one was due, the batch to send if any)."""
    with db.read() as session:  # a cheap look first: SQLite would otherwise take its write lock
        if session.execute(_due(now, head(session))).first() is None:
            return False, None
    with db.write() as session:
        hook = session.execute(_due(now, head(session)).with_for_update(skip_locked=True)).scalar_one_or_none()
        if hook is None:
            return False, None
        if hook.pending_delivery_id:
            found = session.get(WebhookDelivery, hook.pending_delivery_id)
            if found is None:  # removed from the log: rebuild from the cursor
                hook.pending_delivery_id = None
                return True, None
            delivery = found
        else:
            try:
                page = read_changes(session, hook.cursor, batch_size, ChangeFilter.parse(**hook.filters),
                                    hook.cursor_horizon)
            except Gone:
                hook.status = "disabled"
                hook.disabled_reason = ("The change log no longer reaches this webhook's position. Re-sync from "
                                        "/api/v1/changes/snapshot, then PATCH the webhook with its changes_cursor.")
                return True, None
            hook.cursor_horizon = page.horizon
            if not page.changes:  # everything after the cursor was outside the filter
                if page.position == hook.cursor:  # nothing readable yet: do not spin on it
                    hook.next_attempt_at = now + timedelta(seconds=30)
                hook.cursor = page.position
                return True, None
            delivery_id = new_id()
            body = dumps({"delivery_id": delivery_id, "webhook_id": hook.id, "changes": page.changes}).decode()
            delivery = WebhookDelivery(id=delivery_id, webhook_id=hook.id, from_seq=hook.cursor,
                                       to_seq=page.position, count=len(page.changes), body=body,
                                       status="pending", attempts=0, created_at=now)
            session.add(delivery)
            hook.pending_delivery_id = delivery_id
        hook.lease_until = now + LEASE
        return True, Claim(hook.id, hook.url, hook.secret, delivery.id, delivery.body.encode(),
                           delivery.attempts + 1, hook.lease_until)


async def post(client: httpx.AsyncClient, claim: Claim, *, allow_private: bool, now: datetime) -> Attempt:
    """POST one signed batch; any 2xx is success. The URL is re-checked against the SSRF rules."""
    stamp = int(now.timestamp())
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               SIGNATURE_HEADER: signature_header(claim.secret, stamp, claim.body),
               DELIVERY_HEADER: claim.delivery_id, "X-Hub-Webhook": claim.webhook_id,
               "X-Hub-Attempt": str(claim.attempt),
               **standard_headers(claim.secret, claim.delivery_id, stamp, claim.body)}
    if claim.redelivery_of:
        headers["X-Hub-Redelivery-Of"] = claim.redelivery_of
    policy = AddressPolicy(allow_private=allow_private)
    started, status, error = time.monotonic(), None, None
    try:
        async with asyncio.timeout(POST_TIMEOUT_S * 2):
            await check_url_async(claim.url, policy)
            token = use_policy(policy)  # the connect-time guard, for clients from make_client()
            try:
                async with client.stream("POST", claim.url, content=claim.body, headers=headers,
                                         timeout=POST_TIMEOUT_S, follow_redirects=False) as resp:
                    status = resp.status_code
            finally:
                reset_policy(token)
        if not 200 <= status < 300:
            error = f"the receiver answered HTTP {status}"
    except FetchError as exc:
        error = f"{exc.error_class}: {exc}"
    except TimeoutError:
        error = "timeout"
    except (httpx.HTTPError, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    ms = int((time.monotonic() - started) * 1000)
    return Attempt(error is None, status, error[:500] if error else None, ms)


def record(db: Database, claim: Claim, attempt: Attempt, now: datetime) -> None:
    """Store an attempt's outcome: advance the cursor on success, else schedule the retry."""
    with db.write() as session:
        hook = session.execute(select(Webhook).where(Webhook.id == claim.webhook_id)
                               .with_for_update()).scalar_one_or_none()
        delivery = session.get(WebhookDelivery, claim.delivery_id)
        if hook is None or delivery is None or hook.lease_until != claim.lease_until:
            return  # deleted meanwhile, or our lease ran out and another worker owns the batch
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.duration_ms = now, attempt.duration_ms
        delivery.response_status, delivery.error = attempt.status, attempt.error
        hook.lease_until = None
        if attempt.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = "succeeded", now, None
            hook.cursor = max(hook.cursor, delivery.to_seq)
            hook.pending_delivery_id, hook.failures, hook.failing_since = None, 0, None
            hook.last_success_at, hook.next_attempt_at = now, now
            return
        hook.failures += 1
        hook.failing_since = hook.failing_since or now
        if now - hook.failing_since >= RETRY_WINDOW:
            delivery.next_attempt_at = None
            hook.status = "disabled"
            hook.disabled_reason = (f"Deliveries failed for {RETRY_WINDOW.days} days ({attempt.error}). Fix the "
                                    "receiver and PATCH status=active: delivery resumes where it stopped.")
        else:
            hook.next_attempt_at = delivery.next_attempt_at = now + backoff(hook.failures)
        hook.updated_at = now


async def deliver_due(db: Database, client: httpx.AsyncClient, now: datetime, *,
                      allow_private: bool = False, batch_size: int = BATCH) -> int:
    """Deliver the next batch of one due subscription; returns 1 if one was due, else 0."""
    was_due, claim = await anyio.to_thread.run_sync(claim_due, db, now, batch_size)
    if claim is None:
        return int(was_due)
    attempt = await post(client, claim, allow_private=allow_private, now=now)
    await anyio.to_thread.run_sync(record, db, claim, attempt, now)
    return 1


def prune_deliveries(db: Database, now: datetime) -> int:
    """Forget delivered or abandoned batches older than ``KEEP_DELIVERIES`` (pending ones stay)."""
    with db.write() as session:
        result = session.execute(delete(WebhookDelivery).where(
            WebhookDelivery.created_at < now - KEEP_DELIVERIES, WebhookDelivery.next_attempt_at.is_(None),
            WebhookDelivery.id.not_in(select(Webhook.pending_delivery_id).where(
                Webhook.pending_delivery_id.is_not(None)))))
        return int(getattr(result, "rowcount", 0) or 0)


async def run_webhooks_once(db: Database, settings: Settings, client: httpx.AsyncClient,
                            *, concurrency: int = 4, max_steps: int = 500) -> int:
    """The monitor: deliver everything due now, a few subscriptions at a time; returns the
    number of subscription steps taken. ``hub worker`` calls it every few seconds."""
    if time.monotonic() - _last_log_prune[0] > 3600:
        _last_log_prune[0] = time.monotonic()
        await anyio.to_thread.run_sync(prune_deliveries, db, utcnow())
    steps = 0

    async def worker() -> None:
        nonlocal steps
        while steps < max_steps:
            done = await deliver_due(db, client, utcnow(), allow_private=settings.sync_allow_private)
            if not done:
                return
            steps += done

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return steps


async def redeliver(db: Database, client: httpx.AsyncClient, partner_id: str, webhook_id: str,
                    delivery_id: str, *, allow_private: bool, now: datetime) -> dict[str, Any]:
    """Send a past batch again now, under a new delivery id (the cursor does not move)."""
    def prepare() -> Claim:
        with db.write() as session:
            hook = own_webhook(session, partner_id, webhook_id)
            original = own_delivery(session, webhook_id, delivery_id)
            fresh = new_id()
            body = {**loads(original.body), "delivery_id": fresh, "redelivery_of": original.id}
            text = dumps(body).decode()
            session.add(WebhookDelivery(id=fresh, webhook_id=webhook_id, redelivery_of=original.id,
                                        from_seq=original.from_seq, to_seq=original.to_seq, count=original.count,
                                        body=text, status="pending", attempts=0, created_at=now))
            return Claim(hook.id, hook.url, hook.secret, fresh, text.encode(), 1, None, original.id)

    def save(claim: Claim, attempt: Attempt) -> dict[str, Any]:
        with db.write() as session:
            d = own_delivery(session, webhook_id, claim.delivery_id)
            d.attempts, d.last_attempt_at, d.duration_ms = 1, now, attempt.duration_ms
            d.response_status, d.error = attempt.status, attempt.error
            d.status = "succeeded" if attempt.ok else "failed"
            d.delivered_at = now if attempt.ok else None
            session.flush()
            return delivery_document(d)

    claim = await anyio.to_thread.run_sync(prepare)
    attempt = await post(client, claim, allow_private=allow_private, now=now)
    return await anyio.to_thread.run_sync(save, claim, attempt)
