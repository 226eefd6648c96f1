"""Dedup's SQL: one statement per step per batch, whatever the batch size (chunked IN lists).

Nothing is cached in the process: candidates come from the ``job_blocks`` index on
every batch, so memory stays bounded however many jobs the hub holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.db import among, is_sqlite
from app.models import Job, JobBlock, JobBlockNew, JobSignature, PostingMatch, PostingOverride

from .signature import DESC_RAW_CHARS, Signature, blocks, from_stored, stored_fields

SIGS = cast(Table, JobSignature.__table__)
BLOCKS = cast(Table, JobBlock.__table__)
NEW_BLOCKS = cast(Table, JobBlockNew.__table__)
JOBS = cast(Table, Job.__table__)
MATCHES = cast(Table, PostingMatch.__table__)
OVERRIDES = cast(Table, PostingOverride.__table__)
CHUNK = 1000
LOCK_CLASS = 24366  # advisory lock namespace (two-int form) for dedup buckets
LOCK_BUCKETS = 128  # bounded: PostgreSQL's shared lock table is small
# A newcomer is compared with at most this many jobs per block, the newest (ids are time
# ordered). Blocks are keyed employer × city × title stem, so only an employer with hundreds of
# open jobs under one title in one city (a chain's 销售代表 at every pay grade) reaches it; without
# the cap, that employer's every posting would be compared with all of them.
MAX_PER_BLOCK = 200
# SQLite: new block rows wait in job_blocks_new; the API processes merge them once this many wait
# (``merge_new_blocks``), and a writer does it itself past the backstop (a process without that loop).
MERGE_AT = 16_000
MERGE_BACKSTOP = 64_000


def chunks(seq: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def lock_blocks(session: Session, keys: Iterable[int]) -> None:
    """Serialise concurrent writers that could open the same job (PostgreSQL; SQLite writers are
    serialised already). Keys fold into a few buckets, taken in sorted order: no deadlocks, and
    at most ``LOCK_BUCKETS`` locks however large the batch."""
    if is_sqlite(session):
        return
    buckets = sorted({k % LOCK_BUCKETS for k in keys})
    if buckets:
        session.execute(text(
            "SELECT pg_advisory_xact_lock(:cls, b) FROM "
            "(SELECT unnest(CAST(:buckets AS integer[])) AS b ORDER BY 1) AS s"),
            {"cls": LOCK_CLASS, "buckets": buckets})


# One index probe per key, at most MAX_PER_BLOCK jobs each, whatever the statistics say. With
# ``block = ANY(:keys)`` the planner read every block row once per batch as soon as a few
# popular blocks (a common title in a big city) made it think most rows match: 290,000 rows
# per batch at 100,000 jobs, growing with the store.
_PG_BLOCK_LOOKUP = text(
    "SELECT k.block, b.job_id FROM unnest(CAST(:keys AS bigint[])) AS k(block) "
    "CROSS JOIN LATERAL (SELECT job_id FROM job_blocks WHERE block = k.block ORDER BY job_id DESC "
    f"LIMIT {MAX_PER_BLOCK}) AS b")


def fetch_candidates(session: Session, hashes: Iterable[int]) -> tuple[dict[int, list[str]], dict[str, Signature]]:
    """Open jobs filed under any of ``hashes``: block → job ids, and each job's representative
    (without its description: ``fetch_descriptions`` reads those for the few pairs that need them)."""
    by_block: dict[int, list[str]] = {}
    reps: dict[str, Signature] = {}
    wanted = sorted(set(hashes))
    # Two single-table lookups by key, not a join: a join's plan depends on table statistics,
    # and on a young or never-analysed table the planner may scan every signature per batch.
    sqlite = is_sqlite(session)
    for chunk in chunks(wanted):
        if sqlite:  # the merged index, and the rows filed since the last merge (a short scan)
            stmt: Any = select(BLOCKS.c.block, BLOCKS.c.job_id).where(among(session, BLOCKS.c.block, chunk)) \
                .union_all(select(NEW_BLOCKS.c.block, NEW_BLOCKS.c.job_id)
                           .where(among(session, NEW_BLOCKS.c.block, chunk)))
        else:
            stmt = _PG_BLOCK_LOOKUP.bindparams(keys=chunk)
        for block, job_id in session.execute(stmt):
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
        out.update(dict(session.execute(  # type: ignore[arg-type]
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


def write_matches(session: Session, rows: list[dict[str, Any]], *, new: bool) -> None:
    """Store explain records; ``new`` postings cannot have one yet (plain insert, the fast path)."""
    if not rows:
        return
    if new:
        insert_rows(session, MATCHES, rows)
        return
    insert_rows(session, MATCHES, sorted(rows, key=lambda r: r["posting_id"]), conflict=["posting_id"],
                update=("job_id", "decision", "score", "compared_job_id", "features", "candidates", "decided_at"))


def load_signatures(session: Session, job_ids: list[str]) -> dict[str, Any]:
    """The stored representative rows of these jobs (to diff against)."""
    out: dict[str, Any] = {}
    for chunk in chunks(sorted(job_ids)):
        out.update({r.job_id: r for r in session.execute(select(SIGS).where(among(session, SIGS.c.job_id, chunk)))})
    return out


Wanted = dict[str, tuple[Signature | None, str | None, str]]


def sync_signatures(session: Session, wanted: Wanted, stored: dict[str, Any], now: datetime) -> None:
    """Make ``job_signatures`` and ``job_blocks`` agree with the jobs just recomputed.

    ``wanted`` maps job id → (representative, canonical posting id, members digest); the
    representative is None for a closed job, which keeps its row (for explain and for the
    members digest) but leaves every block."""
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    drop_blocks: list[str] = []
    add_blocks: list[dict[str, Any]] = []
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
    sqlite = is_sqlite(session)
    for chunk in chunks(drop_blocks):
        if sqlite:
            session.execute(delete(NEW_BLOCKS).where(among(session, NEW_BLOCKS.c.job_id, chunk)))
        session.execute(delete(BLOCKS).where(among(session, BLOCKS.c.job_id, chunk)))
    if add_blocks:
        add_blocks.sort(key=lambda r: (r["block"], r["job_id"]))
        insert_rows(session, NEW_BLOCKS if sqlite else BLOCKS, add_blocks)
        if sqlite and waiting_blocks(session) > MERGE_BACKSTOP:
            merge_new_blocks(session)


def waiting_blocks(session: Session) -> int:
    """About how many block rows wait in job_blocks_new (ids are never reused: an upper bound)."""
    # Two scalar subqueries: SQLite answers a lone min() or max() of the key from one end of the
    # b-tree, but ``SELECT min(id), max(id)`` scans every row (5-7 ms per batch at 16,000 waiting).
    low = select(func.min(NEW_BLOCKS.c.id)).scalar_subquery()
    high = select(func.max(NEW_BLOCKS.c.id)).scalar_subquery()
    low, high = session.execute(select(low, high)).one()
    return 0 if low is None else int(high - low + 1)


def merge_new_blocks(session: Session, at_least: int = 0) -> int:
    """Move the waiting block rows into ``job_blocks``, sorted, so each of its pages is written once
    (SQLite; in a write transaction). Does nothing while fewer than ``at_least`` wait; returns
    how many moved."""
    if not is_sqlite(session) or waiting_blocks(session) < max(at_least, 1):
        return 0
    session.execute(text("INSERT OR IGNORE INTO job_blocks (block, job_id) "
                         "SELECT block, job_id FROM job_blocks_new ORDER BY block, job_id"))
    return int(session.execute(delete(NEW_BLOCKS)).rowcount)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return [list(x) if isinstance(x, (list, tuple)) else x for x in (a or [])] == \
               [list(x) if isinstance(x, (list, tuple)) else x for x in (b or [])]
    return bool(a == b)

