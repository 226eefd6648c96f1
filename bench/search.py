"""Search benchmark: N open jobs, a fixed query mix through the HTTP API, both databases.

    .venv/bin/python bench/search.py [--jobs 1000000] [--backend sqlite,postgresql] [--reuse]
        [--requests 600] [--seconds 20] [--clients 16] [--cache] [--extra-url /?q=会计] [--record]

Builds the database with ``bench/search_build.py`` (skipped with ``--reuse`` when it
already holds N jobs), serves it with one uvicorn worker in a subprocess, then runs
the mix (frequent and rare words, filters, facets, sorts, later pages) with one
client, then with ``--clients`` concurrent clients, and prints latency percentiles,
requests/s and the server's memory. The facet/total cache is off unless ``--cache``
(every request then does its full work). ``--extra-url`` (repeatable) times more
paths on the same server, e.g. the students' pages; ``--record`` appends the figures
to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import normalise_url
from bench.search_build import build

# (label, query parameters): frequent words first, then rarer ones, filters, facets, sorts.
MIX: list[tuple[str, dict[str, Any]]] = [
    ("frequent 工程师", {"q": "工程师"}),
    ("frequent 销售", {"q": "销售"}),
    ("frequent 开发", {"q": "开发"}),
    ("frequent 五险一金 (descriptions)", {"q": "五险一金"}),
    ("frequent 经理 newest", {"q": "经理", "sort": "newest"}),
    ("frequent 工程师 salary sort", {"q": "工程师", "sort": "salary"}),
    ("medium java开发", {"q": "java开发"}),
    ("medium 会计", {"q": "会计"}),
    ("medium 护士", {"q": "护士"}),
    ("medium 前端", {"q": "前端"}),
    ("rare 嵌入式软件工程师", {"q": "嵌入式软件工程师"}),
    ("rare 康复治疗师", {"q": "康复治疗师"}),
    ("rare 给排水", {"q": "给排水"}),
    ("none 量子计算", {"q": "量子计算"}),
    ("employer 骏龙电子", {"q": "骏龙电子"}),
    ("browse newest", {}),
    ("browse 广东省", {"region": "440000"}),
    ("browse district", {"region": "440305"}),
    ("filter 工程师 + 广东 + 本科", {"q": "工程师", "region": "440000", "education": "bachelor"}),
    ("filter 销售 + district", {"q": "销售", "region": "440305"}),
    ("filter 会计 + salary_min 8000", {"q": "会计", "salary_min": 8000}),
    ("filter 开发 + I + internship", {"q": "开发", "industry": "I", "job_type": "internship"}),
    ("filter 护士 + since 60 days", {"q": "护士", "posted_since": "2026-10-01"}),
    ("filter 教师 + 北京 + soe,government", {"q": "教师", "region": "110000", "employer_type": "soe,government"}),
    ("facets landing", {"facets": "region,industry,education,job_type,employer_type"}),
    ("facets 工程师", {"q": "工程师", "facets": "region,industry,education"}),
    ("facets 会计 + 广东", {"q": "会计", "region": "440000", "facets": "region,industry,education,job_type"}),
    ("facets 护士", {"q": "护士", "facets": "region,industry,employer_type"}),
]
# (label, mix entry whose next_cursor to follow, how many pages deep)
PAGES = [("page 3 工程师", 0, 2), ("page 2 销售 + facets", 1, 1), ("page 5 browse 广东省", 16, 4),
         ("page 2 工程师 salary sort", 5, 1)]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def job_count(url: str) -> int:
    try:
        engine = create_engine(normalise_url(url))
        with engine.connect() as conn:
            n = int(conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one())
        engine.dispose()
        return n
    except Exception:  # noqa: BLE001 - no database yet
        return -1


def serve(url: str, cache: bool) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (f"import app.search.facets as f; f.ENABLED = {cache}; import uvicorn; "
            f"uvicorn.run('app.main:app_factory', factory=True, port={port}, log_level='warning', "
            "access_log=False)")
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_LOG_JSON": "false"}
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not start")


def rss_mb(pid: int) -> tuple[float, float]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def requests_for(client: httpx.Client) -> list[tuple[str, str, dict[str, Any]]]:
    """The mix as (label, path, params), with later pages reached by following cursors."""
    out = [(label, "/api/v1/jobs", params) for label, params in MIX]
    for label, index, depth in PAGES:
        params = dict(MIX[index][1])
        for _ in range(depth):
            cursor = client.get("/api/v1/jobs", params=params).json()["next_cursor"]
            params = {**params, "cursor": cursor}
        out.append((label, "/api/v1/jobs", params))
    return out


def one_client(base: str, mix: list[tuple[str, str, dict[str, Any]]], n: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {label: [] for label, _, _ in mix}
    order = [mix[i % len(mix)] for i in range(n)]
    random.Random(7).shuffle(order)
    with httpx.Client(base_url=base, timeout=60) as client:
        for _label, path, params in mix:  # warm-up: connections, imports, page cache
            client.get(path, params=params)
        for label, path, params in order:
            start = time.perf_counter()
            resp = client.get(path, params=params)
            times[label].append((time.perf_counter() - start) * 1000)
            if resp.status_code != 200:
                raise RuntimeError(f"{label}: {resp.status_code} {resp.text[:200]}")
    return times


def many_clients(base: str, mix: list[tuple[str, str, dict[str, Any]]], clients: int,
                 seconds: float) -> tuple[float, list[float], int]:
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run(k: int) -> None:
        rng = random.Random(k)
        mine: list[float] = []
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() < deadline:
                _, path, params = rng.choice(mix)
                start = time.perf_counter()
                resp = client.get(path, params=params)
                mine.append((time.perf_counter() - start) * 1000)
                if resp.status_code != 200:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(lat) / (time.perf_counter() - started), lat, errors[0]


def bench(backend: str, url: str, args: argparse.Namespace) -> list[str]:
    if not (args.reuse and job_count(url) >= args.jobs):
        print(f"building {args.jobs} jobs on {backend} …", flush=True)
        build(url, args.jobs, log=lambda m: print(m, flush=True))
    proc, base = serve(url, args.cache)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            mix = requests_for(client)
            mix += [(f"extra {u}", u, {}) for u in args.extra_url]
        times = one_client(base, [m for m in mix if not m[0].startswith("extra")], args.requests)
        extra = one_client(base, [m for m in mix if m[0].startswith("extra")], 5 * len(args.extra_url)) \
            if args.extra_url else {}
        rps, loaded, errors = many_clients(base, [m for m in mix if not m[0].startswith("extra")],
                                           args.clients, args.seconds)
        rss, peak = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    every = [t for v in times.values() for t in v]
    lines = [f"### {backend}, {args.jobs:,} jobs, cache {'on' if args.cache else 'off'}", "",
             (f"- one client, {len(every)} requests: p50 {pct(every, 50):.1f} ms, p95 {pct(every, 95):.1f} ms, "
             f"p99 {pct(every, 99):.1f} ms, max {max(every):.1f} ms"),
             (f"- {args.clients} clients for {args.seconds:.0f} s: {rps:.0f} requests/s, p50 {pct(loaded, 50):.1f} ms, "
             f"p99 {pct(loaded, 99):.1f} ms, errors {errors}"),
             f"- server memory: RSS {rss:.0f} MB (peak {peak:.0f} MB)", "",
             "| query | median ms | max ms |", "| --- | ---: | ---: |"]
    for label, values in list(times.items()) + list(extra.items()):
        lines.append(f"| {label} | {statistics.median(values):.1f} | {max(values):.1f} |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--sqlite-path", default="/tmp/hub_bench_search_{jobs}.db")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/hub_bench_search_{jobs}")
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds at least --jobs jobs")
    parser.add_argument("--requests", type=int, default=600, help="one-client requests")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--cache", action="store_true", help="keep the facet/total cache on")
    parser.add_argument("--extra-url", action="append", default=[], help="another path to time (repeatable)")
    parser.add_argument("--record", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    urls = {"sqlite": "sqlite:///" + args.sqlite_path.format(jobs=args.jobs),
            "postgresql": args.pg_url.format(jobs=args.jobs)}
    out = [f"## Search, {date.today().isoformat()} ({os.cpu_count()} cores, shared with other engineers' work)", ""]
    for backend in args.backend.split(","):
        lines = bench(backend, urls[backend], args)
        print("\n".join(lines), flush=True)
        out += lines
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
