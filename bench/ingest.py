"""Push N real-shaped postings through HTTP in batches and print postings/s and server memory.

    .venv/bin/python bench/ingest.py --backend sqlite --count 100000
    .venv/bin/python bench/ingest.py --backend postgres --count 100000 --clients 2
    cd bench && ../.venv/bin/python ingest.py --backend sqlite --prefill 100000 --count 20000 --workers 2 --rounds 3

Reads ../shared/data/real/ (run by hand, never in CI). Prints one figure per
tenth of the run so a reader can see whether throughput and memory stay flat as
the store grows; ``--rounds`` times several runs after one prefill and prints their
median (this VM's speed drifts; a PostgreSQL ANALYZE can land inside one round).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from queue import Queue

import httpx
import orjson
from common import Hub, cpu_reference, database_url, machine_cpu_s, postgres_cpu_s, postings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--clients", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--prefill", type=int, default=0, help="postings stored before timing starts")
    ap.add_argument("--rounds", type=int, default=1,
                    help="time this many runs of --count postings one after another (the store grows "
                         "by --count each round) and print their median")
    ap.add_argument("--timed", choices=["new", "duplicates"], default="new",
                    help="new: vacancies not stored yet; duplicates: stored vacancies cross-posted by "
                         "another partner (each joins its job)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = database_url(args.backend, "hub_bench_ingest", Path(tmp))
        hub = Hub(url, workers=args.workers)
        try:
            run(hub, args)
        finally:
            hub.stop()


def encode(items: list[dict], batch: int) -> list[bytes]:
    """Request bodies, encoded before the clock starts: a partner's own machine does that
    work, and on a small bench machine the client would otherwise take CPU from the server."""
    return [orjson.dumps({"postings": items[i:i + batch]}) for i in range(0, len(items), batch)]


def push_all(hub: Hub, key: str, bodies: list[bytes], clients: int,
             progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Send ``bodies`` from ``clients`` threads, each taking the next body as soon as its last
    answer arrives (as partners pushing continuously do); ``progress`` hears of each answered
    batch's size."""
    queue: Queue[bytes | None] = Queue()
    for body in bodies:
        queue.put(body)
    counts: dict[str, int] = {}
    lock = threading.Lock()

    def worker() -> None:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with httpx.Client(base_url=hub.base, timeout=300, headers=headers) as c:
            while (body := queue.get()) is not None:
                resp = c.post("/api/v1/postings/batch", content=body)
                resp.raise_for_status()
                results = orjson.loads(resp.content)["results"]
                with lock:
                    for r in results:
                        counts[r["status"]] = counts.get(r["status"], 0) + 1
                    if progress:
                        progress(len(results))

    for _ in range(clients):
        queue.put(None)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def run(hub: Hub, args: argparse.Namespace) -> None:
    key = hub.partner("recruiter")
    if args.prefill:  # through the API as well, with the same figures per tenth (the store growing)
        print(f"prefill: {args.prefill} postings")
        t0 = time.perf_counter()
        timed(hub, key, list(postings(args.prefill, prefix="P")), args)
        print(f"prefill: {args.prefill} postings in {time.perf_counter() - t0:.1f}s (encoding included)")
    print(f"backend={args.backend} count={args.count} batch={args.batch} clients={args.clients} "
          f"workers={args.workers} prefill={args.prefill} timed={args.timed} rounds={args.rounds}")
    print(cpu_reference())
    print(f"server RSS before: {hub.rss_mb():.0f} MB")
    rates = []
    for r in range(args.rounds):
        if args.timed == "duplicates":
            key = hub.partner("university")  # a new partner each round: every posting joins a stored job
            items = list(postings(args.count, prefix="D"))
        else:
            items = list(postings(args.count, start=args.prefill + r * args.count))
        if args.rounds > 1:
            print(f"round {r + 1} of {args.rounds}: {args.prefill + r * args.count} stored before it")
        rates.append(timed(hub, key, items, args))
    if args.rounds > 1:
        print(f"MEDIAN of {args.rounds} rounds: {statistics.median(rates):.0f} postings/s "
              f"(rounds: {', '.join(f'{x:.0f}' for x in rates)})")


def timed(hub: Hub, key: str, items: list[dict], args: argparse.Namespace) -> float:
    """Push ``items`` as one continuous stream, printing a figure per tenth as the answers
    arrive, and the totals; returns postings/s.

    Until session 7 each tenth was pushed on its own (clients started, run dry and joined ten
    times per round): every tenth then began with both clients preparing and nobody storing,
    and ended with one client alone (with 500-posting batches a tenth is only four of them): on
    SQLite, same code, the old way measured 15-40% less in two pairs (bench/RESULTS.md, session 7)."""
    tenth = max(len(items) // 10, args.batch)
    bodies = encode(items, args.batch)  # before the clock, as a partner's machine does it
    marks: list[tuple[float, int, float]] = []  # (seconds since start, postings answered, server RSS MB)
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] >= tenth * (len(marks) + 1) or done[0] == len(items):
            marks.append((time.perf_counter() - t0, done[0], hub.rss_mb()))

    before = (hub.cpu_s(), postgres_cpu_s(), machine_cpu_s())
    t0 = time.perf_counter()
    counts = push_all(hub, key, bodies, args.clients, progress)
    elapsed = time.perf_counter() - t0
    cpu = {name: a - b for name, b, a in zip(("server", "postgres", "machine"), before,
                                              (hub.cpu_s(), postgres_cpu_s(), machine_cpu_s()), strict=True)}
    last_t, last_n = 0.0, 0
    for t, n, rss in marks:
        print(f"  {n:>8} stored: {(n - last_n) / (t - last_t):7.0f} postings/s, server RSS {rss:.0f} MB")
        last_t, last_n = t, n
    peak = max(rss for _, _, rss in marks)
    print(f"TOTAL {len(items)} postings in {elapsed:.1f}s = {len(items) / elapsed:.0f} postings/s; "
          f"peak server RSS {peak:.0f} MB; outcomes {counts}")
    # CPU per posting moves less than wall time when the machine is shared or noisy.
    per = {k: 1000 * v / len(items) for k, v in cpu.items()}
    print(f"CPU ms per posting: server {per['server']:.2f}, postgres {per['postgres']:.2f}, "
          f"whole machine {per['machine']:.2f} (client included; {os.cpu_count()} cores)")
    return len(items) / elapsed

if __name__ == "__main__":
    main()
