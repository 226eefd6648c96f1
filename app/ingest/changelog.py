"""Append to the change log, numbered in commit order.

The writer takes the ``changes`` counter row as its very last step. The row lock is
held until commit, so a later writer gets higher numbers only after this one has
committed: a reader paging by ``seq`` can never skip a row that commits late.
(PostgreSQL releases a transaction's locks only after it is visible to new snapshots,
so any snapshot that sees seq N also sees every seq below N. SQLite runs one writer
at a time.) Everything else, reading the jobs' subscription keys included, happens
before the counter is taken, so the lock is held for one statement (PostgreSQL: the
counter and the rows together, sent behind the road and waited for only at commit) or
two (SQLite).

Each row also records the job's subscription ``scope`` (its regions with their
ancestors, industry and job type) and its ``prior`` scope, from the job's previous
change, so a filtered reader can tell that a job left its slice. And the job's document
is rendered once, here, into ``job_documents``: the feed sends it without rendering again.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.db import among
from app.jobs.batch import Batch
from app.jobs.render import JobLike, render_jobs
from app.jobs.scope import scope_of
from app.jsonutil import dumps
from app.models import Change, Job, JobDocument

from .dialect import dialect
from .rows import ChangeRow

CHANGES = cast(Table, Change.__table__)
JOBS = cast(Table, Job.__table__)
DOCS = cast(Table, JobDocument.__table__)
_CHUNK = 500


def _store_documents(session: Session, ids: list[str], now: datetime, batch: Batch) -> dict[str, str]:
    """Render the jobs' documents into ``job_documents``; returns each job's scope. Job rows
    the road just wrote, and fresh jobs' members, come from ``batch``."""
    scopes: dict[str, str] = {}
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        jobs: list[JobLike] = [batch.rows[j] for j in chunk if j in batch.rows]
        rest = [j for j in chunk if j not in batch.rows]
        if rest:
            jobs += session.execute(select(JOBS).where(among(session, JOBS.c.id, rest))).mappings().all()
        jobs.sort(key=lambda job: str(job["id"]))
        rows = []
        for job, doc in zip(jobs, render_jobs(session, jobs, batch), strict=True):
            job_id = job["id"]
            scopes[job_id] = scope_of(job["locations"], job["industry"], job["job_type"])
            rows.append({"job_id": job_id, "version": job["version"], "status": job["status"],
                         "scope": scopes[job_id], "body": dumps(doc), "updated_at": now})
        insert_rows(session, DOCS, rows, conflict=["job_id"],
                    update=("version", "status", "scope", "body", "updated_at"))
    return scopes


def last_scopes(session: Session, ids: list[str]) -> dict[str, str | None]:
    """Each job's scope as its latest change left it: the scope its document was stored with,
    which every change writes together with the change (call with the job rows locked: it is
    final). One primary-key probe per job, a plan that cannot go stale, which also knows a
    closed job whose changes pruning compacted away (history: bench/RESULTS.md)."""
    out: dict[str, str | None] = {}
    for i in range(0, len(ids), _CHUNK):
        rows = session.execute(select(DOCS.c.job_id, DOCS.c.scope)
                               .where(among(session, DOCS.c.job_id, ids[i:i + _CHUNK])))
        out.update({r.job_id: r.scope for r in rows})
    return out


def append_changes(session: Session, ops: list[tuple[str, str]], now: datetime, batch: Batch) -> None:
    """Append ``(job_id, op)`` rows; call as the transaction's last write, with ``batch`` as
    ``refresh_jobs`` left it (its members and its prior scopes of stored jobs)."""
    if not ops:
        return
    ids = sorted({job_id for job_id, _ in ops})
    scopes = _store_documents(session, ids, now, batch)
    prior = {j: batch.prior.get(j) for j in ids if j not in batch.fresh}  # fresh: no change yet
    rows: list[ChangeRow] = []
    for job_id, op in ops:
        scope = scopes.get(job_id, " ")
        rows.append({"job_id": job_id, "op": op, "created_at": now, "scope": scope, "prior": prior.get(job_id)})
        prior[job_id] = scope
    dialect(session).append(rows)
