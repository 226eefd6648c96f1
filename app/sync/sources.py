"""Sources as partners and admins manage them: queries and response documents."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import Source, SyncRun, utcnow

from .breaker import CircuitBreaker

# Changing what is fetched or how it is read forgets the conditional-GET validators.
REFETCH_FIELDS = frozenset({"url", "format", "mapping"})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _counts(data: Any) -> dict[str, int] | None:
    if not isinstance(data, dict):
        return None
    return {k: int(data.get(k) or 0) for k in ("seen", "created", "updated", "unchanged", "withdrawn", "rejected")}


def source_document(src: Source, now: datetime | None = None) -> dict[str, Any]:
    """The API's Source: settings plus health."""
    now = now or utcnow()
    circuit = CircuitBreaker.from_dict(src.breaker or {}).state(now.timestamp())
    if src.lease_until is not None and src.lease_until >= now:
        state = "running"
    elif src.last_run_at is None:
        state = "never_run"
    elif circuit == "open":
        state = "circuit_open"
    elif src.failure_streak:
        state = "failing"
    else:
        state = "ok"
    return {
        "id": src.id, "partner_id": src.partner_id, "url": src.url, "format": src.format,
        "interval_seconds": src.interval_seconds, "mapping": src.mapping, "snapshot": src.snapshot,
        "withdraw_after_misses": src.withdraw_after_misses, "enabled": src.enabled,
        "next_run_at": _iso(src.next_run_at), "created_at": _iso(src.created_at), "updated_at": _iso(src.updated_at),
        "health": {
            "state": state, "last_run_at": _iso(src.last_run_at), "last_status": src.last_status,
            "last_success_at": _iso(src.last_success_at), "failure_streak": src.failure_streak,
            "last_error_class": src.last_error_class, "last_error": src.last_error,
            "last_counts": _counts(src.last_counts), "avg_lag_seconds": src.avg_lag_seconds, "circuit": circuit,
        },
    }


def run_document(run: SyncRun) -> dict[str, Any]:
    """The API's SyncRun."""
    return {
        "id": run.id, "source_id": run.source_id, "trigger": run.trigger,
        "scheduled_for": _iso(run.scheduled_for), "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at), "status": run.status,
        "counts": _counts({c: getattr(run, c) for c in ("seen", "created", "updated", "unchanged",
                                                          "withdrawn", "rejected")}),
        "pages": run.pages, "bytes": run.bytes, "rejections": list(run.rejections or []),
        "error_class": run.error_class, "error": run.error, "flags": list(run.flags or []),
        "lag_seconds": run.lag_seconds,
    }


def create_source(session: Session, *, partner_id: str, url: str, format: str, interval_seconds: int,
                  mapping: dict[str, Any] | None, snapshot: bool, withdraw_after_misses: int,
                  enabled: bool, now: datetime) -> Source:
    """A new source, due at once."""
    src = Source(partner_id=partner_id, url=url, format=format, interval_seconds=interval_seconds,
                 mapping=mapping, snapshot=snapshot, withdraw_after_misses=withdraw_after_misses,
                 enabled=enabled, created_at=now, updated_at=now, next_run_at=now, failure_streak=0)
    session.add(src)
    session.flush()
    return src


def visible_source(session: Session, source_id: str, partner_id: str | None, *, lock: bool = False) -> Source:
    """The source, if the caller may see it (``partner_id`` None: the admin); else 404."""
    stmt = select(Source).where(Source.id == source_id)
    if partner_id is not None:
        stmt = stmt.where(Source.partner_id == partner_id)
    if lock:
        stmt = stmt.with_for_update()
    src = session.execute(stmt).scalar_one_or_none()
    if src is None:
        raise NotFound(f"no source {source_id!r}")
    return src


def list_sources(session: Session, partner_id: str | None, after: str | None, limit: int) -> list[Source]:
    stmt = select(Source).order_by(Source.id).limit(limit)
    if partner_id is not None:
        stmt = stmt.where(Source.partner_id == partner_id)
    if after:
        stmt = stmt.where(Source.id > after)
    return list(session.scalars(stmt))


def list_runs(session: Session, source_id: str, before: str | None, limit: int) -> list[SyncRun]:
    """A source's runs, newest first."""
    stmt = select(SyncRun).where(SyncRun.source_id == source_id).order_by(SyncRun.id.desc()).limit(limit)
    if before:
        stmt = stmt.where(SyncRun.id < before)
    return list(session.scalars(stmt))


def update_source(src: Source, changes: dict[str, Any], now: datetime) -> Source:
    for key, value in changes.items():
        setattr(src, key, value)
    if REFETCH_FIELDS & changes.keys():
        src.etag = src.last_modified = None
        src.last_complete_count = None
    if REFETCH_FIELDS & changes.keys() or changes.get("enabled"):
        src.next_run_at = now  # due at once
    elif "interval_seconds" in changes:
        src.next_run_at = min(src.next_run_at, now + timedelta(seconds=src.interval_seconds))
    src.updated_at = now
    return src
