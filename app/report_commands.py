"""``hub report daily`` and ``hub report snapshot``: the ministry's table and the 17:00 snapshot from
the shell (wired into ``app.cli``), through the same services the API uses."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import IO

from app.config import Settings
from app.db import Database
from app.errors import HubError
from app.export.tables import table_csv, table_xlsx
from app.models import utcnow
from app.normalize import region_by_code
from app.services.campaign import today_in_beijing
from app.services.daily_reports import TABLE_COLUMNS, national_table
from app.services.report_snapshots import ReportClock, take_snapshot


def _clock(settings: Settings) -> ReportClock:
    return ReportClock(settings.report_snapshot_at, settings.report_cutoff)


def _fail(exc: HubError, err: IO[str]) -> int:
    fields = "; ".join(f"{e['field']}: {e['message']}" for e in exc.errors or [])
    print(f"hub: {exc.detail}{' (' + fields + ')' if fields else ''}", file=err)
    return 2


def report_daily(settings: Settings, *, day: date | None, first: date | None, last: date | None,
                 province: str | None, fmt: str, output: str | None, out: IO[str] = sys.stdout,
                 err: IO[str] = sys.stderr) -> int:
    """Print (or write to ``output``) the national table for a day or a range."""
    if (first is None) != (last is None) or (day is not None and first is not None):
        print("hub: give --date, or both --from and --to", file=err)
        return 2
    if province is not None:
        region = region_by_code(province)
        if region is None or region.level != "province":
            print(f"hub: --province {province!r} is not a province code", file=err)
            return 2
    now = utcnow()
    first = first or day or today_in_beijing(now)
    last = last or first
    db = Database(settings.database_url, pool_size=1)
    try:
        with db.read() as session:
            table = national_table(session, first, last, _clock(settings), now, province)
    except HubError as exc:
        return _fail(exc, err)
    finally:
        db.dispose()
    if fmt == "json":
        text = json.dumps(table, ensure_ascii=False, indent=2)
        body = text.encode()
    else:
        body = table_csv(TABLE_COLUMNS, table["rows"]) if fmt == "csv" else table_xlsx(
            TABLE_COLUMNS, table["rows"], f"report-{first.isoformat()}")
    if output:
        with open(output, "wb") as fh:
            fh.write(body)
        print(json.dumps({"written": output, "provinces": len(table["rows"]), "from": table["from"],
                          "to": table["to"]}), file=out)
    elif fmt == "xlsx":
        print("hub: xlsx needs --output FILE", file=err)
        return 2
    else:
        out.write(body.decode("utf-8-sig") if fmt == "csv" else body.decode())
        out.write("\n")
    return 0


def report_snapshot(settings: Settings, day: date | None, out: IO[str] = sys.stdout,
                    err: IO[str] = sys.stderr) -> int:
    """Take (or retake) a day's snapshot of every province now."""
    now = utcnow()
    day = day or today_in_beijing(now)
    if not date(2000, 1, 1) <= day <= today_in_beijing(now):
        print("hub: --date must be from 2000 to today", file=err)
        return 2
    db = Database(settings.database_url, pool_size=1)
    try:
        with db.write() as session:
            n = take_snapshot(session, day, _clock(settings), now, trigger="manual")
    finally:
        db.dispose()
    print(json.dumps({"date": day.isoformat(), "provinces": n}), file=out)
    return 0
