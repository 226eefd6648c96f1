"""Run one source once: the "do one item" function of the sync worker.

``run_source`` claims the source's lease (unless the scheduler already did), records the
run, fetches page after page (circuit breaker, conditional GET, SSRF guard, deadline,
size cap: ``fetch``), parses each page in a worker thread with the source's adapter and
sends postings down the one road in (``prepare`` then ``store_batch``) in batches, then
ends the run in one transaction (``store.finish_run``). Memory stays flat: bodies are
spooled to disk, adapters stream, batches are bounded.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from app.config import Settings
from app.db import Database
from app.ingest.pipeline import prepare
from app.ingest.prepare import NormalPosting
from app.models import SyncRun, new_id, utcnow
from app.outbound.errors import FetchError
from app.outbound.fetch import FetchResult, RetryPolicy, fetch
from app.outbound.guard import AddressPredicate, Resolver
from app.schemas.common import storable_or_none

from . import metrics
from .adapters import FeedFormatError, ItemError, PageLink, get_adapter
from .store import (
    Ending,
    LeaseLost,
    SourceBusy,
    SourceSpec,
    Tally,
    claim,
    finish_run,
    load_spec,
    release,
    save_progress,
    start_run,
    store_postings,
)

log = logging.getLogger("hub.sync")

BATCH = 500


class RunStopped(Exception):
    """The run was cancelled while a page was being stored (raised in its worker thread)."""

Progress = Callable[[Tally, float | None], None]
"""``progress(tally, fraction of the current page read or None)``, called from a worker thread."""


@dataclass(slots=True)
class FetchHooks:
    """Overrides for ``fetch`` (tests; partners on an allow-listed intranet)."""

    resolver: Resolver | None = None
    is_allowed: AddressPredicate | None = None
    retry: RetryPolicy | None = None


def worker_name() -> str:
    """A lease owner id: host, process and a random suffix (unique per run or worker)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{new_id()[-8:]}"


def _reason(errors: list[dict[str, Any]]) -> str:
    return "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors) or "rejected"


@dataclass(slots=True)
class _Page:
    """Parses one fetched page and stores its postings in batches (runs in a thread)."""

    db: Database
    settings: Settings
    spec: SourceSpec
    run_id: str
    owner: str
    tally: Tally
    seen_ids: set[str]
    stop: threading.Event
    progress: Progress | None
    postings: list[NormalPosting] = field(default_factory=list)
    rejections: list[tuple[int, str | None, str]] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)
    pending: int = 0  # items in the buffers above, counted in ``seen`` on flush

    def flush(self, fraction: float | None) -> None:
        if self.stop.is_set():
            raise RunStopped("the run was stopped")
        self.tally.seen += self.pending
        try:
            store_postings(self.db, self.spec, self.run_id, self.owner, self.settings.sync_lease_s,
                           self.postings, self.rejections, self.touched, self.tally, utcnow())
        except BaseException:
            self.tally.seen -= self.pending
            raise
        self.postings, self.rejections, self.touched, self.pending = [], [], [], 0
        if self.progress:
            self.progress(self.tally, fraction)

    def item(self, index: int, data: dict[str, Any]) -> None:
        self.pending += 1
        external_id = data.get("external_id")
        if isinstance(external_id, str) and external_id in self.seen_ids:
            self.rejections.append((index, external_id, "external_id: listed twice in this feed"))
            return
        prepared = prepare(data, self.spec.region_code, fts=self.db.sqlite)
        if isinstance(prepared, NormalPosting):
            if prepared.external_id in self.seen_ids:
                self.rejections.append((index, prepared.external_id, "external_id: listed twice in this feed"))
                return
            self.seen_ids.add(prepared.external_id)
            self.postings.append(prepared)
        else:
            self.rejections.append((index, prepared.external_id, _reason(prepared.errors)))
            if prepared.external_id:
                self.touched.append(prepared.external_id)

    def run(self, result: FetchResult) -> str | None:
        """Parse and store the page; returns the next page's URL, if the page names one."""
        size = max(1, result.bytes_read)
        adapter = get_adapter(self.spec.format)
        next_url: str | None = None
        try:
            for event in adapter.parse(result.body, content_type=result.content_type,  # type: ignore[arg-type]
                                       base_url=result.final_url, mapping=self.spec.mapping):
                if isinstance(event, PageLink):
                    next_url = event.url
                elif isinstance(event, ItemError):
                    self.pending += 1
                    external_id = storable_or_none(event.external_id)  # the feed's text, as sent
                    self.rejections.append((event.index, external_id, event.reason))
                    if external_id:
                        self.touched.append(external_id)
                else:
                    self.item(event.index, event.data)
                if self.pending >= BATCH:
                    self.flush(min(1.0, result.body.tell() / size))
        except FeedFormatError:
            if self.pending:
                self.flush(1.0)  # items read before a broken part of the document still count
            raise
        if self.pending:
            self.flush(1.0)
        return next_url or result.next_url


async def run_source(db: Database, settings: Settings, client: httpx.AsyncClient, source_id: str, *,
                     scheduled_for: datetime | None = None, owner: str | None = None,
                     trigger: str = "manual", progress: Progress | None = None,
                     hooks: FetchHooks | None = None) -> SyncRun:
    """Sync ``source_id`` once and return its finished run record.

    With ``owner`` None the source is claimed here (``SourceBusy`` if another run holds
    it) and the run's slot is now; the scheduler claims first and passes ``owner`` and
    the claimed ``scheduled_for``. ``RunExists`` if that slot was already run. Scheduled
    runs respect the circuit breaker (``skipped`` while it is open); a manual run is the
    trial a person asked for.
    """
    started = utcnow()
    if owner is None:
        owner = worker_name()
        if await asyncio.to_thread(claim, db, source_id, owner, now=started, lease_s=settings.sync_lease_s,
                                   due_only=False) is None:
            raise SourceBusy(f"source {source_id} is being synced right now")
        scheduled_for = scheduled_for or started
    assert scheduled_for is not None
    try:
        spec = await asyncio.to_thread(load_spec, db, source_id)
        run_id = await asyncio.to_thread(start_run, db, source_id, scheduled_for, trigger, owner, started)
    except BaseException:
        await asyncio.to_thread(release, db, source_id, owner)
        raise
    metrics.RUNNING.inc()
    clock = time.monotonic()
    tally, stop = Tally(), threading.Event()
    breaker = spec.breaker
    try:
        end = await _execute(db, settings, client, spec, run_id, owner, tally, stop, progress, hooks,
                             respect_breaker=trigger == "schedule")
    except asyncio.CancelledError:
        stop.set()
        end = Ending("failed", error_class="cancelled", error="the worker was stopped during the run")
        await asyncio.shield(asyncio.to_thread(
            finish_run, db, spec, run_id, owner, tally, end, breaker, scheduled_for, utcnow()))
        raise
    except LeaseLost as exc:
        end = Ending("failed", error_class=exc.error_class, error=str(exc), flags=["lease_lost"])
    except Exception as exc:  # noqa: BLE001 - a bug or a database error: record it, never hang the slot
        # The run's error is shown to the partner: the class only; the details (SQL, values) go to the log.
        log.exception("sync run failed inside the hub", extra={"source_id": spec.id, "run_id": run_id})
        end = Ending("failed", error_class="internal", error=f"{type(exc).__name__}: an error inside the hub "
                     "(its log has the details)")
    finally:
        stop.set()
        metrics.RUNNING.dec()
    if end.status in ("succeeded", "not_modified"):
        breaker.record_success()
    elif end.status in ("failed", "partial") and end.error_class not in ("lease_lost", "internal", "cancelled"):
        breaker.record_failure(time.time())
    run = await asyncio.to_thread(finish_run, db, spec, run_id, owner, tally, end, breaker, scheduled_for,
                                  utcnow())
    _observe(spec.id, run, breaker.failures, time.monotonic() - clock)
    return run


async def _execute(db: Database, settings: Settings, client: httpx.AsyncClient, spec: SourceSpec, run_id: str,
                   owner: str, tally: Tally, stop: threading.Event, progress: Progress | None,
                   hooks: FetchHooks | None, *, respect_breaker: bool) -> Ending:
    if respect_breaker and not spec.breaker.allow(time.time()):
        return Ending("skipped", error_class="circuit_open",
                      error=f"circuit breaker open after {spec.breaker.failures} failures in a row")
    hooks = hooks or FetchHooks()
    options: dict[str, Any] = {"allow_private": settings.sync_allow_private, "max_bytes": settings.sync_max_bytes,
                               "deadline_s": settings.sync_deadline_s, "resolver": hooks.resolver,
                               "is_allowed": hooks.is_allowed}
    if hooks.retry is not None:
        options["retry"] = hooks.retry
    page = _Page(db, settings, spec, run_id, owner, tally, set(), stop, progress)
    url: str | None = spec.url
    visited: set[str] = set()
    first = Ending("succeeded", complete=True)
    while url:
        if url in visited:
            return _broken(tally, "page_loop", f"page {url} was already read in this run", flag=True)
        if len(visited) >= settings.sync_max_pages:
            return _broken(tally, "page_limit", f"more than {settings.sync_max_pages} pages", flag=True)
        visited.add(url)
        first_page = len(visited) == 1
        try:
            result = await fetch(client, url, etag=spec.etag if first_page else None,
                                 last_modified=spec.last_modified if first_page else None, **options)
        except FetchError as exc:
            return _broken(tally, exc.error_class, str(exc) or type(exc).__name__)
        with result:
            if result.not_modified:
                if first_page:
                    return Ending("not_modified", etag=spec.etag, last_modified=spec.last_modified)
                return _broken(tally, "protocol", f"304 Not Modified for page {url} without a condition")
            if first_page:
                first.etag, first.last_modified = result.etag, result.last_modified
            tally.pages += 1
            tally.bytes += result.raw_bytes
            try:
                next_url = await asyncio.to_thread(page.run, result)
            except FeedFormatError as exc:
                return _broken(tally, exc.error_class, str(exc))
        await asyncio.to_thread(save_progress, db, spec, run_id, owner, settings.sync_lease_s, tally, utcnow())
        url = None if next_url in (None, result.final_url, url) else next_url  # a self-link ends the feed
    if spec.snapshot and spec.last_complete_count and tally.seen * 2 < spec.last_complete_count:
        first.flags.append("shrunken")
    return first


def _broken(tally: Tally, error_class: str, error: str, *, flag: bool = False) -> Ending:
    """A run that could not read the whole feed: partial if it read any item, else failed."""
    return Ending("partial" if tally.seen else "failed", error_class=error_class, error=error,
                  flags=[error_class] if flag else [])


def _observe(source_id: str, run: SyncRun, failures: int, seconds: float) -> None:
    metrics.RUNS.labels(source_id, run.status).inc()
    for outcome in ("created", "updated", "unchanged", "withdrawn", "rejected"):
        value = getattr(run, outcome)
        if value:
            metrics.POSTINGS.labels(source_id, outcome).inc(value)
    metrics.FAILURE_STREAK.labels(source_id).set(failures)
    if run.lag_seconds is not None:
        metrics.LAG.labels(source_id).set(run.lag_seconds)
    if run.status in ("succeeded", "not_modified") and run.finished_at:
        metrics.LAST_SUCCESS.labels(source_id).set(run.finished_at.timestamp())
    metrics.DURATION.observe(seconds)
