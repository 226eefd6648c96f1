"""Process-wide tuning for the hub's long-running processes (API servers, sync workers)."""

from __future__ import annotations

import gc

# A first-generation collection every 100,000 net new container objects instead of every 700: one
# push of 500 postings makes tens of thousands of short-lived dicts and lists, which reference
# counting frees anyway; with the default the collector ran hundreds of times per 5,000 postings.
# 20,000 was enough for new vacancies, but a batch of cross-posts holds more at once (the stored
# jobs' members and signatures it reads): 18 collections per 10,000 such postings, 7% of the store's
# time (in process, session 9); at 100,000, none, and the server's peak RSS moved by ~1%.
GEN0_THRESHOLD = 100_000
_tuned = [False]


def tune_gc() -> None:
    """Keep Python's cyclic garbage collector off the road in's hot path (once per process).

    After start-up a hub process holds ~150,000 long-lived objects (modules, SQLAlchemy's
    metadata, the region tables, validators) that every older-generation collection would walk
    again; ``gc.freeze`` moves them out of the collector's sight for good. With the larger
    first-generation threshold, collection went from 11% of the road in's time to ~1% (measured
    in process, 5,000 postings: 0.44 s → 0.05 s; bench/RESULTS.md). Garbage in cycles is still
    collected, a little later."""
    if _tuned[0]:
        return
    _tuned[0] = True
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
