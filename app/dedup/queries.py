"""Dedup's SQL: one statement per step per batch, whatever the batch size (chunked IN lists).

Nothing is cached in the process: candidates come from the ``job_blocks`` index on
every batch, so memory stays bounded however many jobs the hub holds. Where the databases
differ (locks, block lookups and filing, new employers), ``dialect(session)`` gives the
statements of ``app.dedup.sqlite`` or ``app.dedup.pg``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Executable, Row, Table, func, select
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.db import among, is_sqlite
from app.models import Job, JobSignature, PostingMatch, PostingOverride

from .pg import PostgresDedup
from .rows import BlockRow, MatchRow
from .signature import DESC_RAW_CHARS, MAX_PER_BLOCK, Signature, blocks, from_stored, stored_fields
from .sqlite import SqliteDedup

__all__ = ["MAX_PER_BLOCK", "BlockRow", "MatchRow", "Wanted", "chunks", "dialect", "fetch_candidates", "fetch_descriptions", "load_overrides",
           "load_signatures", "lock_blocks", "sync_signatures", "write_matches"]

SIGS = cast(Table, JobSignature.__table__)
JOBS = cast(Table, Job.__table__)
MATCHES = cast(Table, PostingMatch.__table__)
OVERRIDES = cast(Table, PostingOverride.__table__)
CHUNK = 1000


class DedupSql(Protocol):
    """Dedup's statements where SQLite and PostgreSQL differ."""

    def lock(self, keys: Iterable[int]) -> None: ...
    def lookup(self, blocks: list[int]) -> Executable: ...
    def drop(self, job_ids: list[str]) -> None: ...
    def file(self, rows: Sequence[BlockRow]) -> None: ...
    def new_employers(self, rows: Sequence[dict[str, Any]]) -> list[str]: ...


def dialect(session: Session) -> DedupSql:
    return SqliteDedup(session) if is_sqlite(session) else PostgresDedup(session)


def chunks(seq: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def lock_blocks(session: Session, keys: Iterable[int]) -> None:
    """Serialise concurrent writers that could open the same job (PostgreSQL's advisory locks;
    SQLite writers are serialised already)."""
    dialect(session).lock(keys)


def fetch_candidates(session: Session, hashes: Iterable[int]) -> tuple[dict[int, list[str]], dict[str, Signature]]:
    """Open jobs filed under any of ``hashes``: block → job ids, and each job's representative
    (without its description: ``fetch_descriptions`` reads those for the few pairs that need them)."""
    by_block: dict[int, list[str]] = {}
    reps: dict[str, Signature] = {}
    wanted = sorted(set(hashes))
    # Two single-table lookups by key, not a join: a join's plan depends on table statistics,
    # and on a young or never-analysed table the planner may scan every signature per batch.
    db = dialect(session)
    for chunk in chunks(wanted):
        for block, job_id in session.execute(db.lookup(chunk)):
            by_block.setdefault(block, []).append(job_id)
    for block, js in by_block.items():
        if len(js) > MAX_PER_BLOCK:
            by_block[block] = sorted(js, reverse=True)[:MAX_PER_BLOCK]
    ids = sorted({j for js in by_block.values() for j in js})
    for chunk in chunks(ids):
        for row in session.execute(select(SIGS).where(among(session, SIGS.c.job_id, chunk),
                                                      SIGS.c.status == "open")):
            reps[row.job_id] = from_stored(row, None)
    for block, js in by_block.items():  # a job another writer closed between the two reads
        by_block[block] = [j for j in js if j in reps]
    return by_block, reps


def fetch_descriptions(session: Session, job_ids: Iterable[str]) -> dict[str, str | None]:
    """The first characters of these jobs' descriptions (enough to compare)."""
    out: dict[str, str | None] = {}
    for chunk in chunks(sorted(set(job_ids))):
        out.update(dict(session.execute(
            select(JOBS.c.id, func.substr(JOBS.c.description, 1, DESC_RAW_CHARS)).where(among(session, JOBS.c.id, chunk)))
            .all()))
    return out


def load_overrides(session: Session, posting_ids: list[str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """Admin decisions for these postings: pins (posting → job) and forbids (posting → jobs)."""
    pins: dict[str, str] = {}
    forbids: dict[str, set[str]] = {}
    for chunk in chunks(sorted(posting_ids)):
        rows = session.execute(select(OVERRIDES.c.posting_id, OVERRIDES.c.job_id, OVERRIDES.c.kind)
                               .where(among(session, OVERRIDES.c.posting_id, chunk)))
        for pid, job_id, kind in rows:
            if kind == "pin":
                pins[pid] = job_id
            else:
                forbids.setdefault(pid, set()).add(job_id)
    return pins, forbids


def write_matches(session: Session, rows: list[MatchRow], *, new: bool) -> None:
    """Store explain records; ``new`` postings cannot have one yet (plain insert, the fast path)."""
    if not rows:
        return
    if new:
        insert_rows(session, MATCHES, rows)
        return
    insert_rows(session, MATCHES, sorted(rows, key=lambda r: r["posting_id"]), conflict=["posting_id"],
                update=("job_id", "decision", "score", "compared_job_id", "features", "candidates", "decided_at"))


def load_signatures(session: Session, job_ids: list[str]) -> dict[str, Row[Any]]:
    """The stored representative rows (``job_signatures``) of these jobs (to diff against)."""
    out: dict[str, Row[Any]] = {}
    for chunk in chunks(sorted(job_ids)):
        out.update({r.job_id: r for r in session.execute(select(SIGS).where(among(session, SIGS.c.job_id, chunk)))})
    return out


Wanted = dict[str, tuple[Signature | None, str | None, str]]


def sync_signatures(session: Session, wanted: Wanted, stored: Mapping[str, Row[Any]], now: datetime) -> None:
    """Make ``job_signatures`` and ``job_blocks`` agree with the jobs just recomputed.

    ``wanted`` maps job id → (representative, canonical posting id, members digest); the
    representative is None for a closed job, which keeps its row (for explain and for the
    members digest) but leaves every block."""
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    drop_blocks: list[str] = []
    add_blocks: list[BlockRow] = []
    for job_id in sorted(wanted):
        sig, posting_id, digest = wanted[job_id]
        old = stored.get(job_id)
        if sig is None:
            if old is not None and (old.status != "closed" or old.blocks or old.members != digest):
                updates.append({"job_id": job_id, "status": "closed", "blocks": [], "members": digest,
                                "updated_at": now})
                if old.blocks:
                    drop_blocks.append(job_id)
            continue
        fields = stored_fields(sig)
        new_blocks = list(blocks(sig))
        row = {**fields, "job_id": job_id, "posting_id": posting_id, "status": "open", "blocks": new_blocks,
               "members": digest, "updated_at": now}
        if old is None:
            inserts.append(row)
            add_blocks.extend({"block": b, "job_id": job_id} for b in new_blocks)
            continue
        if old.status == "open" and old.posting_id == posting_id and list(old.blocks) == new_blocks \
                and old.members == digest and all(_same(getattr(old, k), v) for k, v in fields.items()):
            continue
        updates.append(row)
        if old.status != "open" or list(old.blocks) != new_blocks:
            if old.blocks:
                drop_blocks.append(job_id)
            add_blocks.extend({"block": b, "job_id": job_id} for b in new_blocks)
    insert_rows(session, SIGS, inserts)
    update_rows(session, SIGS, "job_id", updates)
    db = dialect(session)
    for chunk in chunks(drop_blocks):
        db.drop(chunk)
    if add_blocks:
        add_blocks.sort(key=lambda r: (r["block"], r["job_id"]))
        db.file(add_blocks)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return [list(x) if isinstance(x, (list, tuple)) else x for x in (a or [])] == \
               [list(x) if isinstance(x, (list, tuple)) else x for x in (b or [])]
    return bool(a == b)

