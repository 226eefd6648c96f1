"""Dedup's worst block: one employer posting one title in one city at thousands of pay grades.

    .venv/bin/python bench/dedup_big_block.py --backend sqlite --count 4000

Each pay grade is its own vacancy, and all of them share one block (employer × city × title
stem). Prints postings/s per 1,000 (in process, no HTTP): it must stay flat as the block grows.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import database_url, migrated_database, new_partner

from app.ingest.pipeline import prepare, store_batch


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--count", type=int, default=4000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = migrated_database(database_url(args.backend, "hub_bench_big_block", Path(tmp)))
        ref = new_partner(db, "chain", "employer")
        items = [{"external_id": f"G{i}", "title": "销售代表", "employer": {"name": "华润万家有限公司"},
                  "locations": ["深圳"], "salary": f"{3000 + 10 * i}-{3000 + 10 * i}元/月"} for i in range(args.count)]
        for i in range(0, len(items), 1000):
            t0 = time.perf_counter()
            prepared = [prepare(x) for x in items[i:i + 1000]]
            with db.write() as session:
                out = store_batch(session, ref, prepared)
            jobs = len({o.job_id for o in out})
            print(f"{i + 1000:>6} stored: {1000 / (time.perf_counter() - t0):6.0f} postings/s ({jobs} jobs)")
        db.dispose()


if __name__ == "__main__":
    main()
