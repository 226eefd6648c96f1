"""The 17:00 snapshot: every province's figures for a reporting day, frozen when the day ends.

A reporting day D is the Beijing window ``[D-1 17:00, D 17:00)`` (``HUB_REPORT_SNAPSHOT_AT``), so
the days tile time: each moment's activity is in exactly one day's report, and a range of days
sums them. ``take_snapshot`` is idempotent (one row per province and day; a rerun replaces it).
``run_due_snapshots`` is the worker's monitor: for each day whose end has passed (the last week,
to catch up after a stop) and that has no finished run, it claims the day with a lease in
``report_runs`` (row lock, SKIP LOCKED on PostgreSQL), so several workers never both run it.
Before 17:00 the monitor also keeps a provisional snapshot of today so far (``refresh_provisional``,
every ``HUB_REPORT_PROVISIONAL_S``), which the final one replaces.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db import Database, dialect_insert, is_sqlite
from app.models import ReportRun, ReportSnapshot

from .campaign import at_beijing, today_in_beijing
from .province_figures import province_figures

log = logging.getLogger("hub.reports")
CATCH_UP_DAYS = 7


@dataclass(frozen=True, slots=True)
class ReportClock:
    """When a reporting day ends (and is snapshotted), and the ministry's cut-off for submissions."""

    snapshot_at: str = "17:00"
    cutoff: str = "17:00"

    def window(self, day: date) -> tuple[datetime, datetime]:
        end = at_beijing(day, self.snapshot_at)
        return end - timedelta(days=1), end

    def deadline(self, day: date) -> datetime:
        return at_beijing(day, self.cutoff)


def take_snapshot(session: Session, day: date, clock: ReportClock, now: datetime, trigger: str = "schedule") -> int:
    """Compute and store every province's figures for ``day``; returns the provinces written."""
    start, end = clock.window(day)
    figures = province_figures(session, start, min(end, now), now)
    table = ReportSnapshot.__table__
    stmt = dialect_insert(session, table)
    stmt = stmt.on_conflict_do_update(index_elements=["province_code", "day"], set_={
        "window_start": stmt.excluded.window_start, "window_end": stmt.excluded.window_end,
        "figures": stmt.excluded.figures, "taken_at": stmt.excluded.taken_at, "trigger": stmt.excluded.trigger})
    session.execute(stmt, [{"province_code": code, "day": day, "window_start": start, "window_end": min(end, now),
                            "figures": f, "taken_at": now, "trigger": trigger} for code, f in sorted(figures.items())])
    return len(figures)


def snapshots(session: Session, first: date, last: date, province: str | None = None
              ) -> dict[tuple[str, date], tuple[dict[str, int], datetime, str]]:
    """(province, day) → (figures, taken at, trigger), read as plain rows (thousands for a long range)."""
    stmt = select(ReportSnapshot.province_code, ReportSnapshot.day, ReportSnapshot.figures,
                  ReportSnapshot.taken_at, ReportSnapshot.trigger).where(ReportSnapshot.day >= first,
                                                                         ReportSnapshot.day <= last)
    if province:
        stmt = stmt.where(ReportSnapshot.province_code == province)
    return {(code, day): (figures, taken, trigger) for code, day, figures, taken, trigger in session.execute(stmt)}


def due_days(now: datetime, clock: ReportClock) -> list[date]:
    """Reporting days of the last week whose end has passed, oldest first."""
    today = today_in_beijing(now)
    days = [today - timedelta(days=n) for n in range(CATCH_UP_DAYS - 1, -1, -1)]
    return [d for d in days if clock.window(d)[1] <= now]


def claim_day(db: Database, day: date, owner: str, now: datetime, lease_s: float) -> bool:
    """Take the lease on ``day``'s snapshot run, unless it is finished or leased to another worker."""
    with db.write() as s:
        s.execute(dialect_insert(s, ReportRun.__table__).on_conflict_do_nothing(index_elements=["day"]),
                  {"day": day, "provinces": 0})
        stmt = select(ReportRun).where(ReportRun.day == day)
        if not is_sqlite(s):
            stmt = stmt.with_for_update(skip_locked=True)
        run = s.execute(stmt).scalar_one_or_none()
        if run is None or run.finished_at is not None or (run.lease_until is not None and run.lease_until > now):
            return False
        run.lease_owner, run.lease_until = owner, now + timedelta(seconds=lease_s)
        return True


def run_day(db: Database, day: date, owner: str, clock: ReportClock, now: datetime) -> int:
    """Snapshot a claimed day and mark it finished, in one transaction (a crash leaves neither)."""
    try:
        with db.write() as s:
            n = take_snapshot(s, day, clock, now)
            s.execute(update(ReportRun).where(ReportRun.day == day, ReportRun.lease_owner == owner).values(
                finished_at=now, provinces=n, lease_until=None, error=None))
        return n
    except Exception as exc:
        with db.write() as s:  # give the lease back at once, so the next tick retries
            s.execute(update(ReportRun).where(ReportRun.day == day, ReportRun.lease_owner == owner).values(
                lease_until=None, lease_owner=None, error=f"{type(exc).__name__}: {exc}"[:500]))
        raise


def refresh_provisional(db: Database, clock: ReportClock, owner: str, now: datetime, every_s: float,
                        lease_s: float = 600.0) -> int:
    """Before today's snapshot time, keep a provisional snapshot of today so far, at most ``every_s``
    old, so the ministry's table of a range up to today reads rows instead of every record;
    17:00's snapshot replaces it. Returns the provinces written (0: fresh enough, or not today)."""
    day = today_in_beijing(now)
    if every_s <= 0 or clock.window(day)[1] <= now:
        return 0
    with db.read() as s:
        taken = s.execute(select(ReportSnapshot.taken_at).where(ReportSnapshot.day == day).limit(1)).scalar()
    if taken is not None and (now - taken).total_seconds() < every_s:
        return 0
    if not claim_day(db, day, owner, now, lease_s):
        return 0
    try:
        with db.write() as s:
            n = take_snapshot(s, day, clock, now, trigger="provisional")
    finally:
        with db.write() as s:
            s.execute(update(ReportRun).where(ReportRun.day == day, ReportRun.lease_owner == owner).values(
                lease_until=None, lease_owner=None))
    return n


def run_due_snapshots(db: Database, clock: ReportClock, owner: str, now: datetime,
                      lease_s: float = 600.0) -> list[dict[str, Any]]:
    """The monitor's tick: snapshot each due day nobody has done yet; what it did."""
    done = []
    for day in due_days(now, clock):
        with db.read() as s:
            finished = s.execute(select(ReportRun.finished_at).where(ReportRun.day == day)).scalar()
        if finished is not None or not claim_day(db, day, owner, now, lease_s):
            continue
        n = run_day(db, day, owner, clock, now)
        log.info("report snapshot", extra={"day": day.isoformat(), "provinces": n})
        done.append({"day": day.isoformat(), "provinces": n})
    return done
