"""``hub worker``: APScheduler 3.x in one process, driving small monitors.

* ``sync``: every few seconds, pick due sources (``next_run_at <= now``), claim each
  with a lease in the database and run it as a task (at most ``concurrency`` at once).
  The lease, not memory, keeps two runs of one source apart — also across worker
  processes on one PostgreSQL — and the unique (source, scheduled_for) run record stops
  a second runner of the same slot from committing. A run that ends moves the source to
  its next slot after now, so missed slots are coalesced, never queued.
* ``webhooks``: ``app.webhooks.run_webhooks_once`` (deliver due webhook batches).
* ``housekeeping``: ``app.housekeeping.sweep_once`` (expiry, idempotency purge).
* ``reports``: every minute, the campaign's 17:00 snapshot of each province's figures for each
  reporting day that has ended and has none yet (``app.services.report_snapshots``; a lease per
  day in the database, so several workers run each day once).

Each monitor job has ``max_instances=1`` and ``coalesce=True``; a slow or failing
source only ever holds one of the ``concurrency`` slots, for at most its fetch deadline
per page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Self

import httpx
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from app.config import Settings
from app.db import Database
from app.models import utcnow
from app.outbound.fetch import make_client

from .runner import FetchHooks, run_source, worker_name
from .store import RunExists, claim, due_sources

log = logging.getLogger("hub.sync")
WebhookStep = Callable[[Database, Settings, httpx.AsyncClient], Awaitable[int]]


def _webhook_step() -> WebhookStep | None:
    """``app.webhooks.run_webhooks_once`` when that package is installed (it is optional)."""
    try:
        from app.webhooks import run_webhooks_once
    except ImportError:  # pragma: no cover - the change-feed package is part of the hub today
        return None
    return run_webhooks_once


class Worker:
    """One worker process's scheduling state: its client, its running sync tasks."""

    def __init__(self, db: Database, settings: Settings, *, concurrency: int | None = None,
                 hooks: FetchHooks | None = None) -> None:
        self.db = db
        self.settings = settings
        self.concurrency = max(1, concurrency or settings.sync_concurrency)
        self.hooks = hooks
        self.client: httpx.AsyncClient | None = None
        self.running: dict[str, asyncio.Task[Any]] = {}

    async def __aenter__(self) -> Self:
        self.client = make_client(timeout_s=min(30.0, self.settings.sync_deadline_s),
                                  max_connections=max(8, self.concurrency * 2))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.drain(cancel=True)
        if self.client is not None:
            await self.client.aclose()

    async def tick(self) -> list[str]:
        """The sync monitor: claim due sources up to the free slots and start their runs;
        returns the ids started (it does not wait for them)."""
        assert self.client is not None, "use the Worker as an async context manager"
        free = self.concurrency - len(self.running)
        if free <= 0:
            return []
        now = utcnow()
        started: list[str] = []
        for source_id in await asyncio.to_thread(due_sources, self.db, now, free * 2):
            if len(self.running) >= self.concurrency:
                break
            if source_id in self.running:
                continue
            owner = worker_name()
            slot = await asyncio.to_thread(claim, self.db, source_id, owner, now=now,
                                           lease_s=self.settings.sync_lease_s, due_only=True)
            if slot is None:
                continue  # another worker took it first
            task = asyncio.create_task(self._run(source_id, slot, owner), name=f"sync:{source_id}")
            self.running[source_id] = task
            task.add_done_callback(partial(self._forget, source_id))
            started.append(source_id)
        return started

    def _forget(self, source_id: str, _task: asyncio.Task[Any]) -> None:
        self.running.pop(source_id, None)

    async def _run(self, source_id: str, slot: Any, owner: str) -> None:
        assert self.client is not None
        try:
            run = await run_source(self.db, self.settings, self.client, source_id, scheduled_for=slot,
                                   owner=owner, trigger="schedule", hooks=self.hooks)
            log.info("sync run", extra={"source": source_id, "run_status": run.status, "seen": run.seen,
                                        "new_postings": run.created, "error_class": run.error_class})
        except RunExists:
            log.info("sync slot already run", extra={"source": source_id})
        except Exception:
            log.exception("sync run crashed", extra={"source": source_id})

    async def drain(self, *, cancel: bool = False) -> None:
        """Wait for the running syncs (or cancel them: they end as failed, 'cancelled')."""
        tasks = list(self.running.values())
        if cancel:
            for task in tasks:
                task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)

    async def webhooks(self) -> None:
        step = _webhook_step()
        if step is None or self.client is None:
            return
        try:
            await step(self.db, self.settings, self.client)
        except Exception:
            log.exception("webhook delivery failed")

    async def reports(self) -> None:
        from app.services.report_snapshots import (
            ReportClock,
            refresh_provisional,
            run_due_snapshots,
        )

        clock = ReportClock(self.settings.report_snapshot_at, self.settings.report_cutoff)
        try:
            await asyncio.to_thread(run_due_snapshots, self.db, clock, worker_name(), utcnow())
            await asyncio.to_thread(refresh_provisional, self.db, clock, worker_name(), utcnow(),
                                    self.settings.report_provisional_s)
        except Exception:
            log.exception("report snapshot failed")

    async def housekeeping(self) -> None:
        from app.housekeeping import sweep_once

        try:
            result = await asyncio.to_thread(sweep_once, self.db, self.settings)
            if any(result.values()):
                log.info("sweep", extra=result)
        except Exception:
            log.exception("sweep failed")


def build_scheduler(worker: Worker, *, monitor_s: float = 2.0, webhooks_s: float = 2.0,
                    sweep_s: float | None = None, reports_s: float = 60.0) -> AsyncIOScheduler:
    """The APScheduler with the four monitor jobs (one instance each, missed runs coalesced)."""
    scheduler = AsyncIOScheduler(timezone="UTC", job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
    scheduler.add_job(worker.tick, "interval", seconds=monitor_s, id="sync", next_run_time=utcnow())
    scheduler.add_job(worker.webhooks, "interval", seconds=webhooks_s, id="webhooks", next_run_time=utcnow())
    scheduler.add_job(worker.housekeeping, "interval", seconds=sweep_s or worker.settings.sweep_interval_s,
                      id="housekeeping", next_run_time=utcnow())
    scheduler.add_job(worker.reports, "interval", seconds=reports_s, id="reports", next_run_time=utcnow())
    return scheduler


async def serve(db: Database, settings: Settings, *, concurrency: int | None = None, monitor_s: float = 2.0,
                stop: asyncio.Event | None = None) -> None:
    """Run the worker until ``stop`` is set (or SIGINT/SIGTERM)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    async with Worker(db, settings, concurrency=concurrency) as worker:
        scheduler = build_scheduler(worker, monitor_s=monitor_s)
        scheduler.start()
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)
