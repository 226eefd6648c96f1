"""Local partner feeds for ``make run``: one per format, built from ``demo/*.jsonl``.

A small HTTP server on a loopback port serves each format; every feed grows by a few
postings a minute (and answers 304 while it has not), so a newcomer watches the worker,
running in the same process, pull postings in. Needs ``HUB_SYNC_ALLOW_PRIVATE=1``.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import Partner, Source, utcnow
from app.services.partners import create_partner
from app.sync.sources import create_source

from .feedgen import CONTENT_TYPES, FORMATS, write_feed

log = logging.getLogger("hub.demo")
PARTNER = {"name": "广东省高校联合招聘订阅源（示例）", "kind": "provincial_platform", "region_code": "440000"}
START, GROWTH_PER_MINUTE, INTERVAL_S = 12, 4, 20


@dataclass(frozen=True, slots=True)
class DemoFeed:
    format: str
    url: str
    source_id: str


def demo_postings(folder: Path) -> list[dict[str, Any]]:
    """Every demo posting, with an id of its own (``feed-...``) so the feeds are new postings."""
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").split("\n"):  # not splitlines: U+2028 in text
            if line.strip():
                row = json.loads(line)
                row["external_id"] = f"feed-{row['external_id']}"
                rows.append(row)
    return rows


class _Handler(BaseHTTPRequestHandler):
    server: _FeedServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        fmt = self.path.strip("/").split(".", 1)[0]
        if fmt not in FORMATS:
            self.send_error(404)
            return
        items = self.server.items_for(fmt)
        etag = f'"{fmt}-{len(items)}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = io.BytesIO()
        write_feed(body, fmt, items, title="广东省高校联合招聘（演示订阅源）")
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPES[fmt])
        self.send_header("Content-Length", str(len(body.getvalue())))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body.getvalue())


class _FeedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, postings: list[dict[str, Any]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.started = time.monotonic()
        share = max(1, len(postings) // len(FORMATS))
        self.pools = {fmt: postings[i * share:(i + 1) * share] for i, fmt in enumerate(FORMATS)}

    def items_for(self, fmt: str) -> list[dict[str, Any]]:
        minutes = (time.monotonic() - self.started) / 60
        return self.pools[fmt][: START + int(minutes * GROWTH_PER_MINUTE)]


def start_feed_server(folder: Path) -> str:
    """Serve the demo feeds in a daemon thread; returns the base URL."""
    server = _FeedServer(demo_postings(folder))
    threading.Thread(target=server.serve_forever, name="demo-feeds", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def register_demo_sources(db: Database, settings: Settings, base_url: str) -> list[DemoFeed]:
    """The demo partner and one source per format (reused across starts, pointed at this
    start's port and made due now)."""
    now = utcnow()
    feeds: list[DemoFeed] = []
    with db.write() as s:
        partner = s.execute(select(Partner).where(Partner.name == PARTNER["name"])).scalar_one_or_none()
        if partner is None:
            partner, _ = create_partner(s, name=PARTNER["name"], kind=PARTNER["kind"],
                                        region_code=PARTNER["region_code"], secret=settings.secret_key)
        for fmt in FORMATS:
            url = f"{base_url}/{fmt}.{fmt}"
            src = s.execute(select(Source).where(Source.partner_id == partner.id, Source.format == fmt)
                            ).scalars().first()
            if src is None:
                src = create_source(s, partner_id=partner.id, url=url, format=fmt, interval_seconds=INTERVAL_S,
                                    mapping=None, snapshot=fmt == "json", withdraw_after_misses=2, enabled=True,
                                    now=now)
            else:
                src.url, src.etag, src.last_modified, src.next_run_at = url, None, None, now
                src.lease_owner = src.lease_until = None
            feeds.append(DemoFeed(fmt, url, src.id))
    return feeds


def start_background_worker(settings: Settings) -> threading.Thread:
    """``hub worker`` in a daemon thread of this process (the demo serves from the main one)."""
    from app.sync.scheduler import serve

    def main() -> None:
        db = Database(settings.database_url, pool_size=settings.sync_concurrency + 4)
        try:
            asyncio.run(serve(db, settings, monitor_s=2.0))
        except Exception:
            log.exception("demo worker stopped")

    thread = threading.Thread(target=main, name="demo-worker", daemon=True)
    thread.start()
    return thread


def start_demo_feeds(settings: Settings, folder: Path) -> list[DemoFeed]:
    """Feeds, sources and the worker, for ``hub demo --serve``; [] when private addresses
    are not allowed (the feeds are on loopback)."""
    if not settings.sync_allow_private:
        return []
    db = Database(settings.database_url, pool_size=2)
    try:
        feeds = register_demo_sources(db, settings, start_feed_server(folder))
    finally:
        db.dispose()
    start_background_worker(settings)
    return feeds
