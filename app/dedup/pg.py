"""Dedup's SQL where PostgreSQL differs: concurrent writers, advisory locks, plans that cannot
go stale.

Writers run side by side, so a writer first takes the advisory locks of the blocks its postings
look in or are filed under, folded into ``LOCK_BUCKETS`` buckets (the server's lock table is
small), in sorted order (no deadlocks). Block lookups are one index probe per key, and an
employer another writer inserted meanwhile is told apart by ``RETURNING``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Executable, Table, delete, text
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.db import among
from app.models import Employer, JobBlock

from .rows import BlockRow
from .signature import MAX_PER_BLOCK

BLOCKS = cast(Table, JobBlock.__table__)
EMPLOYERS = cast(Table, Employer.__table__)
LOCK_CLASS = 24366  # advisory lock namespace (two-int form) for dedup buckets
LOCK_BUCKETS = 128  # bounded: PostgreSQL's shared lock table is small

# One index probe per key, at most MAX_PER_BLOCK jobs each, whatever the statistics say. With
# ``block = ANY(:keys)`` the planner read every block row once per batch as soon as a few
# popular blocks (a common title in a big city) made it think most rows match, growing with
# the store.
_PG_BLOCK_LOOKUP = text(
    "SELECT k.block, b.job_id FROM unnest(CAST(:keys AS bigint[])) AS k(block) "
    "CROSS JOIN LATERAL (SELECT job_id FROM job_blocks WHERE block = k.block ORDER BY job_id DESC "
    f"LIMIT {MAX_PER_BLOCK}) AS b")


class PostgresDedup:
    """Dedup's statements on PostgreSQL (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, keys: Iterable[int]) -> None:
        """Serialise concurrent writers that could open the same job: keys fold into a few
        buckets, taken in sorted order, at most ``LOCK_BUCKETS`` however large the batch."""
        buckets = sorted({k % LOCK_BUCKETS for k in keys})
        if buckets:
            self.session.execute(text(
                "SELECT pg_advisory_xact_lock(:cls, b) FROM "
                "(SELECT unnest(CAST(:buckets AS integer[])) AS b ORDER BY 1) AS s"),
                {"cls": LOCK_CLASS, "buckets": buckets})

    def lookup(self, blocks: list[int]) -> Executable:
        """(block, job id) filed under these blocks, the newest ``MAX_PER_BLOCK`` of each."""
        return _PG_BLOCK_LOOKUP.bindparams(keys=blocks)

    def drop(self, job_ids: list[str]) -> None:
        """Take these jobs out of every block."""
        self.session.execute(delete(BLOCKS).where(among(self.session, BLOCKS.c.job_id, job_ids)))

    def file(self, rows: Sequence[BlockRow]) -> None:
        """File (block, job id) rows."""
        insert_rows(self.session, BLOCKS, rows)

    def new_employers(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert employer rows not on record when read; returns the identity keys of those this
        writer inserted (a concurrent writer may have made the others)."""
        return insert_rows(self.session, EMPLOYERS, rows, conflict=["identity_key"], returning="identity_key")
