"""Store postings and employers: bulk, sorted by conflict key (no deadlocks), race-safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.db import among, is_sqlite
from app.dedup.employers import resolve_employers
from app.dedup.queries import lock_blocks
from app.dedup.signature import lock_keys
from app.models import Posting

from .normalise import NormalPosting

POSTINGS = Posting.__table__


@dataclass(slots=True)
class Existing:
    id: str
    external_id: str
    content_hash: str
    status: str
    job_id: str | None


def upsert_employers(session: Session, items: list[NormalPosting], now: datetime) -> dict[str, str]:
    """Find or create the employers named in ``items`` (and record their name variants);
    returns identity key → employer id.

    This is the first step of the road and sees the whole batch, so dedup takes its block
    locks here: once, in sorted order, before any other lock (see ``app.dedup.queries``).
    """
    found = resolve_employers(session, items, now)
    keys = (k for item in items for k in lock_keys(found[item.employer_key], item.data, item.signature))
    lock_blocks(session, keys)
    return found


def lock_existing(session: Session, partner_id: str, external_ids: list[str]) -> dict[str, Existing]:
    """The partner's stored postings for these ids, row-locked on PostgreSQL (sorted order)."""
    out: dict[str, Existing] = {}
    for chunk in _chunks(sorted(external_ids), 500):
        stmt = (
            select(POSTINGS.c.id, POSTINGS.c.external_id, POSTINGS.c.content_hash,
                   POSTINGS.c.status, POSTINGS.c.job_id)
            .where(POSTINGS.c.partner_id == partner_id, among(session, POSTINGS.c.external_id, chunk))
            .order_by(POSTINGS.c.external_id)
        )
        if not is_sqlite(session):
            stmt = stmt.with_for_update()
        for row in session.execute(stmt):
            out[row.external_id] = Existing(row.id, row.external_id, row.content_hash, row.status, row.job_id)
    return out


def insert_new(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """Insert new postings; returns the external ids this transaction really inserted
    (on PostgreSQL another writer may have won the race for some of them)."""
    if not rows:
        return set()
    rows.sort(key=lambda r: r["external_id"])
    if is_sqlite(session):
        # SQLite writers are serialised (BEGIN IMMEDIATE), so nobody can have raced us.
        insert_rows(session, POSTINGS, rows)
        return {r["external_id"] for r in rows}
    return set(insert_rows(session, POSTINGS, rows, conflict=["partner_id", "external_id"],
                           returning="external_id"))


def update_postings(session: Session, rows: list[dict[str, Any]]) -> None:
    update_rows(session, POSTINGS, "id", rows)


def _chunks(seq: list[Any], size: int) -> list[list[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


__all__ = ["Existing", "upsert_employers", "lock_existing", "insert_new", "update_postings"]
