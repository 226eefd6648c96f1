"""The ``hub`` command: serve, migrate, partner create, demo, worker, sync, search rebuild, settings, report.

Errors a person can fix (a bad option, a bad setting, an unreachable database) are one
line on stderr and exit status 2 (1 for the database), not a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn

from app import __version__
from app.config import Settings, get_settings
from app.models.partner import PARTNER_KINDS


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (no usage block) that points at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


@contextmanager
def _metrics_dir(workers: int) -> Iterator[None]:
    """Prometheus multiprocess mode for ``--workers N``: each process writes its metrics to a
    shared folder that ``/metrics`` sums (an operator's ``PROMETHEUS_MULTIPROC_DIR`` is used
    and emptied; else a fresh temporary folder, removed at exit)."""
    from app.observability import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if workers <= 1 and not given:
        yield
        return
    folder = given or tempfile.mkdtemp(prefix="hub-metrics-")
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):  # values of an earlier run would be summed in
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))
    os.environ[MULTIPROC_ENV] = folder
    try:
        yield
    finally:
        if not given:
            os.environ.pop(MULTIPROC_ENV, None)
            shutil.rmtree(folder, ignore_errors=True)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.observability import configure_logging, logging_config

    # --host/--port win over HUB_HOST/HUB_PORT, also for the default public URL (the app reads the env).
    for name, value in (("HUB_HOST", args.host), ("HUB_PORT", args.port)):
        if value:
            os.environ[name] = str(value)
    get_settings.cache_clear()
    settings = get_settings()
    if not args.no_migrate:
        from app.migrate import upgrade

        upgrade(settings.database_url)
    log_config = logging_config(settings.log_level, settings.log_json, settings.scheduler_log_level)
    configure_logging(settings.log_level, settings.log_json, settings.scheduler_log_level)
    workers = args.workers or settings.workers
    with _metrics_dir(workers):
        if settings.metrics_port:  # in this (the parent) process: every worker's metrics, summed
            from prometheus_client import start_http_server

            from app.observability import metrics_registry

            start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=metrics_registry())
        uvicorn.run("app.main:app_factory", factory=True, host=args.host or settings.host,
                    port=settings.port if args.port is None else args.port, workers=workers, log_config=log_config,
                    access_log=False, proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips,
                    server_header=False)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from app.migrate import upgrade
    from app.progress import Bar

    bar: Bar | None = None

    def shown(done: int, total: int, revision: str) -> None:
        nonlocal bar
        bar = bar or Bar("migrate", total, unit="migrations")
        bar.update(done, revision)

    try:
        upgrade(get_settings().database_url, args.revision, progress=None if args.quiet else shown)
    finally:
        if bar is not None:
            bar.close()
    print(json.dumps({"migrated": args.revision}))
    return 0


def _search_rebuild(args: argparse.Namespace) -> int:
    """Index every job again, in one write transaction: readers keep the old index until it
    commits (writers wait meanwhile). ``--keep`` re-renders over the existing rows (a repair)
    instead of dropping them first (after a tokenizer change)."""
    import time

    from app.db import Database
    from app.progress import Bar
    from app.search.index import rebuild, reindex_all

    db = Database(get_settings().database_url, pool_size=1)
    started = time.perf_counter()
    bar: Bar | None = None

    def shown(done: int, total: int) -> None:
        nonlocal bar
        bar = bar or Bar("search rebuild", total, unit="jobs")
        bar.update(done)

    progress = None if args.quiet else shown
    try:
        with db.write() as session:
            conn = session.connection()
            jobs = reindex_all(conn, progress=progress) if args.keep else rebuild(conn, progress=progress)
    finally:
        if bar is not None:
            bar.close()
        db.dispose()
    print(json.dumps({"indexed_jobs": jobs, "seconds": round(time.perf_counter() - started, 1)}))
    return 0


def _partner_create(args: argparse.Namespace) -> int:
    from app.db import Database
    from app.errors import HubError
    from app.schemas.partner import PartnerIn
    from app.services.partners import create_partner
    from app.services.roles import check_partner_region

    settings = get_settings()
    body = _valid(PartnerIn, {"name": args.name, "kind": args.kind, "region_code": args.region},
                  {"region_code": "--region", "name": "--name", "kind": "--kind"})
    try:
        region = check_partner_region(body.kind, body.region_code)
    except HubError as exc:
        raise _UsageError(f"--region: {exc.detail}") from None
    db = Database(settings.database_url, pool_size=1)
    try:
        with db.write() as session:
            partner, key = create_partner(session, name=body.name, kind=body.kind,
                                          region_code=region, secret=settings.secret_key)
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
    base = settings.base_url
    lines = ["", "Hub 24365 is starting with demo data.", f"  Students' search page: {base}/",
             f"  API docs (OpenAPI):    {base}/docs", f"  Jobs API:              {base}/api/v1/jobs",
             f"  Health / metrics:      {base}/healthz  {base}/metrics (Bearer the admin token)", "",
             "Demo partners (keys are new on each start):"]
    for p in summary["partners"]:
        lines.append(f"  {p['name']} ({p['kind']}): {p['api_key']}  {p['postings'] or ''}".rstrip())
    lines += [f"  Admin token: {settings.admin_token}", "",
              "The campaign (docs/campaign.md): with the ministry's key, " + base + "/api/v1/oversight/provinces",
              "  and " + base + "/api/v1/reports/provinces; with 广东's key, " + base
              + "/api/v1/oversight/universities?format=xlsx", "",
              "Try: curl -H 'Authorization: Bearer <key>' " + base + "/api/v1/me", "",
              f"The operators' console (docs/console.md): {base}/console  sign in as (passwords new on each start):"]
    for s in summary.get("staff", []):
        lines.append(f"  {s['login']} / {s['password']}  ({s['partner']}, {s['role']})")
    lines += ["",
              f"The tour in README.md runs against this demo: export HUB={base}, then paste its blocks.", ""]
    lines += _demo_feeds(settings, args.data)
    print("\n".join(lines), flush=True)
    return _serve(argparse.Namespace(host=None, port=None, workers=1, no_migrate=True))


def _demo_feeds(settings: Settings, data: str | None) -> list[str]:
    """Start local partner feeds (one per format) and the sync worker; banner lines."""
    from pathlib import Path

    from app.demo import DEFAULT_DIR
    from app.demo.feeds import start_demo_feeds

    feeds = start_demo_feeds(settings, Path(data) if data else DEFAULT_DIR)
    if not feeds:
        return ["Demo feeds are off: set HUB_SYNC_ALLOW_PRIVATE=1 (make run does) to pull local feeds.", ""]
    base = f"http://{settings.host}:{settings.port}"
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
    configure_logging(settings.log_level, settings.log_json, settings.scheduler_log_level)
    return run_worker(settings, concurrency=args.concurrency, monitor_s=args.monitor_interval,
                      metrics_port=args.metrics_port)


def _sync(args: argparse.Namespace) -> int:
    from app.sync.commands import sync_once

    return sync_once(get_settings(), args.source_id)


def _report_daily(args: argparse.Namespace) -> int:
    from app.report_commands import report_daily

    return report_daily(get_settings(), day=args.date, first=args.first, last=args.last, province=args.province,
                        fmt=args.format, output=args.output)


def _report_snapshot(args: argparse.Namespace) -> int:
    from app.report_commands import report_snapshot

    return report_snapshot(get_settings(), args.date)


def _day(text: str) -> object:
    import datetime

    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _settings_table(args: argparse.Namespace) -> int:
    from app.settings_table import render

    print(render(), end="")
    return 0


def _valid(model: Any, values: dict[str, Any], options: dict[str, str]) -> Any:
    """``model`` built from CLI values; a ValidationError names the option (see ``main``)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = options.get(str(first["loc"][0]), str(first["loc"][0])) if first["loc"] else "input"
        raise _UsageError(f"{where}: {first['msg']}") from None


class _UsageError(Exception):
    """Bad input to a command, already phrased for the person who typed it."""


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hub", description="Hub 24365: the national job-sharing hub for college graduates. "
                     "Settings come from HUB_* environment variables (`hub settings` lists them).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve the API and pages (migrates first)")
    serve.add_argument("--host", help="address to listen on (default: HUB_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: HUB_PORT, 8000; 0: any free port)")
    serve.add_argument("--workers", type=_positive,
                       help="API processes sharing the port (default: HUB_WORKERS, 1); /metrics sums them")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
    serve.set_defaults(func=_serve)
    migrate = sub.add_parser("migrate", help="apply database migrations, with a progress bar")
    migrate.add_argument("--revision", default="head", help="migrate to this revision (default: head)")
    migrate.add_argument("--quiet", action="store_true", help="no progress bar")
    migrate.set_defaults(func=_migrate)
    partner = sub.add_parser("partner", help="manage partners").add_subparsers(
        dest="action", required=True, metavar="ACTION")
    create = partner.add_parser("create", help="create a partner and print its API key")
    create.add_argument("--name", required=True, help="the organisation's name, e.g. 深圳大学")
    create.add_argument("--kind", required=True, choices=PARTNER_KINDS, metavar="KIND",
                        help="one of: " + ", ".join(PARTNER_KINDS))
    create.add_argument("--region", help="GB/T 2260 code of its region, six digits (e.g. 440300)")
    create.set_defaults(func=_partner_create)
    demo = sub.add_parser("demo", help="migrate, create demo partners and load demo postings")
    demo.add_argument("--data", default=None, help="folder with demo postings (default: ./demo)")
    demo.add_argument("--serve", action="store_true", help="then serve (what `make run` does)")
    demo.set_defaults(func=_demo)
    worker = sub.add_parser("worker", help="run the feed sync scheduler (also webhooks and housekeeping)")
    worker.add_argument("--concurrency", type=int, default=None, help="sources synced at once (HUB_SYNC_CONCURRENCY)")
    worker.add_argument("--monitor-interval", type=float, default=2.0, help="seconds between looks for due sources")
    worker.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus metrics on this port")
    worker.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")
    worker.set_defaults(func=_worker)
    search = sub.add_parser("search", help="the job search index").add_subparsers(dest="action", required=True)
    rebuild = search.add_parser("rebuild", help="index every job again (one transaction; prints the count)")
    rebuild.add_argument("--keep", action="store_true", help="update rows in place instead of dropping the index")
    rebuild.add_argument("--quiet", action="store_true", help="no progress bar")
    rebuild.set_defaults(func=_search_rebuild)
    report = sub.add_parser("report", help="the campaign's daily report").add_subparsers(dest="action", required=True)
    daily = report.add_parser("daily", help="all 31 provinces for a day or a range: status and figures")
    daily.add_argument("--date", type=_day, help="a Beijing day (default today)")
    daily.add_argument("--from", dest="first", type=_day, help="first day of a range (with --to; at most 92 days)")
    daily.add_argument("--to", dest="last", type=_day, help="last day of a range (inclusive)")
    daily.add_argument("--province", help="one province's row (a province code)")
    daily.add_argument("--format", choices=("json", "csv", "xlsx"), default="json", help="json (default), csv (UTF-8 with BOM) or xlsx (needs --output)")
    daily.add_argument("--output", help="write to this file (needed for xlsx)")
    daily.set_defaults(func=_report_daily)
    snapshot = report.add_parser("snapshot", help="take (or retake) a day's 17:00 snapshot of every province now")
    snapshot.add_argument("--date", type=_day, help="a Beijing day (default today)")
    snapshot.set_defaults(func=_report_snapshot)
    sync = sub.add_parser("sync", help="sync one source now, with a progress bar; prints the run")
    sync.add_argument("source_id", help="the source's id (GET /api/v1/sources lists them)")
    sync.set_defaults(func=_sync)
    settings = sub.add_parser("settings", help="print the settings table (HUB_* variables, defaults, meaning)")
    settings.set_defaults(func=_settings_table)
    return parser


def _settings_problem(exc: Any) -> str:
    """A settings ValidationError as one line naming the environment variable."""
    first = exc.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"HUB_{str(first['loc'][0]).upper()}: {message}" if first["loc"] else message


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, OperationalError

    from app.errors import HubError

    prog = " ".join(["hub", args.command, *([args.action] if getattr(args, "action", None) else [])])
    try:
        get_settings()
    except ValidationError as exc:
        print(f"{prog}: bad setting: {_settings_problem(exc)}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args))
    except _UsageError as exc:
        print(f"{prog}: {exc} (see {prog} --help)", file=sys.stderr)
        return 2
    except HubError as exc:
        print(f"{prog}: {exc.detail}", file=sys.stderr)
        return 2
    except ArgumentError as exc:
        print(f"{prog}: HUB_DATABASE_URL is not a database URL: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        reason = str(exc.orig or exc).strip().splitlines()[0]
        print(f"{prog}: the database is unreachable or refused: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
