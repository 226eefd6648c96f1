"""PostgreSQL's upkeep, beside the writers: planner statistics kept fresh, and the search index's
GIN pending lists merged by a process of their own (not by the writer whose insert fills one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection, text

from app.config import Settings
from app.db import Database

from .loop import every

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


async def search_merger(db: Database, settings: Settings) -> None:
    if not db.sqlite and settings.search_merge_interval_s > 0:
        await every(settings.search_merge_interval_s, lambda: merge_search_pending(db), "search index merge")
