"""The allocator's free memory goes back to the system (bench/memory.py: most of a server's RSS growth
under mixed traffic was memory glibc kept in its arenas after the request threads freed it)."""

from __future__ import annotations

import asyncio
import ctypes
import sys
import threading
from pathlib import Path

import pytest

from app.config import Settings
from app.housekeeping import memory_trimmer
from app.runtime import release_free_memory


def _glibc() -> bool:
    try:
        ctypes.CDLL(None).gnu_get_libc_version  # noqa: B018 - present in glibc only
    except AttributeError:
        return False
    return sys.platform.startswith("linux")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not _glibc(), reason="malloc_trim is glibc's")
def test_memory_freed_between_live_blocks_goes_back_to_the_system() -> None:
    kept: list[bytearray] = []

    def churn() -> None:  # a request thread: many buffers, a few of which outlive the request
        buffers = [bytearray(4000) for _ in range(4000)]
        kept.extend(buffers[::8])

    threads = [threading.Thread(target=churn) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    before = _rss_mb()
    assert release_free_memory() is True
    after = _rss_mb()
    # ~56 MB were freed between the kept blocks; free() alone cannot return them (they are not at
    # the top of an arena), malloc_trim can
    assert before - after > 20, (before, after)
    assert len(kept) == 2000


def test_the_trimmer_is_off_at_interval_zero(settings: Settings) -> None:
    off = settings.model_copy(update={"memory_trim_interval_s": 0})
    asyncio.run(asyncio.wait_for(memory_trimmer(None, off), timeout=30))  # type: ignore[arg-type]


@pytest.mark.skipif(not _glibc(), reason="malloc_trim is glibc's")
def test_the_trimmer_runs_for_ever_when_on(settings: Settings) -> None:
    on = settings.model_copy(update={"memory_trim_interval_s": 0.01})

    async def briefly() -> bool:
        task = asyncio.create_task(memory_trimmer(None, on))  # type: ignore[arg-type]
        await asyncio.sleep(0.2)
        running = not task.done()
        task.cancel()
        return running

    assert asyncio.run(briefly())
