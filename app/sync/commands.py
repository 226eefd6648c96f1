"""``hub worker`` and ``hub sync SOURCE`` (wired into ``app.cli``)."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from typing import IO

from app.config import Settings
from app.db import Database
from app.errors import NotFound
from app.outbound.fetch import make_client

from .runner import run_source
from .sources import run_document
from .store import RunExists, SourceBusy, Tally


class ProgressBar:
    """A one-line text progress bar on stderr: page, share of the page read, counts."""

    def __init__(self, out: IO[str] | None = None, width: int = 24) -> None:
        self.out = out or sys.stderr
        self.width = width
        self.lock = threading.Lock()
        self.shown = False

    def __call__(self, tally: Tally, fraction: float | None) -> None:
        share = 0.0 if fraction is None else max(0.0, min(1.0, fraction))
        filled = round(share * self.width)
        line = (f"\r[{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%}  page {max(1, tally.pages)}  "
                f"seen {tally.seen:,}  created {tally.created:,}  updated {tally.updated:,}  "
                f"unchanged {tally.unchanged:,}  rejected {tally.rejected:,}")
        with self.lock:
            self.out.write(line)
            self.out.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.out.write("\n")
            self.out.flush()


def sync_once(settings: Settings, source_id: str) -> int:
    """Run one source now with a progress bar; print the run as JSON. Exit status: 0 when
    the run succeeded (or the feed was not modified), 1 when it did not, 2 when the source
    is unknown or already running."""
    db = Database(settings.database_url, pool_size=4)
    bar = ProgressBar()

    async def go() -> int:
        async with make_client(timeout_s=min(30.0, settings.sync_deadline_s)) as client:
            try:
                run = await run_source(db, settings, client, source_id, trigger="manual", progress=bar)
            except (NotFound, SourceBusy, RunExists) as exc:
                print(f"hub sync: {exc}", file=sys.stderr)
                return 2
            finally:
                bar.close()
        print(json.dumps(run_document(run), ensure_ascii=False, indent=2))
        if run.error_class == "unsafe_url" and not settings.sync_allow_private:
            print("hub sync: the feed's address is loopback or private; for local feeds (the demo's) set "
                  "HUB_SYNC_ALLOW_PRIVATE=1", file=sys.stderr)
        return 0 if run.status in ("succeeded", "not_modified") else 1

    try:
        return asyncio.run(go())
    finally:
        db.dispose()


def run_worker(settings: Settings, *, concurrency: int | None, monitor_s: float,
               metrics_port: int | None) -> int:
    """Run the scheduler until SIGINT/SIGTERM."""
    from app.runtime import tune_gc

    from .scheduler import serve

    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=settings.host)
    db = Database(settings.database_url, pool_size=max(4, (concurrency or settings.sync_concurrency) + 4))
    tune_gc()
    try:
        asyncio.run(serve(db, settings, concurrency=concurrency, monitor_s=monitor_s))
    finally:
        db.dispose()
    return 0
