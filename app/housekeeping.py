"""Periodic upkeep run by every API process: expire postings, purge old idempotency keys,
prune the change log past its retention.

Each sweep is idempotent and row-locked (SKIP LOCKED on PostgreSQL), so several
processes running it at once do no harm and no work twice.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from app.api.idempotency import purge_expired
from app.config import Settings
from app.db import Database
from app.ingest.pipeline import expire_due
from app.services.changes import prune_expired

log = logging.getLogger("hub.housekeeping")


def sweep_once(db: Database, settings: Settings) -> dict[str, int]:
    expired = 0
    while True:
        with db.write() as session:
            n = expire_due(session, limit=2000)
        expired += n
        if n < 2000:
            break
    with db.write() as session:
        purged = purge_expired(session, settings.idempotency_ttl_hours)
    pruned = prune_expired(db, settings)
    return {"expired": expired, "idempotency_purged": purged, "changes_pruned": pruned}


async def sweeper(db: Database, settings: Settings) -> None:
    while True:
        try:
            result = await run_in_threadpool(sweep_once, db, settings)
            if any(result.values()):
                log.info("sweep", extra=result)
        except Exception:  # noqa: BLE001 - keep sweeping; the next run retries
            log.exception("sweep failed")
        await asyncio.sleep(settings.sweep_interval_s)
