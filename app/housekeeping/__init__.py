"""Periodic upkeep run by every API process: expire postings, purge old idempotency keys,
prune the change log past its retention, refresh stale planner statistics (PostgreSQL); and,
beside the writers, each database's own upkeep: ``pg`` merges the search index's pending lists,
``sqlite`` checkpoints the write-ahead log and merges dedup's new block rows.

Each sweep is idempotent and row-locked (SKIP LOCKED on PostgreSQL), so several
processes running it at once do no harm and no work twice.
"""

from __future__ import annotations

from app.config import Settings
from app.db import Database
from app.ingest.pipeline import expire_due
from app.models import utcnow
from app.runtime import release_free_memory
from app.services.case_erasure import erase_expired
from app.services.changes import prune_expired
from app.services.idempotency import purge_expired
from app.services.staff import purge_sessions

from .loop import every, log
from .pg import GIN_INDEXES, analyze_stale, merge_search_pending, search_merger
from .sqlite import block_merger, checkpoint_wal, merge_blocks, wal_checkpointer

__all__ = ["GIN_INDEXES", "analyze_stale", "block_merger", "checkpoint_wal", "merge_blocks", "merge_search_pending",
           "memory_trimmer", "search_merger", "sweep_once", "sweeper", "wal_checkpointer"]


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
    erased = 0
    while True:  # hardship case files past their retention (HUB_CASE_RETENTION_DAYS)
        with db.write() as session:
            n = erase_expired(session, settings.case_retention_days, utcnow())
        erased += n
        if n < 500:
            break
    with db.write() as session:  # the operators' console's expired sessions
        sessions = purge_sessions(session, utcnow())
    analysed = analyze_stale(db)
    return {"expired": expired, "idempotency_purged": purged, "changes_pruned": pruned,
            "cases_erased": erased, "console_sessions_purged": sessions, "tables_analysed": len(analysed)}


async def sweeper(db: Database, settings: Settings) -> None:
    def sweep() -> None:
        result = sweep_once(db, settings)
        if any(result.values()):
            log.info("sweep", extra=result)

    await every(settings.sweep_interval_s, sweep, "sweep")


async def memory_trimmer(db: Database, settings: Settings) -> None:
    """Return the allocator's free memory to the system now and then (``HUB_MEMORY_TRIM_INTERVAL_S``)."""
    if settings.memory_trim_interval_s > 0 and release_free_memory():
        await every(settings.memory_trim_interval_s, release_free_memory, "memory trim")
