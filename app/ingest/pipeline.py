"""The one road in. Push handlers and feed workers call only these functions.

``prepare`` (outside any transaction: parse and normalise, CPU only; ``app.ingest.prepare``)
then ``store_batch`` (inside one write transaction: store postings → assign jobs → recompute
jobs → index → change log). A batch is all-or-nothing at the storage level because it is one
transaction. ``store_batch`` makes the batch's ``Batch`` and hands it to every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.dedup.assigner import DedupAssigner, Work
from app.errors import NotFound
from app.jobs.batch import Batch, PartnerRow
from app.jobs.rows import Member
from app.models import Posting, new_id, utcnow
from app.search.docs import KnownTokens
from app.search.index import index_jobs
from app.writebehind import write_behind

from . import metrics
from .changelog import append_changes
from .prepare import NormaliseError, NormalPosting, Outcome, normalise, parse, prepare
from .recompute import Op, refresh_jobs
from .rows import PostingRow
from .store import (
    Existing,
    insert_new,
    lock_existing,
    update_postings,
    upsert_employers,
)

__all__ = ["NormaliseError", "NormalPosting", "Outcome", "PartnerRef", "expire_due", "finish", "normalise",
           "parse", "prepare", "store_batch", "withdraw"]

POSTINGS = cast(Table, Posting.__table__)


@dataclass(slots=True)
class PartnerRef:
    id: str
    kind: str
    name: str | None = None  # known to the caller: the batch's documents then need not read it


def _status_for(item: NormalPosting, now: datetime) -> str:
    return "expired" if item.valid_through is not None and item.valid_through <= now else "active"


def store_batch(session: Session, partner: PartnerRef, prepared: list[NormalPosting | Outcome],
                now: datetime | None = None) -> list[Outcome]:
    """Store prepared postings in the caller's transaction; outcomes in input order."""
    now = now or utcnow()
    items = [p for p in prepared if isinstance(p, NormalPosting)]
    outcomes: dict[str, Outcome] = {}
    if items:
        batch = Batch(solo={i.posting_id: i.solo for i in items if i.posting_id is not None and i.solo is not None})
        if partner.name is not None:
            batch.partners[partner.id] = PartnerRow(partner.id, partner.name, partner.kind)
        with write_behind(session):  # PostgreSQL stores one table's rows while Python builds the next
            _store(session, batch, partner, items, outcomes, now)
        for o in outcomes.values():
            metrics.INGESTED.labels(status=o.status).inc()
    return [p if isinstance(p, Outcome) else outcomes[p.external_id] for p in prepared]


def _store(session: Session, batch: Batch, partner: PartnerRef, items: list[NormalPosting],
           outcomes: dict[str, Outcome], now: datetime) -> None:
    employer_ids = upsert_employers(session, batch, partner.id, items, now)
    existing = lock_existing(session, partner.id, [i.external_id for i in items])
    new_rows = {i.external_id: _row(partner.id, i, employer_ids, now) for i in items
                if i.external_id not in existing}
    assigner = DedupAssigner()  # one per batch: it remembers the jobs it opened in this batch
    opened = _insert_assigned(session, assigner, partner, items, new_rows, employer_ids)
    work: list[Work] = []
    changed: list[dict[str, Any]] = []
    seen: list[dict[str, Any]] = []
    for item in items:
        if item.external_id in new_rows:
            outcomes[item.external_id] = Outcome(item.external_id, "created", new_rows[item.external_id]["job_id"])
            continue
        old = existing[item.external_id]
        if old.content_hash == item.content_hash and old.status == _status_for(item, now):
            seen.append({"id": old.id, "last_seen_at": now})
            outcomes[item.external_id] = Outcome(item.external_id, "unchanged", old.job_id)
            continue
        row: dict[str, Any] = dict(_row(partner.id, item, employer_ids, now))
        for key in ("first_seen_at", "partner_id", "external_id"):
            row.pop(key)
        row["id"] = old.id
        changed.append(row)
        work.append(_work(partner, old.id, item, employer_ids, False, old.job_id))
        outcomes[item.external_id] = Outcome(item.external_id, "updated")
    touched = _assign(session, assigner, work)
    for w, change in zip(work, changed, strict=True):
        change["job_id"] = w.job_id
        outcomes[w.external_id].job_id = w.job_id
    touched |= {r["job_id"] for r in new_rows.values() if r["job_id"] is not None}
    update_postings(session, changed)
    update_postings(session, seen)
    batch.fresh = _fresh(partner, new_rows, opened - {w.job_id for w in work})
    finish(session, touched, now, batch, KnownTokens.merged(item.tokens for item in items))


def finish(session: Session, job_ids: set[str], now: datetime, batch: Batch | None = None,
           tokens: KnownTokens | None = None) -> list[Op]:
    """Recompute jobs, index them and append the change log (the road's last steps).

    ``batch``: what this transaction already knows (its jobs opened from memory, its employers,
    its partners), so nothing about them is read back; ``tokens``: the search tokens ``prepare``
    made for the batch's texts."""
    batch = batch if batch is not None else Batch()
    ops = refresh_jobs(session, job_ids, now, batch)
    index_jobs(session, sorted(job_ids), batch, tokens)
    append_changes(session, ops, now, batch)
    return ops


def _fresh(partner: PartnerRef, new_rows: dict[str, PostingRow], opened: set[str | None]) -> dict[str, list[Member]]:
    """The jobs opened for brand-new postings (and joined by no stored posting), with their
    members as ``load_members`` would read them."""
    out: dict[str, list[Member]] = {}
    for row in new_rows.values():
        job_id = row["job_id"]
        if job_id is not None and job_id in opened:
            out.setdefault(job_id, []).append({
                "id": row["id"], "job_id": job_id, "status": row["status"], "data": row["data"],
                "updated_at": row["updated_at"], "first_seen_at": row["first_seen_at"],
                "last_seen_at": row["last_seen_at"], "valid_through": row["valid_through"],
                "employer_id": row["employer_id"], "partner_id": row["partner_id"],
                "external_id": row["external_id"], "url": row["url"], "kind": partner.kind})
    return out


def _assign(session: Session, assigner: DedupAssigner, work: list[Work]) -> set[str]:
    """Ask dedup for each posting's job; returns every job whose members changed."""
    touched = assigner.assign(session, work)
    for w in work:
        if w.job_id is not None:
            touched.add(w.job_id)
        if w.old_job_id:
            touched.add(w.old_job_id)
    return touched


def _insert_assigned(session: Session, assigner: DedupAssigner, partner: PartnerRef, items: list[NormalPosting],
                     new_rows: dict[str, PostingRow], employer_ids: dict[str, str]) -> set[str | None]:
    """Assign jobs to brand-new postings, then insert them with their ``job_id``; returns the
    jobs opened for them."""
    if not new_rows:
        return set()
    by_id = {i.external_id: i for i in items}
    work = [_work(partner, row["id"], by_id[key], employer_ids, True, None) for key, row in new_rows.items()]
    assigner.assign(session, work)
    for w in work:
        new_rows[w.external_id]["job_id"] = w.job_id
    insert_new(session, list(new_rows.values()))
    return {w.job_id for w in work if w.opened and w.job_id}


def _row(partner_id: str, item: NormalPosting, employer_ids: dict[str, str], now: datetime) -> PostingRow:
    return {
        "id": item.posting_id or new_id(), "partner_id": partner_id, "external_id": item.external_id,
        "job_id": None,
        "employer_id": employer_ids[item.employer_key], "status": _status_for(item, now),
        "title": item.data["title"], "content_hash": item.content_hash, "data": item.data,
        "raw": item.raw, "url": item.data["url"], "posted_at": item.posted_at,
        "valid_through": item.valid_through, "first_seen_at": now, "last_seen_at": now,
        "updated_at": now,
    }


def _work(partner: PartnerRef, posting_id: str, item: NormalPosting, employer_ids: dict[str, str],
          is_new: bool, old_job_id: str | None) -> Work:
    return Work(posting_id, partner.id, partner.kind, item.external_id,
                employer_ids[item.employer_key], item.data, is_new, old_job_id, made=item.signature)


def withdraw(session: Session, partner: PartnerRef, external_id: str, now: datetime | None = None) -> None:
    """Withdraw a partner's posting; its job stays open while another source is active."""
    now = now or utcnow()
    found: Existing | None = lock_existing(session, partner.id, [external_id]).get(external_id)
    if found is None:
        raise NotFound(f"no posting {external_id!r}")
    if found.status == "withdrawn":
        return
    update_postings(session, [{"id": found.id, "status": "withdrawn", "updated_at": now}])
    if found.job_id:
        finish(session, {found.job_id}, now)


def expire_due(session: Session, now: datetime | None = None, limit: int = 5000) -> int:
    """Mark postings whose ``valid_through`` has passed as expired; returns how many."""
    now = now or utcnow()
    rows = session.execute(select(POSTINGS.c.id, POSTINGS.c.job_id)
                           .where(POSTINGS.c.status == "active", POSTINGS.c.valid_through <= now)
                           .order_by(POSTINGS.c.id).limit(limit).with_for_update(skip_locked=True)).all()
    if not rows:
        return 0
    update_postings(session, [{"id": r.id, "status": "expired", "updated_at": now} for r in rows])
    finish(session, {r.job_id for r in rows if r.job_id}, now)
    return len(rows)
