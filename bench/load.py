"""Load benchmark: the graduates' rush, a realistic mix against ``hub serve --workers N``.

    .venv/bin/python bench/load.py --url DATABASE_URL [--workers 2] [--read-url STANDBY_URL]
        [--seconds 60] [--clients 24] [--procs 2] [--redis redis://127.0.0.1:6379/6]
        [--pg-data PRIMARY_DIR] [--standby-data STANDBY_DIR] [--label TEXT] [--record]

The database is one ``bench/search_build.py`` made (e.g. 1,000,000 jobs). The mix, per request:
90% anonymous reads (the search API with frequent and rare words, filters, facets and sorts
from ``bench/search.py``'s mix, later pages by cursor, the search page, a job's JSON and its
page), 9% partner batch pushes (``--batch`` real-shaped postings each, new vacancies), 1% change
feed pulls following ``next_cursor``. Closed loop: ``--clients`` threads over ``--procs``
processes, each sending its next request when the last one is answered.

It prints, for the same run: the requests/s of ``/healthz`` with the same clients (the
framework's ceiling on this machine, so the mix's figure reads as a ratio), then the mix's
throughput, p50/p95/p99 per kind, the error rate (429s counted apart), postings pushed per
second, and CPU seconds per request of the API processes and of each PostgreSQL cluster
(``--pg-data``/``--standby-data``: their data folders, as ``scripts/pg_pair.sh`` makes them).
``--record`` appends the figures to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import bench.common as common
from bench.common import Hub, machine_cpu_s, postings, process_cpu_s
from bench.search import MIX

# (kind, weight): 90% reads, 9% pushes, 1% change pulls.
KINDS = [("search", 60), ("search_page2", 8), ("page_search", 10), ("job", 6), ("page_job", 6),
         ("push", 9), ("changes", 1)]


_ROWS = common.real_rows()
common.real_rows = lambda: _ROWS  # read the real postings once, not for every batch


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def cluster_cpu_s(data_dir: str | None) -> float:
    """CPU seconds of one PostgreSQL cluster: its postmaster, every live child (backends, walsender,
    startup/recovery) and every child that has exited (the postmaster's cutime + cstime: backends
    of connections the pool closed), from the postmaster's pid in the data folder."""
    if not data_dir:
        return float("nan")
    try:
        master = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
        fields = Path(f"/proc/{master}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, ValueError, IndexError):
        return float("nan")
    total = process_cpu_s(master) + (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == master:
                total += process_cpu_s(int(entry.name))
    return total


def prepare(base: str, keys: list[str]) -> dict[str, Any]:
    """What the clients pick from: search parameters, cursors for later pages, job ids."""
    searches = [params for _, params in MIX]
    pages: list[dict[str, Any]] = []
    jobs: list[str] = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for params in searches[:12] + searches[15:20]:
            body = client.get("/api/v1/jobs", params=params).json()
            jobs += [j["id"] for j in body["items"][:5]]
            cursor = body.get("next_cursor")
            for _ in range(3):
                if not cursor:
                    break
                pages.append({**params, "cursor": cursor})
                cursor = client.get("/api/v1/jobs", params={**params, "cursor": cursor}).json().get("next_cursor")
    return {"searches": searches, "pages": pages, "jobs": jobs, "keys": keys}


def _pick(kind: str, rng: random.Random, plan: dict[str, Any], k: int, seed: int, batch: int,
          cursors: dict[str, str | None], headers: dict[str, str]) -> tuple[tuple[str, str, Any, Any], int]:
    """The request of one ``kind`` (method, path, params, body) and the postings it carries."""
    if kind == "healthz":
        return ("GET", "/healthz", {}, None), 0
    if kind == "search":
        return ("GET", "/api/v1/jobs", rng.choice(plan["searches"]), None), 0
    if kind == "search_page2":
        return ("GET", "/api/v1/jobs", rng.choice(plan["pages"] or plan["searches"]), None), 0
    if kind == "page_search":
        return ("GET", "/", {k: v for k, v in rng.choice(plan["searches"]).items() if k != "facets"}, None), 0
    if kind == "job":
        return ("GET", f"/api/v1/jobs/{rng.choice(plan['jobs'])}", {}, None), 0
    if kind == "page_job":
        return ("GET", f"/jobs/{rng.choice(plan['jobs'])}", {}, None), 0
    if kind == "push":
        headers["Authorization"] = f"Bearer {rng.choice(plan['keys'])}"
        start = rng.randrange(1_000_000)
        tag = f"L{seed}{k}{uuid.uuid4().hex[:6]}-"
        body = {"postings": list(postings(batch, seed=seed + k, prefix=tag, start=start))}
        return ("POST", "/api/v1/postings/batch", {}, body), batch
    key = plan["keys"][k % len(plan["keys"])]
    headers["Authorization"] = f"Bearer {key}"
    cur = cursors.get(key)
    return ("GET", "/api/v1/changes", {"limit": 100, **({"cursor": cur} if cur else {})}, None), 0


def client_proc(base: str, plan: dict[str, Any], threads: int, until: float, seed: int, batch: int,
                healthz: bool, out: Any) -> None:
    """One load process: ``threads`` closed-loop clients until ``until``; (kind, ms, status, n) rows."""
    rows: list[tuple[str, float, int, int]] = []
    lock = threading.Lock()
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]

    def run(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        mine: list[tuple[str, float, int, int]] = []
        cursors: dict[str, str | None] = {}
        with httpx.Client(base_url=base, timeout=120) as client:
            while time.time() < until:
                kind = "healthz" if healthz else rng.choices(kinds, weights)[0]
                headers: dict[str, str] = {"Accept-Encoding": "gzip"}
                req, n = _pick(kind, rng, plan, k, seed, batch, cursors, headers)
                method, path, params, body = req
                t0 = time.perf_counter()
                try:
                    resp = client.request(method, path, params=params, json=body, headers=headers)
                    status = resp.status_code
                    if kind == "changes" and status == 200:
                        cursors[headers["Authorization"][7:]] = resp.json().get("next_cursor")
                    if kind == "push" and status == 200:
                        n = sum(1 for r in resp.json()["results"] if r["status"] != "rejected")
                except httpx.HTTPError:
                    status = 599
                mine.append((kind, (time.perf_counter() - t0) * 1000, status, n))
        with lock:
            rows.extend(mine)

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    out.put(rows)


def drive(base: str, plan: dict[str, Any], args: argparse.Namespace, seconds: float,
          healthz: bool) -> tuple[list[tuple[str, float, int, int]], float]:
    queue: Any = mp.get_context("fork").Queue()
    until = time.time() + seconds
    per = max(1, args.clients // args.procs)
    procs = [mp.get_context("fork").Process(target=client_proc, args=(base, plan, per, until, i + 1, args.batch,
                                                                       healthz, queue)) for i in range(args.procs)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    rows: list[tuple[str, float, int, int]] = []
    for _ in procs:
        rows += queue.get()
    for p in procs:
        p.join()
    return rows, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="the hub's database (built by bench/search_build.py)")
    parser.add_argument("--read-url", default="", help="HUB_DATABASE_READ_URL: standby(s) for public reads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--healthz-seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--procs", type=int, default=2, help="load-generating processes")
    parser.add_argument("--batch", type=int, default=50, help="postings per push")
    parser.add_argument("--redis", default="", help="HUB_REDIS_URL (shared limits and counts)")
    parser.add_argument("--pg-data", default="", help="the primary's data folder (its CPU is measured)")
    parser.add_argument("--standby-data", default="", help="the standby's data folder")
    parser.add_argument("--label", default="")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()

    env = {"HUB_RATE_LIMIT_ANONYMOUS": "100000/second", "HUB_RATE_LIMIT_PARTNER": "100000/second",
           "HUB_LOG_JSON": "false", "HUB_SEARCH_MERGE_INTERVAL_S": "1"}
    if args.read_url:
        env["HUB_DATABASE_READ_URL"] = args.read_url
    if args.redis:
        env.update(HUB_REDIS_URL=args.redis, HUB_REDIS_PREFIX=f"hubload:{uuid.uuid4().hex[:6]}:")
    hub = Hub(args.url, workers=args.workers, env=env, start_timeout=300)
    try:
        keys = [hub.partner("recruiter") for _ in range(4)]
        plan = prepare(hub.base, keys)
        drive(hub.base, plan, args, 3, healthz=False)  # warm-up
        hz_rows, hz_s = drive(hub.base, plan, args, args.healthz_seconds, healthz=True)
        cpu0, m0 = hub.cpu_s(), machine_cpu_s()
        p0, s0 = cluster_cpu_s(args.pg_data), cluster_cpu_s(args.standby_data)
        rows, elapsed = drive(hub.base, plan, args, args.seconds, healthz=False)
        cpu = hub.cpu_s() - cpu0
        machine = machine_cpu_s() - m0
        p1, s1 = cluster_cpu_s(args.pg_data) - p0, cluster_cpu_s(args.standby_data) - s0
        metrics = httpx.get(hub.base + "/metrics", headers=hub.admin(), timeout=30).text
    finally:
        hub.stop()

    backend = "SQLite" if args.url.startswith("sqlite") else "PostgreSQL"
    by_kind: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for kind, ms, status, n in rows:
        by_kind[kind].append((ms, status, n))
    total = len(rows)
    errors = sum(1 for _, _, status, _ in rows if status >= 400 and status != 429)
    limited = sum(1 for _, _, status, _ in rows if status == 429)
    reads = sum(1 for kind, *_ in rows if kind not in ("push", "changes"))
    pushed = sum(n for kind, _, status, n in rows if kind == "push" and status == 200)
    replica_reads = sum(float(line.split()[-1]) for line in metrics.splitlines()
                        if line.startswith('hub_public_reads_total{target="replica"}'))
    primary_reads = sum(float(line.split()[-1]) for line in metrics.splitlines()
                        if line.startswith('hub_public_reads_total{target="primary"}'))
    title = (f"### Load, {backend}, {args.workers} API processes"
             f"{', reads on a standby' if args.read_url else ''}{', Redis' if args.redis else ''}"
             f"{' — ' + args.label if args.label else ''}")
    lines = [title, "",
             f"- `/healthz` with the same {args.clients} clients: {len(hz_rows) / hz_s:.0f} requests/s (the ceiling)",
             f"- mix for {elapsed:.0f} s: **{total / elapsed:.0f} requests/s** "
             f"({total / elapsed / (len(hz_rows) / hz_s):.2f} of the ceiling), {total} requests, "
             f"errors {errors} ({errors / max(total, 1):.2%}), 429s {limited}",
             f"- pushes: {pushed / elapsed:.0f} postings/s stored ({pushed} postings in batches of {args.batch})",
             f"- CPU: API processes {cpu / elapsed:.2f} cores ({cpu / max(total, 1) * 1000:.2f} ms/request); "
             f"machine {machine / elapsed:.2f} cores"
             + (f"; primary PostgreSQL {p1 / elapsed:.2f} cores ({p1 / max(reads, 1) * 1000:.2f} ms per read "
                f"request, reads and writes together)" if args.pg_data else "")
             + (f"; standby {s1 / elapsed:.2f} cores ({s1 / max(reads, 1) * 1000:.2f} ms per read request)"
                if args.standby_data else ""),
             f"- public reads served by: standby {replica_reads:.0f}, primary {primary_reads:.0f}"
             if args.read_url else "- public reads served by the primary (no standby)",
             "", "| kind | requests | share | p50 ms | p95 ms | p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind, _ in KINDS:
        got = by_kind.get(kind, [])
        ms = [m for m, _, _ in got]
        bad = sum(1 for _, s, _ in got if s >= 400 and s != 429)
        if got:
            lines.append(f"| {kind} | {len(got)} | {len(got) / total:.1%} | {statistics.median(ms):.1f} | "
                         f"{pct(ms, 95):.1f} | {pct(ms, 99):.1f} | {bad} |")
    search_ms = [m for k in ("search", "search_page2", "page_search") for m, _, _ in by_kind.get(k, [])]
    lines += ["", f"- every search (API and page): p50 {pct(search_ms, 50):.1f} ms, p99 {pct(search_ms, 99):.1f} ms", ""]
    print("\n".join(lines), flush=True)
    if args.record:
        with (ROOT / "bench" / "RESULTS.md").open("a", encoding="utf-8") as f:
            f.write(f"\n{lines[0]} ({date.today().isoformat()}, {os.cpu_count()} cores shared with the load "
                    f"clients)\n\n" + "\n".join(lines[1:]) + "\n")


if __name__ == "__main__":
    main()
