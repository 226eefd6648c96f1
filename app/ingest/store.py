"""Store postings and employers: bulk, sorted by conflict key (no deadlocks), race-safe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.db import dialect_insert, is_sqlite
from app.models import Employer, Posting, new_id

from .normalise import NormalPosting

EMPLOYERS = Employer.__table__
POSTINGS = Posting.__table__


@dataclass(slots=True)
class Existing:
    id: str
    external_id: str
    content_hash: str
    status: str
    job_id: str | None


def upsert_employers(session: Session, items: list[NormalPosting], now: datetime) -> dict[str, str]:
    """Find or create the employers named in ``items``; returns identity key → employer id."""
    rows: dict[str, dict[str, Any]] = {}
    for item in items:
        emp = item.data["employer"]
        rows.setdefault(item.employer_key, {
            "id": new_id(), "identity_key": item.employer_key, "name": emp["name"],
            "credit_code": emp["credit_code"], "credit_code_verified": emp["credit_code_verified"],
            "type": emp["type"], "created_at": now, "updated_at": now,
        })
    keys = sorted(rows)
    found = _employer_ids(session, keys)
    missing = [rows[k] for k in keys if k not in found]
    if missing:
        stmt = dialect_insert(session, EMPLOYERS).on_conflict_do_nothing(index_elements=["identity_key"])
        session.execute(stmt, missing)
        found.update(_employer_ids(session, [r["identity_key"] for r in missing]))
    return found


def _employer_ids(session: Session, keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in _chunks(keys, 500):
        out.update(dict(session.execute(
            select(EMPLOYERS.c.identity_key, EMPLOYERS.c.id).where(EMPLOYERS.c.identity_key.in_(chunk))
        ).all()))
    return out


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
    stmt = dialect_insert(session, POSTINGS).on_conflict_do_nothing(
        index_elements=["partner_id", "external_id"]
    ).returning(POSTINGS.c.external_id)
    inserted: set[str] = set()
    for chunk in _chunks(rows, 500):
        inserted.update(session.execute(stmt, chunk).scalars().all())
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
