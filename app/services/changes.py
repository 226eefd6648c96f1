"""Reading the change log: pages after a position, snapshots of open jobs, pruning.

A change carries its job as of the job's latest change (the document the change log
stored, ``job_documents``), which may be newer than the change itself: replaying
changes in order always converges to the current state, and a job that is closed,
merged away, or (for a filtered reader) no longer in the reader's slice arrives as
``delete``. Below the pruning horizon the log is compacted to the latest change per
job, so a fresh reader (no cursor) still sees every open job; a reader whose cursor
fell below the horizon after it last read is refused (410) and re-syncs from a snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import orjson
from sqlalchemy import CursorResult, Row, Table, exists, or_, select, update
from sqlalchemy.orm import Session

from app.config import Settings
from app.cursor import decode_cursor, encode_cursor
from app.db import Database
from app.errors import Gone, ValidationFailed, field_error
from app.jobs.render import render_jobs
from app.jobs.rows import JobDocument as RenderedJob
from app.jobs.scope import scope_of
from app.models import Change, Counter, Job, JobDocument, utcnow
from app.normalize import region_by_code

CHANGES = cast(Table, Change.__table__)
COUNTERS = cast(Table, Counter.__table__)
JOBS = cast(Table, Job.__table__)
DOCS = cast(Table, JobDocument.__table__)
JOB_TYPES = ("full_time", "part_time", "internship", "other")
INDUSTRIES = tuple("ABCDEFGHIJKLMNOPQRST")
MAX_SCAN = 5000  # log rows a filtered page may pass over before it answers
RESYNC = ("Re-sync: page GET /api/v1/changes/snapshot (all open jobs and the change cursor to "
          "continue from), replace your copy with it, then follow /api/v1/changes from that cursor.")


@dataclass(frozen=True, slots=True)
class ChangeFilter:
    """A subscription slice: any of ``regions`` (a code matches everything inside it),
    any of ``industries``, any of ``job_types``; an empty set means "any"."""

    regions: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    job_types: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.regions or self.industries or self.job_types)

    def matches_scope(self, scope: str | None) -> bool:
        if scope is None:  # written before scopes existed: let the current job decide
            return True
        keys = set(scope.split())
        return ((not self.regions or any(f"r:{r}" in keys for r in self.regions))
                and (not self.industries or any(f"i:{i}" in keys for i in self.industries))
                and (not self.job_types or any(f"t:{t}" in keys for t in self.job_types)))

    def matches_job(self, job: Any) -> bool:
        return self.empty or self.matches_scope(scope_of(job.locations, job.industry, job.job_type))

    def as_dict(self) -> dict[str, list[str]]:
        return {"region": sorted(self.regions), "industry": sorted(self.industries),
                "job_type": sorted(self.job_types)}

    @classmethod
    def parse(cls, region: list[str] | None = None, industry: list[str] | None = None,
              job_type: list[str] | None = None, *, prefix: str = "") -> ChangeFilter:
        """Validate filter values (repeated or comma-separated); 422 naming each bad one."""
        errors: list[dict[str, Any]] = []
        regions, industries, types = set(), set(), set()
        for value in _split(region):
            found = region_by_code(value)
            if found is None:
                errors.append(field_error(f"{prefix}region", f"unknown GB/T 2260 region code {value[:20]!r}"))
            else:
                regions.add(found.code)
        for value in _split(industry):
            if value.upper() in INDUSTRIES:
                industries.add(value.upper())
            else:
                errors.append(field_error(f"{prefix}industry", f"{value[:20]!r} is not a GB/T 4754 section A–T"))
        for value in _split(job_type):
            if value in JOB_TYPES:
                types.add(value)
            else:
                errors.append(field_error(f"{prefix}job_type", f"{value[:20]!r} is not one of {', '.join(JOB_TYPES)}"))
        if errors:
            raise ValidationFailed("The subscription filter is not valid; see errors.", errors=errors)
        return cls(frozenset(regions), frozenset(industries), frozenset(types))


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or () for v in raw.split(",") if v.strip()]


@dataclass(slots=True)
class ChangePage:
    changes: list[dict[str, Any]]
    position: int  # the log position the next page starts after
    horizon: int  # the pruning horizon this page was read under (goes into the next cursor)
    more: bool = field(default=False)


def head(session: Session) -> int:
    """The newest committed change-log position."""
    return int(session.execute(select(COUNTERS.c.value).where(COUNTERS.c.name == "changes")).scalar_one())


def horizon(session: Session) -> int:
    """Positions at or below this may have been compacted away (0: nothing pruned)."""
    value = session.execute(select(COUNTERS.c.value).where(COUNTERS.c.name == "changes_pruned")).scalar()
    return int(value or 0)


def load_jobs(session: Session, ids: list[str]) -> dict[str, Row[Any]]:
    """Current job rows by id (Core rows: the change feed reads many, and fast)."""
    out: dict[str, Row[Any]] = {}
    for i in range(0, len(ids), 1000):
        out.update({r.id: r for r in session.execute(select(JOBS).where(JOBS.c.id.in_(ids[i:i + 1000])))})
    return out


def read_changes(session: Session, after: int, limit: int, flt: ChangeFilter | None = None,
                 seen_horizon: int | None = None) -> ChangePage:
    """Up to ``limit`` changes after position ``after``, in commit order.

    ``seen_horizon`` is the pruning horizon the reader's previous page was read under. A
    reader below the horizon is served only if it has been reading the compacted log since
    before that horizon was set (the horizon has not moved since); otherwise it may have
    missed a removed ``delete``, and this raises 410. ``after == 0`` is a fresh start.
    """
    flt = flt if flt and not flt.empty else None
    scan = limit if flt is None else max(limit, min(limit * 20, MAX_SCAN))
    before = horizon(session)
    columns: list[Any] = [CHANGES.c.seq, CHANGES.c.job_id, DOCS.c.status, DOCS.c.body]
    if flt is not None:  # the scopes are needed only to filter
        columns += [CHANGES.c.scope, CHANGES.c.prior, DOCS.c.scope.label("now_scope")]
    rows = session.execute(
        select(*columns).select_from(CHANGES.outerjoin(DOCS, DOCS.c.job_id == CHANGES.c.job_id))
        .where(CHANGES.c.seq > after).order_by(CHANGES.c.seq).limit(scan)).all()
    # Checked after reading, so a prune that committed meanwhile cannot go unnoticed.
    now_horizon = horizon(session)
    if 0 < after < now_horizon and seen_horizon != now_horizon:
        raise Gone("This cursor is older than the change log keeps. " + RESYNC)
    picked: list[Row[Any]] = []
    position = after
    for r in rows:
        if len(picked) == limit:
            break
        position = r.seq
        if flt is None or flt.matches_scope(r.scope) or (r.prior is not None and flt.matches_scope(r.prior)):
            picked.append(r)
    more = bool(rows) and (len(rows) == scan or position < rows[-1].seq)
    docs = _documents(session, picked, flt)
    changes = [{"seq": r.seq, "op": "upsert" if r.job_id in docs else "delete", "job_id": r.job_id,
                "job": docs.get(r.job_id)} for r in picked]
    return ChangePage(changes, position, before, more)


def _documents(session: Session, rows: list[Row[Any]], flt: ChangeFilter | None) -> dict[str, Any]:
    """The document of each open job (in ``flt``) among ``rows``, as pre-rendered JSON where
    the change log stored it, else rendered now (jobs changed before documents were kept)."""
    out: dict[str, Any] = {}
    missing = set()
    for r in rows:
        if r.body is None:
            missing.add(r.job_id)
        elif r.status == "open" and (flt is None or flt.matches_scope(r.now_scope)):
            out[r.job_id] = orjson.Fragment(r.body)
    if missing:
        jobs = load_jobs(session, sorted(missing))
        live = [j for j in jobs.values() if j.status == "open" and (flt is None or flt.matches_job(j))]
        out.update({d["id"]: d for d in render_jobs(session, [j._mapping for j in live])})
    return out


def snapshot_page(session: Session, after_id: str, limit: int,
                  flt: ChangeFilter | None = None) -> tuple[list[RenderedJob], str, bool]:
    """Open jobs with ids after ``after_id`` that match ``flt``: (documents, last id passed, more)."""
    flt = flt if flt and not flt.empty else None
    scan = limit if flt is None else max(limit, min(limit * 20, MAX_SCAN))
    rows = session.execute(select(JOBS).where(JOBS.c.status == "open", JOBS.c.id > after_id)
                           .order_by(JOBS.c.id).limit(scan)).all()
    picked: list[Row[Any]] = []
    last = after_id
    for r in rows:
        if len(picked) == limit:
            break
        last = r.id
        if flt is None or flt.matches_job(r):
            picked.append(r)
    more = bool(rows) and bool(len(rows) == scan or last < rows[-1].id)
    return render_jobs(session, [r._mapping for r in picked]), last, more


def prune_changes(db: Database, retention: timedelta, now: datetime, chunk: int = 5000) -> int:
    """Compact the log older than ``retention`` to the latest upsert per job and raise the
    horizon; returns how many rows went. Idempotent; safe beside writers and readers."""
    cutoff, removed = now - retention, 0
    while True:
        with db.write() as session:
            low = int(session.execute(select(COUNTERS.c.value).where(COUNTERS.c.name == "changes_pruned")
                                      .with_for_update()).scalar_one())
            rows = session.execute(select(CHANGES.c.seq, CHANGES.c.created_at).where(CHANGES.c.seq > low)
                                   .order_by(CHANGES.c.seq).limit(chunk)).all()
            end, reached = low, False
            for r in rows:
                if r.created_at >= cutoff:
                    reached = True
                    break
                end = r.seq
            if end == low:
                return removed
            later = CHANGES.alias("later")
            result = cast(CursorResult[Any], session.execute(CHANGES.delete().where(
                CHANGES.c.seq > low, CHANGES.c.seq <= end,
                or_(CHANGES.c.op == "delete",
                    exists().where(later.c.job_id == CHANGES.c.job_id, later.c.seq > CHANGES.c.seq)))))
            removed += result.rowcount or 0
            session.execute(update(COUNTERS).where(COUNTERS.c.name == "changes_pruned").values(value=end))
        if reached or len(rows) < chunk:
            return removed


def prune_expired(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """``prune_changes`` with ``HUB_CHANGES_RETENTION_DAYS`` (0 keeps everything); for the sweeper."""
    if settings.changes_retention_days <= 0:
        return 0
    return prune_changes(db, timedelta(days=settings.changes_retention_days), now or utcnow())


def change_cursor(position: int, seen_horizon: int, secret: str) -> str:
    """The opaque, signed cursor for a change-log position (and the horizon it was read under)."""
    return encode_cursor({"k": "changes", "s": position, "h": seen_horizon}, secret)


def change_position(cursor: str | None, secret: str, *, param: str = "cursor") -> tuple[int, int | None]:
    """``(position, horizon)`` from a change cursor; ``(0, None)`` without one; 422 naming ``param``."""
    if not cursor:
        return 0, None
    value = decode_cursor(cursor, secret, param=param)
    if not (isinstance(value, dict) and value.get("k") == "changes" and isinstance(value.get("s"), int)
            and isinstance(value.get("h"), int) and value["s"] >= 0):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error(param, "not a change cursor")])
    return int(value["s"]), int(value["h"])
