"""Periodic upkeep run by every API process: expire postings, purge old idempotency keys,
prune the change log past its retention, refresh stale planner statistics (PostgreSQL); and,
beside the writers, merge the search index's pending lists (PostgreSQL), checkpoint the
write-ahead log and merge dedup's new block rows (SQLite).

Each sweep is idempotent and row-locked (SKIP LOCKED on PostgreSQL), so several
processes running it at once do no harm and no work twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, text
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import Database
from app.dedup.sqlite import MERGE_AT, merge_new_blocks, waiting_blocks
from app.ingest.pipeline import expire_due
from app.services.changes import prune_expired
from app.services.idempotency import purge_expired

log = logging.getLogger("hub.housekeeping")
T = TypeVar("T")


# The autovacuum daemon's own rule for when a table's statistics are stale.
_STALE = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
    "AND n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0) ORDER BY relname")
ANALYZE_LOCK = 24367  # advisory lock id: one process analyses at a time
MERGE_LOCK = 24368  # advisory lock id: one process merges the search index's pending lists at a time
# The GIN indexes of search_docs (migrations 0003 and 0012), each with a 16 MB pending list (0009).
GIN_INDEXES = ("ix_search_docs_head_tsv", "ix_search_docs_full_tsv", "ix_search_docs_sample")


def analyze_stale(db: Database) -> list[str]:
    """ANALYZE the tables whose statistics are stale (PostgreSQL). Autovacuum normally does this,
    but it may be off or slow behind a bulk load, and the planner then works from an empty
    table's numbers; this keeps the hub's own queries planned from real ones."""
    if db.sqlite:
        return []
    with db.engine.connect() as conn:  # a session lock: held across the commits below
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ANALYZE_LOCK}).scalar():
            conn.commit()  # not ROLLBACK: that would discard the connection's prepared statements
            return []
        try:
            tables = list(conn.execute(_STALE).scalars())
            conn.commit()
            for name in tables:
                conn.execute(text(f'ANALYZE "{name}"'))
                # Each table's statistics count from its own commit: behind a bulk load every
                # table is stale at once, and ANALYZE of the search index alone takes seconds.
                conn.commit()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ANALYZE_LOCK})
            conn.commit()
    return tables


def _alone(db: Database, lock: int, work: Callable[[Connection], T], idle: T) -> T:
    """``work`` in a transaction of its own, unless another process holds ``lock`` (PostgreSQL;
    ``idle`` then, and always on SQLite)."""
    if db.sqlite:
        return idle
    with db.engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": lock}).scalar():
            conn.commit()  # not the pool's ROLLBACK, which discards the connection's prepared statements
            return idle
        result = work(conn)
        conn.commit()
    return result


def merge_search_pending(db: Database) -> int:
    """Move new entries of the search index's GIN pending lists into the indexes proper
    (PostgreSQL); returns the pages merged. A write appends its lexemes to a pending list, which
    is cheap; merging is the costly part, and without this the writer whose insert finds a list
    past its limit does it inside its transaction, on the road in, while other writers wait for
    its dedup locks. Here it happens beside them, on a connection (and a core) of its own."""
    return _alone(db, MERGE_LOCK, lambda conn: sum(
        conn.execute(text("SELECT gin_clean_pending_list(CAST(:ix AS regclass))"), {"ix": ix}).scalar() or 0
        for ix in GIN_INDEXES), 0)


def checkpoint_wal(db: Database) -> int:
    """Copy committed pages from SQLite's write-ahead log into the database file; returns how many
    of the log's frames are in the file now (0 if another checkpoint was running). PASSIVE: it
    neither waits for nor blocks readers or the writer, so the writer's commit, holding the write
    lock, no longer does it (see ``app.db``)."""
    if not db.sqlite:
        return 0
    with db.engine.connect() as conn:  # the DBAPI connection itself: no BEGIN around the pragma
        busy, _, copied = conn.connection.dbapi_connection.execute(  # type: ignore[union-attr]
            "PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return 0 if busy else int(copied)


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
    analysed = analyze_stale(db)
    return {"expired": expired, "idempotency_purged": purged, "changes_pruned": pruned,
            "tables_analysed": len(analysed)}


async def _every(interval_s: float, step: Callable[[], object], what: str) -> None:
    """Run ``step`` in a worker thread every ``interval_s`` seconds, for ever. A failure is logged
    and the next run retries (meanwhile the writers do that work themselves, or it waits)."""
    while True:
        try:
            await run_in_threadpool(step)
        except Exception:  # noqa: BLE001 - keep going; the next run retries
            log.exception("%s failed", what)
        await asyncio.sleep(interval_s)


async def search_merger(db: Database, settings: Settings) -> None:
    if not db.sqlite and settings.search_merge_interval_s > 0:
        await _every(settings.search_merge_interval_s, lambda: merge_search_pending(db), "search index merge")


async def wal_checkpointer(db: Database, settings: Settings) -> None:
    if db.sqlite and settings.sqlite_checkpoint_interval_s > 0:
        await _every(settings.sqlite_checkpoint_interval_s, lambda: checkpoint_wal(db), "WAL checkpoint")


def merge_blocks(db: Database) -> int:
    """Merge dedup's waiting block rows into their index once enough wait (SQLite); returns how
    many moved. The count is read outside the write lock, so the writers wait only for a merge."""
    if not db.sqlite:
        return 0
    with db.read() as session:
        if waiting_blocks(session) < MERGE_AT:
            return 0
    with db.write() as session:
        return merge_new_blocks(session, MERGE_AT)


async def block_merger(db: Database, settings: Settings) -> None:
    if db.sqlite and settings.sqlite_block_merge_interval_s > 0:
        await _every(settings.sqlite_block_merge_interval_s, lambda: merge_blocks(db), "block merge")


async def sweeper(db: Database, settings: Settings) -> None:
    def sweep() -> None:
        result = sweep_once(db, settings)
        if any(result.values()):
            log.info("sweep", extra=result)

    await _every(settings.sweep_interval_s, sweep, "sweep")
