"""Store postings and employers: bulk, sorted by conflict key (no deadlocks), race-safe."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.dedup.employers import resolve_employers
from app.dedup.queries import lock_blocks
from app.dedup.signature import block_hash, lock_keys
from app.jobs.batch import Batch
from app.models import Posting

from .dialect import dialect
from .prepare import NormalPosting
from .rows import PostingRow

POSTINGS = cast(Table, Posting.__table__)


@dataclass(slots=True)
class Existing:
    id: str
    external_id: str
    content_hash: str
    status: str
    job_id: str | None


def upsert_employers(session: Session, batch: Batch, partner_id: str, items: list[NormalPosting],
                     now: datetime) -> dict[str, str]:
    """Find or create the employers named in ``items`` (and record their name variants);
    returns identity key → employer id.

    This is the first step of the road and sees the whole batch, so it takes the batch's locks
    here (PostgreSQL): once, in sorted order, before any other lock (see ``app.dedup.queries``):
    dedup's block keys, and each posting's own key, so that two writers of one new posting
    (partner × external id) take turns and the second finds the first's row (``insert_new``).
    """
    found = resolve_employers(session, batch, items, now)
    keys = [k for item in items for k in lock_keys(found[item.employer_key], item.data, item.signature)]
    keys += [posting_key(partner_id, item.external_id) for item in items]
    lock_blocks(session, keys)
    return found


def posting_key(partner_id: str, external_id: str) -> int:
    """The lock key of one partner's posting (in the same namespace as dedup's blocks)."""
    return block_hash(f"p:{partner_id}|{external_id}")


def lock_existing(session: Session, partner_id: str, external_ids: list[str]) -> dict[str, Existing]:
    """The partner's stored postings for these ids, row-locked on PostgreSQL (sorted order)."""
    out: dict[str, Existing] = {}
    db = dialect(session)
    for chunk in _chunks(sorted(external_ids), 500):
        for row in session.execute(db.existing(partner_id, chunk)):
            out[row.external_id] = Existing(row.id, row.external_id, row.content_hash, row.status, row.job_id)
    return out


def insert_new(session: Session, rows: list[PostingRow]) -> None:
    """Insert new postings. Nobody else can be inserting them: SQLite runs one writer at a time,
    and on PostgreSQL the writer holds each posting's key (``upsert_employers``) and read the
    stored ones after taking it (``lock_existing``). So it is a plain insert (``COPY``)."""
    rows.sort(key=lambda r: r["external_id"])
    insert_rows(session, POSTINGS, rows)


def update_postings(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    update_rows(session, POSTINGS, "id", rows)


def _chunks(seq: list[Any], size: int) -> list[list[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


__all__ = ["Existing", "insert_new", "lock_existing", "update_postings", "upsert_employers"]
