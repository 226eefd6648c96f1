"""The one road in. Push handlers and feed workers call only these functions.

``prepare`` (outside any transaction: parse and normalise, CPU only) then
``store_batch`` (inside one write transaction: store postings → assign jobs →
recompute jobs → index hooks → change log). A batch is all-or-nothing at the
storage level because it is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import is_sqlite
from app.dedup.assigner import DedupAssigner
from app.dedup.signature import posting_signature, prime
from app.errors import NotFound, pydantic_errors
from app.models import Posting, new_id, utcnow
from app.schemas.common import storable_or_none
from app.schemas.posting import PostingIn
from app.search.docs import KnownTokens, posting_tokens
from app.search.index import index_jobs
from app.services.known import remember_partners
from app.writebehind import write_behind

from . import metrics
from .assign import JobAssigner, Work
from .canonical import Fields, Written, refresh_jobs, solo_fields
from .changelog import append_changes
from .normalise import NormaliseError, NormalPosting, normalise
from .store import Existing, insert_new, lock_existing, update_postings, upsert_employers

POSTINGS = Posting.__table__

# Called with (session, job ids that changed, what the road already knows about them) after
# jobs are recomputed, inside the transaction: the search index registers here.
JobHook = Callable[[Session, list[str], Written], None]
JOB_HOOKS: list[JobHook] = [index_jobs]
_assigner: list[JobAssigner] = [DedupAssigner()]  # app.dedup: cross-source deduplication


def set_assigner(assigner: JobAssigner) -> None:
    _assigner[0] = assigner


@dataclass(slots=True)
class Outcome:
    external_id: str | None
    status: str  # created | updated | unchanged | rejected
    job_id: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"external_id": self.external_id, "status": self.status, "job_id": self.job_id,
                "errors": self.errors}


@dataclass(slots=True)
class PartnerRef:
    id: str
    kind: str
    name: str | None = None  # known to the caller: the batch's documents then need not read it


def parse(raw: Any) -> PostingIn:
    return PostingIn.model_validate(raw)


def prepare(raw: Any, region_hint: str | None = None, *, fts: bool = True) -> NormalPosting | Outcome:
    """Parse and normalise one posting, or the rejection that names each bad field.

    ``region_hint`` is the partner's region code, used to settle ambiguous place names; ``fts``:
    also make SQLite's FTS column text (the store's database is SQLite; PostgreSQL never uses it)."""
    # Echoed in the result (kept with an Idempotency-Key, and in a sync run's rejections): only text
    # the databases can store; an unstorable id is rejected (its error names it) and echoed as null.
    external_id = storable_or_none(raw.get("external_id") if isinstance(raw, dict) else None)
    try:
        item = normalise(parse(raw), raw, region_hint)
    except ValidationError as exc:
        errors = pydantic_errors(exc.errors(include_url=False))
    except NormaliseError as exc:
        errors = exc.errors
    else:
        # Made here, outside the write transaction (and in parallel across API processes), so
        # the serialised store only looks them up.
        item.tokens = posting_tokens(item.data, fts=fts)
        item.signature = posting_signature(item.data)
        prime(item.signature)
        item.posting_id = new_id()
        item.solo = solo_fields(item.posting_id, item.data)
        return item
    for err in errors:
        metrics.REJECTED.labels(reason=err["type"]).inc()
    return Outcome(external_id, "rejected", None, errors)


def _status_for(item: NormalPosting, now: datetime) -> str:
    return "expired" if item.valid_through is not None and item.valid_through <= now else "active"


def store_batch(session: Session, partner: PartnerRef, prepared: list[NormalPosting | Outcome],
                now: datetime | None = None) -> list[Outcome]:
    """Store prepared postings in the caller's transaction; outcomes in input order."""
    now = now or utcnow()
    items = [p for p in prepared if isinstance(p, NormalPosting)]
    outcomes: dict[str, Outcome] = {}
    if items:
        if partner.name is not None:
            remember_partners(session, {partner.id: (partner.name, partner.kind)})
        with write_behind(session):  # PostgreSQL stores one table's rows while Python builds the next
            _store(session, partner, items, outcomes, now)
        for o in outcomes.values():
            metrics.INGESTED.labels(status=o.status).inc()
    return [p if isinstance(p, Outcome) else outcomes[p.external_id] for p in prepared]


def _store(session: Session, partner: PartnerRef, items: list[NormalPosting], outcomes: dict[str, Outcome],
           now: datetime) -> None:
    employer_ids = upsert_employers(session, partner.id, items, now)
    existing = lock_existing(session, partner.id, [i.external_id for i in items])
    new_rows = {i.external_id: _row(partner.id, i, employer_ids, now) for i in items
                if i.external_id not in existing}
    opened = _insert_assigned(session, partner, items, new_rows, employer_ids)
    work, changed, seen = [], [], []
    for item in items:
        if item.external_id in new_rows:
            outcomes[item.external_id] = Outcome(item.external_id, "created", new_rows[item.external_id]["job_id"])
            continue
        old = existing[item.external_id]
        if old.content_hash == item.content_hash and old.status == _status_for(item, now):
            seen.append({"id": old.id, "last_seen_at": now})
            outcomes[item.external_id] = Outcome(item.external_id, "unchanged", old.job_id)
            continue
        row = _row(partner.id, item, employer_ids, now)
        for key in ("first_seen_at", "partner_id", "external_id"):
            row.pop(key)
        row["id"] = old.id
        changed.append(row)
        work.append(_work(partner, old.id, item, employer_ids, False, old.job_id))
        outcomes[item.external_id] = Outcome(item.external_id, "updated")
    touched = _assign(session, work)
    for w, row in zip(work, changed):
        row["job_id"] = w.job_id
        outcomes[w.external_id].job_id = w.job_id
    touched |= {r["job_id"] for r in new_rows.values()}
    update_postings(session, changed)
    update_postings(session, seen)
    fresh = _fresh(partner, new_rows, opened - {w.job_id for w in work})
    solo = {i.posting_id: i.solo for i in items if i.posting_id is not None and i.solo is not None}
    finish(session, touched, now, fresh, KnownTokens.merged(item.tokens for item in items), solo)


def finish(session: Session, job_ids: set[str], now: datetime,
           fresh: dict[str, list[dict[str, Any]]] | None = None,
           tokens: KnownTokens | None = None,
           solo: dict[str, Fields] | None = None) -> list[tuple[str, str]]:
    """Recompute jobs, run index hooks and append the change log (the road's last steps).

    ``fresh``: jobs opened in this transaction and their members, known in memory, so
    nothing about them is read back; ``tokens`` and ``solo``: search tokens and one-posting
    job fields ``prepare`` made."""
    written = Written(fresh=fresh or {}, tokens=tokens or KnownTokens(), solo=solo or {})
    ops = refresh_jobs(session, job_ids, now, written)
    changed = sorted(job_ids)
    for hook in JOB_HOOKS:
        hook(session, changed, written)
    append_changes(session, ops, now, written)
    return ops


def _fresh(partner: PartnerRef, new_rows: dict[str, dict[str, Any]],
           opened: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The jobs opened for brand-new postings (and joined by no stored posting), with their
    members as ``load_members`` would read them."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in new_rows.values():
        if row["job_id"] in opened:
            out.setdefault(row["job_id"], []).append({**row, "kind": partner.kind})
    return out


def _assign(session: Session, work: list[Work]) -> set[str]:
    """Ask the assigner for each posting's job; returns every job whose members changed."""
    touched = _assigner[0].assign(session, work)
    for w in work:
        touched.add(w.job_id)  # type: ignore[arg-type]
        if w.old_job_id:
            touched.add(w.old_job_id)
    return touched


def _insert_assigned(session: Session, partner: PartnerRef, items: list[NormalPosting],
                     new_rows: dict[str, dict[str, Any]], employer_ids: dict[str, str]) -> set[str]:
    """Assign jobs to brand-new postings, then insert them with their ``job_id``; returns the
    jobs opened for them."""
    if not new_rows:
        return set()
    by_id = {i.external_id: i for i in items}
    work = [_work(partner, row["id"], by_id[key], employer_ids, True, None) for key, row in new_rows.items()]
    _assigner[0].assign(session, work)
    for w in work:
        new_rows[w.external_id]["job_id"] = w.job_id
    insert_new(session, list(new_rows.values()))
    return {w.job_id for w in work if w.opened and w.job_id}


def _row(partner_id: str, item: NormalPosting, employer_ids: dict[str, str], now: datetime) -> dict[str, Any]:
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
    stmt = (select(POSTINGS.c.id, POSTINGS.c.job_id)
            .where(POSTINGS.c.status == "active", POSTINGS.c.valid_through <= now)
            .order_by(POSTINGS.c.id).limit(limit))
    if not is_sqlite(session):
        stmt = stmt.with_for_update(skip_locked=True)
    rows = session.execute(stmt).all()
    if not rows:
        return 0
    update_postings(session, [{"id": r.id, "status": "expired", "updated_at": now} for r in rows])
    finish(session, {r.job_id for r in rows if r.job_id}, now)
    return len(rows)
