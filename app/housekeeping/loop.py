"""One upkeep task run for ever, every so many seconds, in a worker thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool

log = logging.getLogger("hub.housekeeping")


async def every(interval_s: float, step: Callable[[], object], what: str) -> None:
    """Run ``step`` in a worker thread every ``interval_s`` seconds, for ever. A failure is logged
    and the next run retries (meanwhile the writers do that work themselves, or it waits)."""
    while True:
        try:
            await run_in_threadpool(step)
        except Exception:  # noqa: BLE001 - keep going; the next run retries
            log.exception("%s failed", what)
        await asyncio.sleep(interval_s)
