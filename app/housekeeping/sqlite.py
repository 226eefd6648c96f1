"""SQLite's upkeep, beside the writers: the write-ahead log checkpointed into the database file,
and dedup's staged block rows merged into their index (``app.dedup.sqlite``)."""

from __future__ import annotations

from app.config import Settings
from app.db import Database
from app.dedup.sqlite import MERGE_AT, merge_new_blocks, waiting_blocks

from .loop import every


def checkpoint_wal(db: Database) -> int:
    """Copy committed pages from SQLite's write-ahead log into the database file; returns how many
    of the log's frames are in the file now (0 if another checkpoint was running). PASSIVE: it
    neither waits for nor blocks readers or the writer, so the writer's commit, holding the write
    lock, no longer does it (see ``app.db``)."""
    if not db.sqlite:
        return 0
    with db.engine.connect() as conn:  # the DBAPI connection itself: no BEGIN around the pragma
        raw = conn.connection.dbapi_connection
        assert raw is not None  # a connection checked out of the pool has its DBAPI connection
        busy, _, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return 0 if busy else int(copied)


async def wal_checkpointer(db: Database, settings: Settings) -> None:
    if db.sqlite and settings.sqlite_checkpoint_interval_s > 0:
        await every(settings.sqlite_checkpoint_interval_s, lambda: checkpoint_wal(db), "WAL checkpoint")


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
        await every(settings.sqlite_block_merge_interval_s, lambda: merge_blocks(db), "block merge")
