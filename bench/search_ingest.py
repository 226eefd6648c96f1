"""What keeping the search index current costs the road in, on a big database.

    .venv/bin/python bench/search_ingest.py --url sqlite:////tmp/hub_bench_search_1000000.db [--batches 10]

Pushes batches of 500 new real-shaped postings through ``prepare`` + ``store_batch``
(the road in, in process, no HTTP) into an existing database, such as the one
``bench/search.py`` builds, and prints postings/s overall and the share spent in
the search hook (``app.search.index.index_jobs``). It adds jobs to that database.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from app.db import Database
from app.ingest import pipeline
from app.search.index import index_jobs
from bench.search_data import Generator


def postings(n: int, seed: int) -> list[dict[str, Any]]:
    out = []
    for i, g in enumerate(Generator(n, seed=seed).jobs()):
        out.append({
            "external_id": f"ING-{seed}-{i}", "title": g["title"],
            "employer": {"name": g["employer"], "type": g["employer_type"]},
            "locations": [{"region_code": loc["region_code"]} for loc in g["locations"]],
            "description": g["description"], "education": g["education"],
            # the hub does not take job_type "other" yet (CONTRACT lists it): leave it out
            "job_type": g["job_type"] if g["job_type"] != "other" else None,
            "industry": g["industry"], "majors": g["majors"], "tags": g["tags"],
            "salary": {k: g["salary"][k] for k in ("min", "max", "period")} if g["salary"] else None,
            "headcount": g["headcount"], "posted_at": g["posted_at"].isoformat(),
        })
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url", required=True)
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--batch", type=int, default=500)
    args = ap.parse_args()
    db = Database(args.url, pool_size=2)
    with db.write() as s:
        partner = s.execute(text("SELECT id, kind FROM partners ORDER BY id LIMIT 1")).one()
        before = s.execute(text("SELECT count(*) FROM search_docs")).scalar_one()
    ref = pipeline.PartnerRef(partner.id, partner.kind)
    hook_s = [0.0]

    def timed(session: Any, job_ids: list[str], *args: Any) -> None:
        start = time.perf_counter()
        index_jobs(session, job_ids, *args)
        hook_s[0] += time.perf_counter() - start

    pipeline.index_jobs = timed  # the road's index step, timed
    items = postings(args.batch * args.batches, seed=int(time.time()))
    total = 0.0
    for b in range(args.batches):
        chunk = items[b * args.batch:(b + 1) * args.batch]
        start = time.perf_counter()
        prepared = [pipeline.prepare(p) for p in chunk]
        with db.write() as s:
            outcomes = pipeline.store_batch(s, ref, prepared)
        total += time.perf_counter() - start
        assert all(o.status in ("created", "updated", "unchanged") for o in outcomes), outcomes[:2]
    n = args.batch * args.batches
    print(f"{n} postings into a database of {before:,} indexed jobs: {n / total:.0f} postings/s overall; "
          f"search hook {hook_s[0] / total:.0%} of the time ({n / hook_s[0]:.0f} jobs/s on its own)")
    db.dispose()


if __name__ == "__main__":
    main()
