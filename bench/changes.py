"""Changes per second for a consumer reading the change feed over HTTP.

    .venv/bin/python bench/changes.py [--changes 100000] [--limit 1000]
                                      [--database-url postgresql://postgres@127.0.0.1:5432/hub_bench]
                                      [--reuse]

Builds a database (a fresh SQLite file in /tmp by default; the PostgreSQL database named
is dropped and recreated) with ``--changes`` jobs pushed through the real road in
(``prepare`` + ``store_batch``: dedup, search index, change log), one change each;
postings are made from the real Zhilian rows in /work/shared/data/real/, each with its
own requisition code so none merge. Then it serves the app with uvicorn in a separate
process (one worker) and reads the whole feed from the start with ``limit`` per page,
as a mirror would, parsing every page. Prints ingest rate, changes/s read, and the CPU
seconds of the hub process and of the consumer (a figure a busy shared machine skews less).
``--reuse`` skips building when the database already holds enough changes.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import Database, normalise_url
from app.ingest.pipeline import PartnerRef, prepare, store_batch
from app.migrate import upgrade
from app.services.partners import create_partner

REAL = Path("/work/shared/data/real/zhilian_shenzhen_java.jsonl")
SECRET = "bench-secret-key-0123456789"


def real_rows() -> list[dict[str, Any]]:
    with REAL.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def posting(i: int, row: dict[str, Any]) -> dict[str, Any]:
    return {"external_id": f"B{i}", "title": f"{row['jobName'].strip()}(J{i:07d})",
            "employer": {"name": row["companyName"], "type": row["companyNature"] or None},
            "locations": [row["location"]], "description": row["deatil"].strip() or None,
            "education": row["edu"] or None, "salary": f"{row['salary']}/月" if row["salary"] else None,
            "job_type": "full_time", "industry": "I", "url": row["jobUrl"],
            "posted_at": "2026-05-09T09:00:00+08:00", "valid_through": "2099-08-15T23:59:59+08:00"}


def fresh_database(url: str) -> None:
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database or "").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def build(url: str, n: int) -> float:
    """Push ``n`` distinct postings through the road in; returns postings per second."""
    fresh_database(url)
    upgrade(url)
    db = Database(url, pool_size=2)
    rows = real_rows()
    with db.write() as session:
        partner, _ = create_partner(session, name="bench", kind="university", region_code=None, secret=SECRET)
    ref = PartnerRef(partner.id, "university")
    start = time.perf_counter()
    for first in range(0, n, 1000):
        prepared = [prepare(posting(i, rows[i % len(rows)])) for i in range(first, min(n, first + 1000))]
        with db.write() as session:
            store_batch(session, ref, prepared)
        print(f"\r  ingested {min(n, first + 1000):,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    rate = n / (time.perf_counter() - start)
    db.dispose()
    return rate


def count(url: str) -> int:
    try:
        db = Database(url, pool_size=1)
        with db.read() as session:
            return int(session.execute(text("SELECT count(*) FROM changes")).scalar_one())
    except Exception:  # noqa: BLE001 - no such database yet
        return 0


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_SECRET_KEY": SECRET, "HUB_LOG_LEVEL": "WARNING",
           "HUB_SWEEP_INTERVAL_S": "3600"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "app.main:app_factory", "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"],
                            cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/healthz").status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the hub did not start")


def partner_key(url: str) -> str:
    db = Database(url, pool_size=1)
    with db.write() as session:
        _, key = create_partner(session, name=f"reader-{time.time_ns()}", kind="provincial_platform",
                                region_code=None, secret=SECRET)
    db.dispose()
    return key


def consume(base: str, key: str, limit: int, want: int) -> tuple[int, float, int, int]:
    """Read the feed from the start; returns (changes, seconds, pages, bytes)."""
    seen = pages = size = 0
    cursor = None
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120) as client:
        client.get("/api/v1/changes", params={"limit": 1})  # warm the connection and the process
        start = time.perf_counter()
        while seen < want:
            resp = client.get("/api/v1/changes", params={"limit": limit, **({"cursor": cursor} if cursor else {})})
            resp.raise_for_status()
            body = orjson.loads(resp.content)
            seen += len(body["changes"])
            size += len(resp.content)
            pages += 1
            cursor = body["next_cursor"]
            if not body["has_more"]:
                break
        return seen, time.perf_counter() - start, pages, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--database-url", default="sqlite:////tmp/hub_bench_changes.db")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = normalise_url(args.database_url)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    have = count(url) if args.reuse else 0
    if have >= args.changes:
        print(f"reusing {backend} database with {have:,} changes")
    else:
        print(f"building {backend} database: {args.changes:,} jobs through the road in ...")
        print(f"ingest: {build(url, args.changes):,.0f} postings/s")
    proc, base = serve(url)
    key = partner_key(url)
    try:
        server_cpu, client_cpu, load = cpu_seconds(proc.pid), time.process_time(), os.getloadavg()[0]
        seen, seconds, pages, size = consume(base, key, args.limit, args.changes)
        server_cpu, client_cpu = cpu_seconds(proc.pid) - server_cpu, time.process_time() - client_cpu
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"read {seen:,} changes in {pages:,} pages of {args.limit} in {seconds:.2f} s "
          f"({size / seen:,.0f} bytes per change): {seen / seconds:,.0f} changes/s "
          f"(goal 20,000/s) [{backend}, load average {load:.1f} on {os.cpu_count()} CPUs]")
    print(f"CPU: hub process {server_cpu:.2f} s, consumer {client_cpu:.2f} s: "
          f"{seen / (server_cpu + client_cpu):,.0f} changes per CPU-second of the two "
          f"(what one request at a time reaches with a free core; a PostgreSQL server's own CPU is not counted)")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (Linux), to see past a busy shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
