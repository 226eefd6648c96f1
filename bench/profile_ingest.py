"""The road in, in process (no HTTP): where does a batch's time go?

    .venv/bin/python bench/profile_ingest.py --backend sqlite --prefill 20000 --count 5000
    .venv/bin/python bench/profile_ingest.py --backend postgres --count 5000 --profile 25

Prefills the store (untimed), then pushes ``--count`` distinct-vacancy postings in
batches and prints postings/s for ``prepare`` (parse + normalise) and ``store_batch``
(one write transaction each) separately; with ``--profile N`` it prints the N
costliest functions of the timed part (cumulative). Reads ../shared/data/real/.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import database_url, migrated_database, new_partner, postings

from app.db import Database
from app.housekeeping import analyze_stale
from app.ingest.pipeline import PartnerRef, prepare, store_batch


def push(db: Database, ref: PartnerRef, items: list[dict], batch: int,
         prof: cProfile.Profile | None = None) -> tuple[float, float]:
    """Push ``items`` in batches; ``prof`` (if given) profiles only the stores."""
    t_prep = t_store = 0.0
    for i in range(0, len(items), batch):
        t0 = time.perf_counter()
        prepared = [prepare(item) for item in items[i:i + batch]]
        t1 = time.perf_counter()
        if prof:
            prof.enable()
        with db.write() as session:
            store_batch(session, ref, prepared)
        if prof:
            prof.disable()
        t_prep += t1 - t0
        t_store += time.perf_counter() - t1
    return t_prep, t_store


def time_statements(db: Database) -> dict[str, list[float]]:
    """Wall time per statement (first 90 characters), driver call included."""
    from sqlalchemy import event

    timings: dict[str, list[float]] = {}

    @event.listens_for(db.engine, "before_cursor_execute")
    def _before(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(db.engine, "after_cursor_execute")
    def _after(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        entry = timings.setdefault(" ".join(statement.split())[:90], [0, 0.0])
        entry[0] += 1
        entry[1] += time.perf_counter() - conn.info.pop("t0")

    return timings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--prefill", type=int, default=0)
    ap.add_argument("--timed", choices=["new", "duplicates"], default="new",
                    help="new: vacancies not stored yet; duplicates: stored ones cross-posted by another partner")
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--profile", type=int, default=0, help="print the N costliest functions")
    ap.add_argument("--sort", choices=["cumulative", "tottime"], default="cumulative")
    ap.add_argument("--store-only", action="store_true",
                    help="profile only the write transactions (the part SQLite runs one at a time)")
    ap.add_argument("--statements", action="store_true", help="print time spent per SQL statement")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = migrated_database(database_url(args.backend, "hub_bench_profile", Path(tmp)))
        ref = new_partner(db, "bench", "recruiter")
        if args.prefill:
            prep, store = push(db, ref, list(postings(args.prefill, prefix="P")), args.batch)
            print(f"prefill {args.prefill}: {args.prefill / (prep + store):.0f}/s")
            print(f"analysed (as the API's sweeper would): {analyze_stale(db)}")
        if args.timed == "duplicates":
            ref = new_partner(db, "bench-2", "university")
            items = list(postings(args.count, prefix="D"))
        else:
            items = list(postings(args.count, start=args.prefill))
        if args.statements:
            timings = time_statements(db)
        prof = cProfile.Profile() if args.profile else None
        if prof and not args.store_only:
            prof.enable()
        prep, store = push(db, ref, items, args.batch, prof if args.store_only else None)
        if prof:
            prof.disable()
        n = len(items)
        print(f"backend={args.backend} prefill={args.prefill} timed={args.timed} count={n} batch={args.batch}: "
              f"prepare {n / prep:.0f}/s, store {n / store:.0f}/s, both {n / (prep + store):.0f}/s")
        if args.statements:
            for sql, (calls, secs) in sorted(timings.items(), key=lambda kv: -kv[1][1])[:25]:
                print(f"{secs:8.3f}s {calls:6d}x  {sql}")
        if prof:
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.profile)
        db.dispose()


if __name__ == "__main__":
    main()
