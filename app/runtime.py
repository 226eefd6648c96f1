"""Process-wide tuning for the hub's long-running processes (API servers, sync workers)."""

from __future__ import annotations

import gc

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
