"""Time the students' pages of a running hub: ``/`` without and with a query, ``/jobs/{id}``,
``/fairs``, ``/fairs/{id}`` and ``/api/v1/suggest`` (no Server-Timing there: its server time is
the client's, over loopback).

    .venv/bin/python bench/pages.py --base-url http://127.0.0.1:8000 [--n 50] [--query 工程师 ...]

Requests go one at a time over one keep-alive connection. For each case it prints
p50/p95 of the whole request as the client saw it and of the server's own time
(``Server-Timing``: ``data`` = search, facets and the view model, ``render`` = the
template), so run it on the hub's machine. Point it at the 1M-job database
``bench/search_build.py`` builds.

The search service caches totals and facet counts until the next change, so a
repeated URL is a *warm* request. *Cold* search cases give every request its own
``posted_since`` (a different day in the 2000s, before any job: the same jobs, a
plan the cache has not seen), which times the counting work as a first visitor
meets it.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from urllib.parse import urlencode

import httpx

DEFAULT_QUERIES = ["工程师", "Java开发", "会计", "前端", "数据分析 深圳", "护士"]
FILTERS = {"region": "440300", "education": "bachelor"}
COLD_RUN = [0]  # shifts the cold dates so no two cases share one


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def server_ms(header: str) -> dict[str, float]:
    """``data;dur=3.1, render;dur=1.2`` → {"data": 3.1, "render": 1.2}."""
    out: dict[str, float] = {}
    for part in header.split(","):
        name, _, rest = part.strip().partition(";dur=")
        if rest:
            out[name] = float(rest)
    return out


def measure(client: httpx.Client, path: str, n: int, cold: bool = False) -> dict[str, list[float]]:
    runs: dict[str, list[float]] = {"client": [], "server": [], "render": []}
    client.get(path)  # warm-up (connection, caches)
    for i in range(n):
        url = path
        if cold:
            day = datetime.date(2000, 1, 2) + datetime.timedelta(days=i + n * COLD_RUN[0])
            url += ("&" if "?" in path else "?") + f"posted_since={day.isoformat()}"
        start = time.perf_counter()
        resp = client.get(url)
        runs["client"].append((time.perf_counter() - start) * 1000)
        if resp.status_code != 200:
            raise SystemExit(f"{path}: HTTP {resp.status_code}")
        timing = server_ms(resp.headers.get("server-timing", ""))
        runs["server"].append(timing.get("data", 0.0) + timing.get("render", 0.0) if timing
                              else runs["client"][-1])
        runs["render"].append(timing.get("render", 0.0))
    COLD_RUN[0] += 1 if cold else 0
    return runs


def job_ids(client: httpx.Client, k: int) -> list[str]:
    items = client.get("/api/v1/jobs", params={"limit": k}).json()["items"]
    if not items:
        raise SystemExit("the hub has no open jobs to time")
    return [j["id"] for j in items]


def fair_ids(client: httpx.Client, k: int) -> list[str]:
    return [f["id"] for f in client.get("/api/v1/fairs", params={"when": "all", "limit": k}).json()["items"]]


SUGGEST = ["kuaiji", "kj", "会", "gongchengshi", "java", "深圳"]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", default="http://127.0.0.1:8000")
    ap.add_argument("--n", type=int, default=50, help="timed requests per case")
    ap.add_argument("--query", action="append", help="a search query (repeatable); default: a mix")
    ap.add_argument("--jobs", type=int, default=5, help="how many job pages to time")
    ap.add_argument("--warm-only", action="store_true", help="skip the cold (uncached) search cases")
    args = ap.parse_args(argv)
    queries = args.query or DEFAULT_QUERIES
    with httpx.Client(base_url=args.base_url, timeout=60, headers={"Accept": "text/html"}) as client:
        cases = [("/ (no query)", "/"), ("/ (two filters)", "/?" + urlencode(FILTERS))]
        cases += [(f"/?q={q}", "/?" + urlencode({"q": q})) for q in queries]
        cases += [(f"/?q={queries[0]} + filters", "/?" + urlencode({"q": queries[0], **FILTERS}))]
        cases += [("/jobs/{id}", f"/jobs/{i}") for i in job_ids(client, args.jobs)]
        cases += [("/fairs", "/fairs"), *(("/fairs/{id}", f"/fairs/{i}") for i in fair_ids(client, 3))]
        cases += [(f"suggest {q}", "/api/v1/suggest?" + urlencode({"q": q})) for q in SUGGEST]
        print(f"pages at {args.base_url}, {args.n} requests per case (ms)")
        print("| page | client p50 | client p95 | server p50 | server p99 | render p50 |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        searches = [(label, path) for label, path in cases if path.startswith("/?") or path == "/"]
        timed = [(f"{label} warm", path, False) for label, path in searches]
        timed += [] if args.warm_only else [(f"{label} cold", path, True) for label, path in searches]
        timed += [(label, path, False) for label, path in cases if (label, path) not in searches]
        merged: dict[str, dict[str, list[float]]] = {}
        for label, path, cold in timed:
            runs = measure(client, path, args.n, cold)
            if label in merged:
                for key, values in runs.items():
                    merged[label][key] += values
            else:
                merged[label] = runs
        for label, runs in merged.items():
            print(f"| {label} | {pct(runs['client'], 50):.1f} | {pct(runs['client'], 95):.1f} | "
                  f"{pct(runs['server'], 50):.1f} | {pct(runs['server'], 99):.1f} | "
                  f"{statistics.median(runs['render']):.1f} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
