"""The road in, in process (no HTTP): where does a batch's time go?

    .venv/bin/python bench/profile_ingest.py --backend sqlite --prefill 20000 --count 5000
    .venv/bin/python bench/profile_ingest.py --backend postgres --count 5000 --profile 25

Prefills the store (untimed), then pushes ``--count`` distinct-vacancy postings in
batches and prints postings/s for ``prepare`` (parse + normalise) and ``store_batch``
(one write transaction each) separately; with ``--profile N`` it prints the N
costliest functions of the timed part (cumulative). Reads ../shared/data/real/.

    .venv/bin/python bench/profile_ingest.py --backend postgres --prefill 30000 --count 10000 --merge-every 4 --server-cost

``--merge-every N`` merges the search index's GIN pending lists after every N batches, as
the API processes do every second (N = 4 is a second at 2,000 postings/s). ``--server-cost``
(PostgreSQL) prints CPU per posting of this process's prepare and store, of PostgreSQL (all
its processes, from /proc) and the write-ahead log written per posting; and, when the server
preloads ``pg_stat_statements``, the server's time per statement per posting.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import database_url, migrated_database, new_partner, postgres_cpu_s, postings
from sqlalchemy import text

from app.db import Database
from app.housekeeping import analyze_stale, merge_search_pending
from app.ingest.pipeline import PartnerRef, prepare, store_batch
from app.runtime import tune_gc


def push(db: Database, ref: PartnerRef, items: list[dict], batch: int,
         prof: cProfile.Profile | None = None, merge_every: int = 0) -> tuple[float, float]:
    """Push ``items`` in batches; ``prof`` (if given) profiles only the stores."""
    t_prep = t_store = 0.0
    for n, i in enumerate(range(0, len(items), batch), 1):
        if merge_every and n % merge_every == 0:
            merge_search_pending(db)
        t0 = time.perf_counter()
        prepared = [prepare(item, fts=db.sqlite) for item in items[i:i + batch]]
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


class ServerCost:
    """CPU and write-ahead log per posting from here on (PostgreSQL), and the server's time per
    statement when ``pg_stat_statements`` is preloaded."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with db.engine.connect() as conn:
            self.statements = conn.execute(text(
                "SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries' "
                "AND setting LIKE '%pg_stat_statements%'")).first() is not None
            if self.statements:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
                conn.execute(text("SELECT pg_stat_statements_reset()"))
            conn.commit()
        self.start = (resource.getrusage(resource.RUSAGE_SELF), postgres_cpu_s(), self._wal())

    def _wal(self) -> tuple[int, int, int]:
        with self.db.engine.connect() as conn:
            return tuple(conn.execute(text("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")).one())

    def report(self, n: int) -> None:
        merge_search_pending(self.db)  # what the timed postings left pending is theirs to pay
        ru0, pg0, wal0 = self.start
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        here = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
        wal = [b - a for a, b in zip(wal0, self._wal(), strict=True)]
        print(f"CPU ms per posting: this process {1000 * here / n:.3f}, PostgreSQL {1000 * (postgres_cpu_s() - pg0) / n:.3f}; "
              f"WAL per posting: {wal[0] / n:.1f} records, {wal[1] / n:.2f} full pages, {wal[2] / n:.0f} bytes")
        if not self.statements:
            return
        with self.db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT calls, total_exec_time + total_plan_time AS ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) "
                "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "ORDER BY 2 DESC")).all()
        print(f"server time per posting, all statements: {1000 * sum(r.ms for r in rows) / n:.1f} µs")
        for r in rows[:15]:
            print(f"{1000 * r.ms / n:8.1f} µs {r.calls:6d}x  {r[2]}")


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
    ap.add_argument("--dump", metavar="FILE", help="with --profile: also save the profile (pstats) to FILE")
    ap.add_argument("--store-only", action="store_true",
                    help="profile only the write transactions (the part SQLite runs one at a time)")
    ap.add_argument("--statements", action="store_true", help="print time spent per SQL statement")
    ap.add_argument("--merge-every", type=int, default=0, help="merge GIN pending lists after every N batches")
    ap.add_argument("--server-cost", action="store_true", help="CPU and WAL per posting (PostgreSQL)")
    args = ap.parse_args()
    tune_gc()  # as the API processes do
    if args.server_cost and args.backend != "postgres":
        ap.error("--server-cost is for --backend postgres")
    with tempfile.TemporaryDirectory() as tmp:
        db = migrated_database(database_url(args.backend, "hub_bench_profile", Path(tmp)))
        ref = new_partner(db, "bench", "recruiter")
        if args.prefill:
            prep, store = push(db, ref, list(postings(args.prefill, prefix="P")), args.batch,
                               merge_every=args.merge_every)
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
        cost = ServerCost(db) if args.server_cost else None
        if prof and not args.store_only:
            prof.enable()
        prep, store = push(db, ref, items, args.batch, prof if args.store_only else None, args.merge_every)
        if prof:
            prof.disable()
        n = len(items)
        if cost:
            cost.report(n)
        print(f"backend={args.backend} prefill={args.prefill} timed={args.timed} count={n} batch={args.batch}: "
              f"prepare {n / prep:.0f}/s, store {n / store:.0f}/s, both {n / (prep + store):.0f}/s")
        if args.statements:
            for sql, (calls, secs) in sorted(timings.items(), key=lambda kv: -kv[1][1])[:25]:
                print(f"{secs:8.3f}s {calls:6d}x  {sql}")
        if prof:
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.profile)
            if args.dump:
                prof.dump_stats(args.dump)
        db.dispose()


if __name__ == "__main__":
    main()
