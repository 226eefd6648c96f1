"""Process-wide tuning for the hub's long-running processes (API servers, sync workers)."""

from __future__ import annotations

import ctypes
import gc
import sys
from collections.abc import Callable

# A first-generation collection every 100,000 net new container objects instead of every 700: a
# push makes tens of thousands of short-lived dicts and lists, which reference counting frees
# anyway, and a batch of cross-posts holds the stored jobs' members at once (bench/RESULTS.md).
GEN0_THRESHOLD = 100_000
_tuned = [False]


def tune_gc() -> None:
    """Keep Python's cyclic garbage collector off the road in's hot path (once per process).

    After start-up a hub process holds many long-lived objects (modules, SQLAlchemy's metadata,
    the region tables, validators) that every older-generation collection would walk again;
    ``gc.freeze`` moves them out of the collector's sight for good, and the larger threshold
    keeps collections rare (bench/RESULTS.md). Garbage in cycles is still collected, a little later."""
    if _tuned[0]:
        return
    _tuned[0] = True
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def _find_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc's; musl and others have none
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_MALLOC_TRIM = _find_malloc_trim()


def release_free_memory() -> bool:
    """Hand the C allocator's free pages back to the system; False where the allocator cannot (not glibc).

    glibc keeps what a thread frees in that thread's arena for reuse, and returns only a free *top*
    of the heap. A server's request threads free big buffers (bodies, rows, SQLite pages, rendered
    feeds) between long-lived small blocks, so the free memory stays in the middle of the arenas: it
    was most of a server's RSS growth under mixed traffic, and ``malloc_trim(0)`` returns it
    (``madvise`` of every free page in every arena; bench/RESULTS.md)."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True
