"""Store postings and employers: bulk, sorted by conflict key (no deadlocks), race-safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.db import dialect_insert, is_sqlite
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
    lock_blocks(session, (k for item in items for k in lock_keys(found[item.employer_key], item.data)))
    return found


def lock_existing(session: Session, partner_id: str, external_ids: list[str]) -> dict[str, Existing]:
    """The partner's stored postings for these ids, row-locked on PostgreSQL (sorted order)."""
    out: dict[str, Existing] = {}
    for chunk in _chunks(sorted(external_ids), 500):
        stmt = (
            select(POSTINGS.c.id, POSTINGS.c.external_id, POSTINGS.c.content_hash,
                   POSTINGS.c.status, POSTINGS.c.job_id)
            .where(POSTINGS.c.partner_id == partner_id, POSTINGS.c.external_id.in_(chunk))
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
        session.execute(dialect_insert(session, POSTINGS), rows)
        return {r["external_id"] for r in rows}
    # executemany without RETURNING runs in psycopg's pipeline mode (far faster than a
    # multi-row INSERT … RETURNING); then the ids tell which rows are ours.
    stmt = dialect_insert(session, POSTINGS).on_conflict_do_nothing(index_elements=["partner_id", "external_id"])
    session.execute(stmt, rows)
    ours = {r["external_id"]: r["id"] for r in rows}
    inserted: set[str] = set()
    partner_id = rows[0]["partner_id"]
    for chunk in _chunks(sorted(ours), 500):
        found = session.execute(select(POSTINGS.c.external_id, POSTINGS.c.id).where(
            POSTINGS.c.partner_id == partner_id, POSTINGS.c.external_id.in_(chunk)))
        inserted.update(ext for ext, pid in found if ours[ext] == pid)
    return inserted


def update_postings(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    values = {k: bindparam(f"v_{k}") for k in rows[0] if k != "id"}
    stmt = update(POSTINGS).where(POSTINGS.c.id == bindparam("v_id")).values(values)
    session.connection().execute(stmt, [{f"v_{k}": v for k, v in r.items()} for r in rows])


def _chunks(seq: list[Any], size: int) -> list[list[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)]


__all__ = ["Existing", "upsert_employers", "lock_existing", "insert_new", "update_postings"]
