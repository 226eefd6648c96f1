"""Helpers for sync-run tests: a partner and a source in the database, one run, the results."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import Posting, Source, SourceItem, SyncRun, utcnow
from app.outbound.fetch import RetryPolicy, make_client
from app.services.partners import create_partner
from app.sync.runner import FetchHooks, run_source
from app.sync.sources import create_source

NO_RETRY = FetchHooks(retry=RetryPolicy(max_attempts=1))


def sync_settings(settings: Settings, **overrides: Any) -> Settings:
    """The test settings with loopback feeds allowed and short deadlines."""
    values = {"sync_allow_private": True, "sync_deadline_s": 3.0, "sync_max_bytes": 5 * 1024 * 1024,
              **overrides}
    return settings.model_copy(update=values)


def new_partner(db: Database, name: str = "某大学就业网", region_code: str | None = "440300") -> str:
    with db.write() as s:
        partner, _ = create_partner(s, name=name, kind="university", region_code=region_code, secret="x" * 20)
        return partner.id


def new_source(db: Database, partner_id: str, url: str, fmt: str = "json", **kw: Any) -> str:
    breaker = kw.pop("breaker", None)
    values: dict[str, Any] = {"interval_seconds": 3600, "mapping": None, "snapshot": False,
                              "withdraw_after_misses": 2, "enabled": True, **kw}
    with db.write() as s:
        src = create_source(s, partner_id=partner_id, url=url, format=fmt, now=utcnow(), **values)
        src.breaker = breaker
        return src.id


def set_source(db: Database, source_id: str, **values: Any) -> None:
    with db.write() as s:
        src = s.get(Source, source_id)
        assert src is not None
        for key, value in values.items():
            setattr(src, key, value)


def sync(db: Database, settings: Settings, source_id: str, hooks: FetchHooks | None = NO_RETRY,
         **kw: Any) -> SyncRun:
    async def main() -> SyncRun:
        async with make_client(timeout_s=2.0) as client:
            return await run_source(db, settings, client, source_id, hooks=hooks, **kw)
    return asyncio.run(main())


def statuses(db: Database, partner_id: str) -> dict[str, str]:
    """The partner's postings: external_id -> status."""
    with db.read() as s:
        return dict(s.execute(select(Posting.external_id, Posting.status).where(
            Posting.partner_id == partner_id)).all())


def misses(db: Database, source_id: str) -> dict[str, int]:
    with db.read() as s:
        return dict(s.execute(select(SourceItem.external_id, SourceItem.missed_runs).where(
            SourceItem.source_id == source_id)).all())


def source_row(db: Database, source_id: str) -> Source:
    with db.read() as s:
        src = s.get(Source, source_id)
        assert src is not None
        return src


def feed(*ids: str, **extra: Any) -> bytes:
    """A JSON feed listing postings with these ids."""
    items = [{"external_id": i, "title": f"Java开发工程师 {i}", "employer": {"name": "深圳市某某科技有限公司"},
              "locations": ["深圳-南山区"], "salary": "8k-12k/月", "description": f"岗位 {i}"} for i in ids]
    return json.dumps({"postings": items, **extra}, ensure_ascii=False).encode()
