"""Suggestion lookups in process: build the in-memory index from real titles and employer
names (``shared/data/real``), then time ``SuggestIndex.suggest`` for typical inputs.

    .venv/bin/python bench/suggest_speed.py [--n 2000]

Prints the build time and p50/p99 per lookup (ms). The HTTP endpoint adds the framework's
per-request cost (about 0.5 ms here) and, at most every ten minutes, a rebuild.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.search.suggest import Entry, SuggestIndex
from bench.common import real_rows

QUERIES = ["kuaiji", "kj", "会", "会计", "gongchengshi", "gcs", "java", "深圳", "shenzhen", "x", "前端开发", "qd"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=2000, help="lookups per query")
    args = ap.parse_args()
    rows = real_rows()
    titles: dict[str, int] = {}
    names: dict[str, int] = {}
    for r in rows:
        titles[r["title"]] = titles.get(r["title"], 0) + 1
        names[r["employer"]["name"]] = names.get(r["employer"]["name"], 0) + 1
    entries = [Entry(t, "title", c) for t, c in titles.items()] + [Entry(n, "employer", c) for n, c in names.items()]
    start = time.perf_counter()
    index = SuggestIndex.build(entries)
    built = time.perf_counter() - start
    print(f"{len(entries)} entries built in {built * 1000:.0f} ms")
    print("| query | p50 ms | p99 ms | first |")
    print("| --- | ---: | ---: | --- |")
    for q in QUERIES:
        times = []
        for _ in range(args.n):
            t = time.perf_counter()
            found = index.suggest(q)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"| {q} | {times[len(times) // 2]:.3f} | {times[int(len(times) * 0.99)]:.3f} | "
              f"{found[0].text if found else ''} |")


if __name__ == "__main__":
    main()
