"""Sync a big feed of each format from a local HTTP server; print postings/s and peak memory.

    .venv/bin/python bench/sync.py                        # 100,000 items, every format, SQLite
    .venv/bin/python bench/sync.py --count 20000 --formats json,csv --backend postgres
    .venv/bin/python bench/sync.py --parse-only           # adapters alone (no database)

For each format: a fresh database, a partner with one source pointing at a generated
feed (real-shaped postings from ../shared/data/real/), then ``hub sync`` in a child
process: fetch (spooled to disk), stream-parse, and the whole road in (normalise,
dedup, search index, change log) in batches of 500. The child reports the run, its
wall time and its peak resident memory (``ru_maxrss``): the worker's memory should
stay flat, under 300 MB, whatever the feed size. ``--parse-only`` times the adapters
alone, to separate parsing from storing. Run by hand, never in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import ROOT, database_url, postings

from app.demo.feedgen import CONTENT_TYPES, FORMATS, write_feed


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def guess_type(self, path: Any) -> str:
        return CONTENT_TYPES.get(Path(str(path)).suffix.lstrip("."), "application/octet-stream")


def serve(folder: Path) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def child(url: str, source_id: str) -> None:
    """In the child process: one run, then a JSON line with the figures."""
    import asyncio

    from app.config import Settings
    from app.db import Database
    from app.outbound.fetch import make_client
    from app.sync.runner import run_source

    settings = Settings(database_url=url, sync_allow_private=True, sync_deadline_s=600,
                        sync_max_bytes=1024 * 1024 * 1024, log_json=False)
    db = Database(url, pool_size=4)

    async def go() -> Any:
        async with make_client(timeout_s=60) as client:
            return await run_source(db, settings, client, source_id)

    started = time.perf_counter()
    run = asyncio.run(go())
    seconds = time.perf_counter() - started
    print(json.dumps({"status": run.status, "seen": run.seen, "created": run.created, "rejected": run.rejected,
                      "error": run.error, "seconds": seconds,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
    db.dispose()


def parse_only(path: Path, fmt: str) -> dict[str, Any]:
    """Adapters alone, in a child process so its peak memory is its own."""
    code = ("import json,resource,sys,time;from app.sync.adapters import get_adapter;"
            "from app.demo.feedgen import CONTENT_TYPES;t=time.perf_counter();n=0\n"
            f"with open({str(path)!r},'rb') as f:\n"
            f"  for e in get_adapter({fmt!r}).parse(f,content_type=CONTENT_TYPES[{fmt!r}],base_url='',mapping=None):"
            " n+=1\n"
            "print(json.dumps({'items':n,'seconds':time.perf_counter()-t,"
            "'peak_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"})
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def setup(url: str, feed_url: str, fmt: str) -> str:
    from app.db import Database
    from app.migrate import upgrade
    from app.models import utcnow
    from app.services.partners import create_partner
    from app.sync.sources import create_source

    upgrade(url)
    db = Database(url, pool_size=1)
    try:
        with db.write() as s:
            partner, _ = create_partner(s, name=f"bench-{fmt}", kind="provincial_platform", region_code="440000",
                                        secret="bench-secret-0123456789")
            return create_source(s, partner_id=partner.id, url=feed_url, format=fmt, interval_seconds=3600,
                                 mapping=None, snapshot=True, withdraw_after_misses=2, enabled=True,
                                 now=utcnow()).id
    finally:
        db.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--parse-only", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("DB_URL", "SOURCE_ID"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = serve(folder)
        print(f"# {args.count:,} items per feed, backend {args.backend if not args.parse_only else 'none'}")
        print(f"{'format':<7} {'MB':>6} {'items':>8} {'stored':>8} {'seconds':>8} {'items/s':>8} {'peak MB':>8}")
        for fmt in args.formats.split(","):
            path = folder / f"feed.{fmt}"
            with path.open("wb") as out:
                write_feed(out, fmt, postings(args.count, prefix=f"S{fmt[:2].upper()}"))
            size = path.stat().st_size / 1e6
            if args.parse_only:
                r = parse_only(path, fmt)
                print(f"{fmt:<7} {size:6.1f} {r['items']:8,} {'-':>8} {r['seconds']:8.1f} "
                      f"{r['items'] / r['seconds']:8,.0f} {r['peak_mb']:8.0f}", flush=True)
            else:
                url = database_url(args.backend, f"hub_bench_sync_{fmt}", folder)
                source = setup(url, f"{base}/feed.{fmt}", fmt)
                out_ = subprocess.run([sys.executable, __file__, "--child", url, source], cwd=ROOT, text=True,
                                      capture_output=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}, check=False)
                if out_.returncode:
                    print(f"{fmt:<7} child failed: {out_.stderr[-2000:]}")
                    continue
                r = json.loads(out_.stdout.strip().splitlines()[-1])
                print(f"{fmt:<7} {size:6.1f} {r['seen']:8,} {r['created']:8,} {r['seconds']:8.1f} "
                      f"{r['seen'] / r['seconds']:8,.0f} {r['peak_mb']:8.0f}  {r['status']}"
                      + (f" {r['error']}" if r["error"] else ""), flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
