"""Recompute jobs from their postings, and keep dedup's representatives in step.

A job is rewritten when anything it shows changed, or when its postings did (a posting
joining, leaving or withdrawn changes its sources): ``refresh_jobs`` reports each such job as
an ``upsert`` (open) or ``delete`` (closed) for the change log. Its representative for dedup
(``job_signatures``) changes in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.db import among
from app.dedup.queries import Wanted, load_signatures, sync_signatures
from app.dedup.signature import from_job
from app.jobs.batch import Batch
from app.jobs.build import COMPARED, build_job, members_digest
from app.jobs.members import load_members
from app.jobs.rows import JobRow
from app.models import Job

from .changelog import last_scopes

JOBS = cast(Table, Job.__table__)
Op = tuple[str, str]  # (job id, "upsert" | "delete")
_CHUNK = 500


def refresh_jobs(session: Session, job_ids: set[str], now: datetime, batch: Batch) -> list[Op]:
    """Recompute ``job_ids`` from their postings; returns ``(job_id, op)`` for jobs that changed,
    op being ``upsert`` for an open job and ``delete`` for one that closed. Jobs in
    ``batch.fresh`` are built from the members given there; ``batch.rows`` receives the complete
    rows written, ``batch.members`` every job's members, ``batch.prior`` stored jobs' last scopes.

    On PostgreSQL the writes go out behind the road (``app.writebehind``) and a read waits until
    they are done, so whatever the later steps need is read here, together, once."""
    ids = sorted(job_ids)
    if not ids:
        return []
    stored_ids = [i for i in ids if i not in batch.fresh]
    current = _lock_jobs(session, stored_ids)
    members = load_members(session, stored_ids)
    members.update({i: batch.fresh[i] for i in ids if i in batch.fresh})
    stored = load_signatures(session, stored_ids)
    scopes = last_scopes(session, stored_ids)  # the rows are locked, so these are final
    batch.prior = {j: scopes.get(j) for j in stored_ids}
    batch.members = members
    inserts: list[JobRow] = []
    updates: list[Mapping[str, Any]] = []  # complete rows, and closed jobs' (id, status, version)
    rewritten: list[JobRow] = []
    ops: list[Op] = []
    reps: Wanted = {}
    for job_id in ids:
        old = current.get(job_id)
        digest = members_digest(members[job_id])
        reps[job_id] = (None, None, digest)
        if not members[job_id]:
            if old and old["status"] == "open":
                updates.append({"id": job_id, "status": "closed", "updated_at": now,
                                "version": old["version"] + 1})
                ops.append((job_id, "delete"))
            continue
        row = build_job(members[job_id], batch.solo)
        if row["status"] == "open":
            canonical = next(m for m in members[job_id] if m["id"] == row["canonical_posting_id"])
            reps[job_id] = (from_job(row, canonical["data"]), row["canonical_posting_id"], digest)
        # Sources are part of the job too: a posting joining, leaving or withdrawn changes it.
        moved = job_id in stored and stored[job_id].members != digest
        if old is None:
            inserts.append({**row, "id": job_id, "updated_at": now, "version": 1})
            if row["status"] == "open":
                ops.append((job_id, "upsert"))
        elif moved or _changed(old, row):
            full: JobRow = {**row, "id": job_id, "updated_at": now, "version": old["version"] + 1}
            updates.append(full)
            rewritten.append(full)
            if row["status"] == "open":
                ops.append((job_id, "upsert"))
            elif old["status"] == "open":
                ops.append((job_id, "delete"))
    insert_rows(session, JOBS, inserts)
    update_rows(session, JOBS, "id", updates)
    batch.rows.update((r["id"], r) for r in inserts)
    batch.rows.update((r["id"], r) for r in rewritten)
    sync_signatures(session, reps, stored, now)
    return ops


def _changed(old: Mapping[str, Any], row: Mapping[str, Any]) -> bool:
    return any(old[k] != row[k] for k in COMPARED)


def _lock_jobs(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows of these jobs (the compared columns), locked (PostgreSQL) in id order."""
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        stmt = select(*[JOBS.c[k] for k in (*COMPARED, "id", "version")]).where(
            among(session, JOBS.c.id, ids[i:i + _CHUNK])).order_by(JOBS.c.id).with_for_update()
        out.update({r["id"]: dict(r) for r in session.execute(stmt).mappings()})
    return out
