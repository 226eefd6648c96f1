"""The ``hub`` command: serve, migrate, partner create, demo, worker, sync."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from app.config import get_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.observability import configure_logging

    settings = get_settings()
    if not args.no_migrate:
        from app.migrate import upgrade

        upgrade(settings.database_url)
    configure_logging(settings.log_level, settings.log_json)
    uvicorn.run("app.main:app_factory", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers, log_config=None,
                access_log=False, proxy_headers=True, server_header=False)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from app.migrate import upgrade

    upgrade(get_settings().database_url, args.revision)
    print(json.dumps({"migrated": args.revision}))
    return 0


def _search_rebuild(args: argparse.Namespace) -> int:
    """Index every job again, in one write transaction: readers keep the old index until it
    commits (writers wait meanwhile). ``--keep`` re-renders over the existing rows (a repair)
    instead of dropping them first (after a tokenizer change)."""
    import time

    from app.db import Database
    from app.search.index import rebuild, reindex_all

    db = Database(get_settings().database_url, pool_size=1)
    started = time.perf_counter()
    try:
        with db.write() as session:
            conn = session.connection()
            jobs = reindex_all(conn) if args.keep else rebuild(conn)
    finally:
        db.dispose()
    print(json.dumps({"indexed_jobs": jobs, "seconds": round(time.perf_counter() - started, 1)}))
    return 0


def _partner_create(args: argparse.Namespace) -> int:
    from app.db import Database
    from app.schemas.partner import PartnerIn
    from app.services.partners import create_partner

    settings = get_settings()
    body = PartnerIn(name=args.name, kind=args.kind, region_code=args.region)
    db = Database(settings.database_url, pool_size=1)
    try:
        with db.write() as session:
            partner, key = create_partner(session, name=body.name, kind=body.kind,
                                          region_code=body.region_code, secret=settings.secret_key)
            out = {"id": partner.id, "name": partner.name, "kind": partner.kind,
                   "region_code": partner.region_code, "api_key": key}
    finally:
        db.dispose()
    print(json.dumps(out, ensure_ascii=False))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from app.demo import load_demo

    summary = load_demo(args.data)
    if not args.serve:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    settings = get_settings()
    base = f"http://{settings.host}:{settings.port}"
    lines = ["", "Hub 24365 is starting with demo data.", f"  Students' search page: {base}/",
             f"  API docs (OpenAPI):    {base}/docs", f"  Jobs API:              {base}/api/v1/jobs",
             f"  Health / metrics:      {base}/healthz  {base}/metrics", "", "Demo partners (keys are new on each start):"]
    for p in summary["partners"]:
        lines.append(f"  {p['name']} ({p['kind']}): {p['api_key']}  {p['postings']}")
    lines += [f"  Admin token: {settings.admin_token}", "",
              "Try: curl -H 'Authorization: Bearer <key>' " + base + "/api/v1/me", ""]
    lines += _demo_feeds(settings, args.data)
    print("\n".join(lines), flush=True)
    return _serve(argparse.Namespace(host=None, port=None, workers=1, no_migrate=True))


def _demo_feeds(settings: object, data: str | None) -> list[str]:
    """Start local partner feeds (one per format) and the sync worker; banner lines."""
    from pathlib import Path

    from app.demo import DEFAULT_DIR
    from app.demo.feeds import start_demo_feeds

    feeds = start_demo_feeds(settings, Path(data) if data else DEFAULT_DIR)  # type: ignore[arg-type]
    if not feeds:
        return ["Demo feeds are off: set HUB_SYNC_ALLOW_PRIVATE=1 (make run does) to pull local feeds.", ""]
    base = f"http://{settings.host}:{settings.port}"  # type: ignore[attr-defined]
    lines = ["Local partner feeds, pulled by the sync worker every 20 s (they grow each minute):"]
    lines += [f"  {f.format:<6} {f.url}  ->  {base}/api/v1/sources/{f.source_id}/runs" for f in feeds]
    return lines + ["  (read sources and runs with the admin token; details in docs/sync.md)", ""]


def _worker(args: argparse.Namespace) -> int:
    from app.observability import configure_logging
    from app.sync.commands import run_worker

    settings = get_settings()
    if not args.no_migrate:
        from app.migrate import upgrade

        upgrade(settings.database_url)
    configure_logging(settings.log_level, settings.log_json)
    return run_worker(settings, concurrency=args.concurrency, monitor_s=args.monitor_interval,
                      metrics_port=args.metrics_port)


def _sync(args: argparse.Namespace) -> int:
    from app.sync.commands import sync_once

    return sync_once(get_settings(), args.source_id)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description="Hub 24365")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API and pages (migrates first)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=int(os.environ.get("HUB_WORKERS", "1")))
    serve.add_argument("--no-migrate", action="store_true")
    serve.set_defaults(func=_serve)
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("--revision", default="head")
    migrate.set_defaults(func=_migrate)
    partner = sub.add_parser("partner", help="manage partners").add_subparsers(dest="action", required=True)
    create = partner.add_parser("create", help="create a partner and print its API key")
    create.add_argument("--name", required=True)
    create.add_argument("--kind", required=True)
    create.add_argument("--region")
    create.set_defaults(func=_partner_create)
    demo = sub.add_parser("demo", help="migrate, create demo partners and load demo postings")
    demo.add_argument("--data", default=None, help="folder with demo postings (default: ./demo)")
    demo.add_argument("--serve", action="store_true", help="then serve (what `make run` does)")
    demo.set_defaults(func=_demo)
    worker = sub.add_parser("worker", help="run the feed sync scheduler (also webhooks and housekeeping)")
    worker.add_argument("--concurrency", type=int, default=None, help="sources synced at once (HUB_SYNC_CONCURRENCY)")
    worker.add_argument("--monitor-interval", type=float, default=2.0, help="seconds between looks for due sources")
    worker.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port")
    worker.add_argument("--no-migrate", action="store_true")
    worker.set_defaults(func=_worker)
    search = sub.add_parser("search", help="the job search index").add_subparsers(dest="action", required=True)
    rebuild = search.add_parser("rebuild", help="index every job again (one transaction; prints the count)")
    rebuild.add_argument("--keep", action="store_true", help="update rows in place instead of dropping the index")
    rebuild.set_defaults(func=_search_rebuild)
    sync = sub.add_parser("sync", help="sync one source now, with a progress bar; prints the run")
    sync.add_argument("source_id")
    sync.set_defaults(func=_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError

    try:
        return int(args.func(args))
    except ValidationError as exc:  # bad CLI input, e.g. an unknown partner kind
        print(f"hub: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
