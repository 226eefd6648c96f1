"""The database side of a sync run: leases, run records, batches, snapshot misses, health.

Every function is synchronous and opens its own ``db.write()`` transaction (the async
runner calls them in worker threads). Crash safety comes from their order: a run record
is committed first (``running``), postings go in as idempotent batches that also renew
the lease, and the end (withdrawals, run status, health, lease release) is one
transaction — so a run killed at any point leaves a ``running`` record that the next
claim turns into ``abandoned``, some committed batches, and no withdrawals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import Database, dialect_insert
from app.errors import NotFound
from app.ingest.pipeline import Outcome, PartnerRef, store_batch, withdraw
from app.ingest.prepare import NormalPosting
from app.models import Partner, Posting, Source, SourceItem, SyncRun

from .breaker import CircuitBreaker
from .mapping import FieldMapping

ITEMS = SourceItem.__table__
MAX_REJECTIONS = 50
LAG_WEIGHT = 0.2  # weight of the newest run in ``avg_lag_seconds``
NOT_THE_SOURCE = frozenset({"cancelled", "lease_lost"})  # run endings that say nothing of the feed


class SourceBusy(Exception):
    """Another worker holds the source's lease (a run is in progress)."""


class RunExists(Exception):
    """A run for this (source, scheduled_for) slot is already recorded."""


class LeaseLost(Exception):
    """The lease passed to another worker while this run was going: stop, commit nothing."""

    error_class = "lease_lost"


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What a run needs to know about its source, read once at the start."""

    id: str
    partner: PartnerRef
    region_code: str | None
    url: str
    format: str
    mapping: FieldMapping | None
    snapshot: bool
    withdraw_after_misses: int
    interval_seconds: int
    etag: str | None
    last_modified: str | None
    breaker: CircuitBreaker
    last_complete_count: int | None


@dataclass(slots=True)
class Tally:
    """A run's counts so far."""

    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0
    pages: int = 0
    bytes: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, index: int, external_id: str | None, reason: str) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS:
            self.rejections.append({"index": index, "external_id": external_id, "reason": reason[:300]})

    def counts(self) -> dict[str, int]:
        return {"seen": self.seen, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "withdrawn": self.withdrawn, "rejected": self.rejected}

    def columns(self) -> dict[str, Any]:
        return {**self.counts(), "pages": self.pages, "bytes": self.bytes, "rejections": list(self.rejections)}


@dataclass(slots=True)
class Ending:
    """How a run ended, as the runner saw it (``finish_run`` writes it)."""

    status: str  # succeeded | not_modified | partial | failed | skipped
    complete: bool = False  # every page fetched and parsed: snapshot misses may count
    error_class: str | None = None
    error: str | None = None
    flags: list[str] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None


def load_spec(db: Database, source_id: str) -> SourceSpec:
    with db.read() as s:
        row = s.execute(select(Source, Partner.kind, Partner.region_code, Partner.name).join(
            Partner, Partner.id == Source.partner_id).where(Source.id == source_id)).first()
        if row is None:
            raise NotFound(f"no source {source_id!r}")
        src: Source = row[0]
        return SourceSpec(
            id=src.id, partner=PartnerRef(src.partner_id, row.kind, row.name), region_code=row.region_code,
            url=src.url, format=src.format,
            mapping=FieldMapping.model_validate(src.mapping) if src.mapping else None,
            snapshot=src.snapshot, withdraw_after_misses=src.withdraw_after_misses,
            interval_seconds=src.interval_seconds, etag=src.etag, last_modified=src.last_modified,
            breaker=CircuitBreaker.from_dict(src.breaker or {}), last_complete_count=src.last_complete_count)


def due_sources(db: Database, now: datetime, limit: int) -> list[str]:
    """Ids of enabled sources that are due and not leased, most overdue first."""
    with db.read() as s:
        return list(s.scalars(select(Source.id).where(
            Source.enabled.is_(True), Source.next_run_at <= now,
            or_(Source.lease_until.is_(None), Source.lease_until < now),
        ).order_by(Source.next_run_at).limit(limit)))


def claim(db: Database, source_id: str, owner: str, *, now: datetime, lease_s: float,
          due_only: bool) -> datetime | None:
    """Take the source's lease for ``owner``; returns the slot being run (the source's
    ``next_run_at`` before the claim), or None when it is leased (or, with ``due_only``,
    not due). Running records left by a dead worker become ``abandoned`` here.

    While leased, ``next_run_at`` is moved to the lease's end, so a worker that dies
    mid-run is retried once the lease expires, under a new slot."""
    with db.write() as s:
        # SQLite has no row locks (SQLAlchemy leaves the clause out): BEGIN IMMEDIATE serialises.
        row = s.execute(select(Source.next_run_at, Source.lease_until, Source.enabled)
                        .where(Source.id == source_id).with_for_update(skip_locked=True)).first()
        if row is None:
            if s.scalar(select(Source.id).where(Source.id == source_id)) is None:
                raise NotFound(f"no source {source_id!r}")
            return None  # locked by a concurrent claim
        if row.lease_until is not None and row.lease_until >= now:
            return None
        if due_only and (not row.enabled or row.next_run_at > now):
            return None
        until = now + timedelta(seconds=lease_s)
        s.execute(update(Source).where(Source.id == source_id).values(
            lease_owner=owner, lease_until=until, next_run_at=until))
        s.execute(update(SyncRun).where(SyncRun.source_id == source_id, SyncRun.status == "running").values(
            status="abandoned", finished_at=now, error_class="abandoned",
            error="the worker stopped before the run finished; nothing was withdrawn"))
        return row.next_run_at


def release(db: Database, source_id: str, owner: str) -> None:
    """Give the lease back without recording anything (e.g. the slot was already run)."""
    with db.write() as s:
        s.execute(update(Source).where(Source.id == source_id, Source.lease_owner == owner).values(
            lease_owner=None, lease_until=None))


def start_run(db: Database, source_id: str, scheduled_for: datetime, trigger: str, owner: str,
              now: datetime) -> str:
    """Record the run as ``running``; ``RunExists`` if its slot was already run."""
    run = SyncRun(source_id=source_id, scheduled_for=scheduled_for, trigger=trigger, worker=owner,
                  started_at=now, status="running", seen=0, created=0, updated=0, unchanged=0,
                  withdrawn=0, rejected=0, pages=0, bytes=0, rejections=[], flags=[])
    try:
        with db.write() as s:
            s.add(run)
    except IntegrityError:
        raise RunExists(f"source {source_id} already has a run for {scheduled_for.isoformat()}") from None
    return run.id


def _renew(s: Session, source_id: str, owner: str, now: datetime, lease_s: float) -> None:
    until = now + timedelta(seconds=lease_s)
    result = s.execute(update(Source).where(Source.id == source_id, Source.lease_owner == owner).values(
        lease_until=until, next_run_at=until))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost(f"source {source_id}: the lease is no longer {owner}'s")


def store_postings(db: Database, spec: SourceSpec, run_id: str, owner: str, lease_s: float,
                   postings: list[NormalPosting], rejections: list[tuple[int, str | None, str]],
                   touched: list[str], tally: Tally, now: datetime) -> list[Outcome]:
    """One batch down the road in, in one transaction that also renews the lease, marks
    the postings (and ``touched``: rejected items' ids) as seen by this run, and saves
    the run's counts (``rejections`` are items refused before storing: index, id, reason).
    ``tally`` is updated only once the transaction has committed."""
    with db.write() as s:
        _renew(s, spec.id, owner, now, lease_s)
        outcomes = store_batch(s, spec.partner, list(postings), now) if postings else []
        stored = sorted({o.external_id for o in outcomes if o.status != "rejected" and o.external_id})
        if stored:
            insert = dialect_insert(s, ITEMS)
            s.execute(insert.on_conflict_do_update(
                index_elements=["source_id", "external_id"],
                set_={"last_run_id": insert.excluded.last_run_id, "missed_runs": 0,
                      "last_seen_at": insert.excluded.last_seen_at}),
                [{"source_id": spec.id, "external_id": e, "last_run_id": run_id, "missed_runs": 0,
                  "last_seen_at": now} for e in stored])
        for chunk in _chunks(sorted(set(touched))):  # known postings malformed this time are not "missing"
            s.execute(update(SourceItem).where(SourceItem.source_id == spec.id,
                                               SourceItem.external_id.in_(chunk))
                      .values(last_run_id=run_id, missed_runs=0, last_seen_at=now))
        after = _plus(tally, outcomes, rejections)
        s.execute(update(SyncRun).where(SyncRun.id == run_id, SyncRun.status == "running").values(**after.columns()))
    _copy(after, tally)
    return outcomes


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def save_progress(db: Database, spec: SourceSpec, run_id: str, owner: str, lease_s: float,
                  tally: Tally, now: datetime) -> None:
    """Renew the lease and save the counts (between pages, or after a batch of rejections)."""
    with db.write() as s:
        _renew(s, spec.id, owner, now, lease_s)
        s.execute(update(SyncRun).where(SyncRun.id == run_id).values(**tally.columns()))


def _plus(tally: Tally, outcomes: Iterable[Outcome], rejections: Iterable[tuple[int, str | None, str]]) -> Tally:
    after = Tally(**{k: getattr(tally, k) for k in Tally.__slots__})
    after.rejections = list(tally.rejections)
    for index, external_id, reason in rejections:
        after.reject(index, external_id, reason)
    for o in outcomes:
        if o.status == "rejected":  # not expected: postings arrive prepared
            after.reject(-1, o.external_id, "; ".join(str(e.get("message")) for e in o.errors))
        else:
            setattr(after, o.status, getattr(after, o.status) + 1)
    return after


def _copy(src: Tally, dst: Tally) -> None:
    for name in Tally.__slots__:
        setattr(dst, name, getattr(src, name))


def _withdraw_missing(s: Session, spec: SourceSpec, run_id: str, now: datetime) -> int:
    """Count a miss for every item this complete run did not see; withdraw those at the
    threshold (unless another source of the partner still lists them) and forget them."""
    s.execute(update(SourceItem).where(SourceItem.source_id == spec.id, SourceItem.last_run_id != run_id)
              .values(missed_runs=SourceItem.missed_runs + 1))
    other = select(SourceItem.external_id).join(Source, Source.id == SourceItem.source_id).where(
        Source.partner_id == spec.partner.id, SourceItem.source_id != spec.id, SourceItem.missed_runs == 0)
    due = sorted(s.scalars(select(SourceItem.external_id).where(
        SourceItem.source_id == spec.id, SourceItem.last_run_id != run_id,
        SourceItem.missed_runs >= spec.withdraw_after_misses)))
    withdrawn = 0
    for chunk in _chunks(due):
        still_listed = set(s.scalars(other.where(SourceItem.external_id.in_(chunk))))
        active = set(s.scalars(select(Posting.external_id).where(
            Posting.partner_id == spec.partner.id, Posting.status == "active", Posting.external_id.in_(chunk))))
        for external_id in chunk:
            if external_id in active and external_id not in still_listed:
                withdraw(s, spec.partner, external_id, now)
                withdrawn += 1
        s.execute(delete(SourceItem).where(SourceItem.source_id == spec.id, SourceItem.external_id.in_(chunk)))
    return withdrawn


def _next_run(scheduled_for: datetime, interval_s: int, now: datetime, breaker: CircuitBreaker) -> datetime:
    """The first slot on the source's grid after ``now`` (missed slots are coalesced),
    but not before the circuit breaker lets a trial through."""
    steps = max(1, math.floor((now - scheduled_for).total_seconds() / interval_s) + 1)
    nxt = scheduled_for + timedelta(seconds=interval_s * steps)
    retry_at = breaker.retry_at()
    if retry_at is not None:
        nxt = max(nxt, datetime.fromtimestamp(retry_at, tz=now.tzinfo))
    return nxt


def finish_run(db: Database, spec: SourceSpec, run_id: str, owner: str, tally: Tally, end: Ending,
               breaker: CircuitBreaker, scheduled_for: datetime, now: datetime) -> SyncRun:
    """End the run in one transaction: snapshot withdrawals (complete runs only), the run
    record, the source's health, breaker, validators and next slot, and the lease."""
    with db.write() as s:
        holds = s.scalar(select(exists().where(Source.id == spec.id, Source.lease_owner == owner)))
        if holds and end.complete and spec.snapshot and "shrunken" not in end.flags:
            tally.withdrawn = _withdraw_missing(s, spec, run_id, now)
        lag = (now - scheduled_for).total_seconds()
        s.execute(update(SyncRun).where(SyncRun.id == run_id, SyncRun.status == "running").values(
            status=end.status, finished_at=now, error_class=end.error_class,
            error=(end.error or None) and end.error[:1000], flags=end.flags, lag_seconds=lag,
            **tally.columns()))
        if holds:
            s.execute(update(Source).where(Source.id == spec.id).values(
                **_health(s, spec, tally, end, lag, now), breaker=breaker.to_dict(),
                next_run_at=_next_run(scheduled_for, spec.interval_seconds, now, breaker),
                lease_owner=None, lease_until=None))
        run = s.get(SyncRun, run_id)
        if run is None:
            raise NotFound(f"source {spec.id} was deleted during the run")
        return run


def _health(s: Session, spec: SourceSpec, tally: Tally, end: Ending, lag: float, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"last_run_at": now, "last_status": end.status}
    old_lag = s.scalar(select(Source.avg_lag_seconds).where(Source.id == spec.id))
    values["avg_lag_seconds"] = lag if old_lag is None else (1 - LAG_WEIGHT) * old_lag + LAG_WEIGHT * lag
    if end.error_class in NOT_THE_SOURCE:
        return values
    if end.status in ("succeeded", "not_modified"):
        values.update(last_success_at=now, failure_streak=0, last_error_class=None, last_error=None)
    elif end.status in ("failed", "partial"):
        values.update(failure_streak=Source.failure_streak + 1, last_error_class=end.error_class,
                      last_error=(end.error or "")[:1000] or None)
    if end.status in ("succeeded", "partial") or (end.status == "failed" and tally.seen):
        values["last_counts"] = tally.counts()
    if end.complete:
        values.update(last_complete_count=tally.seen, etag=end.etag, last_modified=end.last_modified)
    return values


__all__ = ["Ending", "LeaseLost", "RunExists", "SourceBusy", "SourceSpec", "Tally", "claim",
           "due_sources", "finish_run", "load_spec", "release", "save_progress", "start_run",
           "store_postings"]
