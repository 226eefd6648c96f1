"""Admin decisions about dedup that re-run the road: split a posting off, merge two jobs.

Split and merge write ``posting_overrides`` (pins and forbids) that the assigner obeys
on every later update, move postings, then end on the road's last steps (``finish``):
jobs recomputed, indexed, change log, where a merged-away job appears as ``delete``.
Why a posting is in its job (explain) is dedup's own: ``app.dedup.explain``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.dedup.explain import posting_row
from app.dedup.queries import lock_blocks, write_matches
from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Job, JobMerge, JobSignature, Posting, PostingOverride, new_id

from .pipeline import finish

POSTINGS = cast(Table, Posting.__table__)
OVERRIDES = cast(Table, PostingOverride.__table__)
MERGES = cast(Table, JobMerge.__table__)
SIGS = cast(Table, JobSignature.__table__)
JOBS = cast(Table, Job.__table__)


def split(session: Session, posting_id: str, now: datetime) -> dict[str, Any]:
    """Give ``posting_id`` a job of its own and keep it there (pin); it is forbidden its old job,
    and the old job's other postings are forbidden its new one."""
    posting = posting_row(session, posting_id)
    old = posting["job_id"]
    _lock_jobs(session, [old] if old else [])
    members = session.execute(select(POSTINGS.c.id).where(POSTINGS.c.job_id == old)).scalars().all() if old else []
    if old and list(members) == [posting_id]:
        _pin(session, [posting_id], old, now)
        return {"posting_id": posting_id, "job_id": old, "previous_job_id": old, "moved": False}
    job_id = new_id()
    session.execute(update(POSTINGS).where(POSTINGS.c.id == posting_id).values(job_id=job_id))
    _pin(session, [posting_id], job_id, now)
    if old:  # apart both ways: it never rejoins them, they never follow it
        _forbid(session, [(posting_id, old), *((m, job_id) for m in members if m != posting_id)], now)
    _record(session, [posting_id], job_id, "split", now)
    finish(session, {job_id, *([old] if old else [])}, now)
    return {"posting_id": posting_id, "job_id": job_id, "previous_job_id": old, "moved": True}


def merge(session: Session, job_id: str, into: str, now: datetime) -> dict[str, Any]:
    """Move every posting of ``job_id`` into ``into`` for good; ``job_id`` closes (a ``delete`` change)."""
    if job_id == into:
        raise ValidationFailed("A job cannot be merged into itself.",
                               errors=[field_error("into", "must differ from the job being merged")])
    found = set(session.execute(select(JOBS.c.id).where(JOBS.c.id.in_([job_id, into]))).scalars())
    for jid, where in ((job_id, "job_id"), (into, "into")):
        if jid not in found:
            raise NotFound(f"no job {jid!r}") if where == "job_id" else ValidationFailed(
                "The target job does not exist.", errors=[field_error("into", f"no job {jid!r}")])
    merged = dict(session.execute(select(MERGES.c.job_id, MERGES.c.into_job_id)
                                  .where(MERGES.c.job_id.in_([job_id, into]))).all())
    if job_id in merged:
        raise Conflict(f"job {job_id!r} was already merged into {merged[job_id]!r}")
    if into in merged:
        raise Conflict(f"job {into!r} was merged into {merged[into]!r}; merge into that one")
    _lock_jobs(session, [job_id, into])
    moved = list(session.execute(select(POSTINGS.c.id).where(POSTINGS.c.job_id == job_id)
                                 .order_by(POSTINGS.c.id)).scalars())
    if moved:
        session.execute(update(POSTINGS).where(POSTINGS.c.job_id == job_id).values(job_id=into))
    # Pins and forbids that named the merged job now name the survivor.
    repinned = list(session.execute(select(OVERRIDES.c.posting_id).where(
        OVERRIDES.c.job_id == job_id, OVERRIDES.c.kind == "pin")).scalars())
    forbidden = list(session.execute(select(OVERRIDES.c.posting_id).where(
        OVERRIDES.c.job_id == job_id, OVERRIDES.c.kind == "forbid")).scalars())
    session.execute(delete(OVERRIDES).where(OVERRIDES.c.job_id == job_id))
    _pin(session, sorted(set(moved) | set(repinned)), into, now)
    _forbid(session, [(p, into) for p in forbidden if p not in set(moved) | set(repinned)], now)
    session.execute(update(MERGES).where(MERGES.c.into_job_id == job_id).values(into_job_id=into))
    session.execute(MERGES.insert().values(job_id=job_id, into_job_id=into, created_at=now))
    _record(session, moved, into, "merged", now)
    finish(session, {job_id, into}, now)
    return {"job_id": into, "merged_job_id": job_id, "moved_postings": len(moved)}


def _lock_jobs(session: Session, job_ids: list[str]) -> None:
    """Take the jobs' dedup block locks (as ingestion does), then their rows, in sorted order."""
    if not job_ids:
        return
    hashes = [h for blocks in session.execute(select(SIGS.c.blocks).where(SIGS.c.job_id.in_(job_ids))).scalars()
              for h in blocks or []]
    lock_blocks(session, hashes)
    session.execute(select(JOBS.c.id).where(JOBS.c.id.in_(sorted(job_ids))).order_by(JOBS.c.id).with_for_update())


def _pin(session: Session, posting_ids: list[str], job_id: str, now: datetime) -> None:
    """``posting_ids`` belong to ``job_id`` from now on (one pin per posting; no forbid of that job)."""
    if not posting_ids:
        return
    session.execute(delete(OVERRIDES).where(OVERRIDES.c.posting_id.in_(posting_ids),
                                            (OVERRIDES.c.kind == "pin") | (OVERRIDES.c.job_id == job_id)))
    session.execute(OVERRIDES.insert(), [{"posting_id": p, "job_id": job_id, "kind": "pin", "created_at": now}
                                         for p in sorted(posting_ids)])


def _forbid(session: Session, pairs: list[tuple[str, str]], now: datetime) -> None:
    if not pairs:
        return
    stmt = dialect_insert(session, OVERRIDES).on_conflict_do_nothing(index_elements=["posting_id", "job_id"])
    session.execute(stmt, [{"posting_id": p, "job_id": j, "kind": "forbid", "created_at": now}
                           for p, j in sorted(set(pairs))])


def _record(session: Session, posting_ids: list[str], job_id: str, decision: str, now: datetime) -> None:
    write_matches(session, [{"posting_id": p, "job_id": job_id, "decision": decision, "score": None,
                             "compared_job_id": None, "features": {}, "candidates": 0, "decided_at": now}
                            for p in posting_ids], new=False)
