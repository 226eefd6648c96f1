"""Dedup's SQL where SQLite differs: one writer at a time, and new block rows staged.

Writers on SQLite take turns (``app.db``), so nothing needs locking and an employer row that
is missing is inserted by this writer alone. A job's new block rows wait in ``job_blocks_new``
(filed one batch at a time they dirtied a page of the hash-keyed index each); the API
processes merge them, sorted, once ``MERGE_AT`` wait, and a writer does it itself past
``MERGE_BACKSTOP`` (a process without that loop).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Table, delete, func, select, text
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.db import among
from app.models import Employer, JobBlock, JobBlockNew

from .rows import BlockRow

BLOCKS = cast(Table, JobBlock.__table__)
NEW_BLOCKS = cast(Table, JobBlockNew.__table__)
EMPLOYERS = cast(Table, Employer.__table__)
MERGE_AT = 16_000
MERGE_BACKSTOP = 64_000


class SqliteDedup:
    """Dedup's statements on SQLite (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, keys: Iterable[int]) -> None:
        """Nothing to take: SQLite writers are serialised already."""

    def lookup(self, blocks: list[int]) -> Executable:
        """(block, job id) filed under these blocks: the merged index, and the rows filed since
        the last merge (a short scan)."""
        s = self.session
        return select(BLOCKS.c.block, BLOCKS.c.job_id).where(among(s, BLOCKS.c.block, blocks)).union_all(
            select(NEW_BLOCKS.c.block, NEW_BLOCKS.c.job_id).where(among(s, NEW_BLOCKS.c.block, blocks)))

    def drop(self, job_ids: list[str]) -> None:
        """Take these jobs out of every block."""
        self.session.execute(delete(NEW_BLOCKS).where(among(self.session, NEW_BLOCKS.c.job_id, job_ids)))
        self.session.execute(delete(BLOCKS).where(among(self.session, BLOCKS.c.job_id, job_ids)))

    def file(self, rows: Sequence[BlockRow]) -> None:
        """File (block, job id) rows: staged, merged here only past the backstop."""
        insert_rows(self.session, NEW_BLOCKS, rows)
        if waiting_blocks(self.session) > MERGE_BACKSTOP:
            merge_new_blocks(self.session)

    def new_employers(self, rows: Sequence[dict[str, Any]]) -> list[str]:
        """Insert employer rows none of which is on record; returns their identity keys (all of
        them: no other writer can have made one meanwhile)."""
        insert_rows(self.session, EMPLOYERS, rows, conflict=["identity_key"])
        return [r["identity_key"] for r in rows]


def waiting_blocks(session: Session) -> int:
    """About how many block rows wait in job_blocks_new (ids are never reused: an upper bound)."""
    # Two scalar subqueries: SQLite answers a lone min() or max() of the key from one end of the
    # b-tree, but ``SELECT min(id), max(id)`` scans every row.
    low = select(func.min(NEW_BLOCKS.c.id)).scalar_subquery()
    high = select(func.max(NEW_BLOCKS.c.id)).scalar_subquery()
    first, last = session.execute(select(low, high)).one()
    return 0 if first is None else int(last - first + 1)


def merge_new_blocks(session: Session, at_least: int = 0) -> int:
    """Move the waiting block rows into ``job_blocks``, sorted, so each of its pages is written once
    (in a write transaction). Does nothing while fewer than ``at_least`` wait; returns how many moved."""
    if waiting_blocks(session) < max(at_least, 1):
        return 0
    session.execute(text("INSERT OR IGNORE INTO job_blocks (block, job_id) "
                         "SELECT block, job_id FROM job_blocks_new ORDER BY block, job_id"))
    return int(cast(CursorResult[Any], session.execute(delete(NEW_BLOCKS))).rowcount)
