"""The campaign's trends: the daily report's flows day by day (all of China or one province).

Each reporting day reads its snapshot when there is one and is computed from the records when
there is not (today so far, a day the worker missed), exactly as the ministry's table does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from .daily_reports import check_range
from .province_figures import FLOWS, province_figures
from .report_snapshots import ReportClock, snapshots

TREND_SERIES = ("postings_received", "new_jobs", "fairs_held", "visits", "pushes")


def daily_series(session: Session, first: date, last: date, clock: ReportClock, now: datetime,
                 province: str | None = None) -> list[dict[str, Any]]:
    """One row per reporting day, oldest first: ``date`` and every flow (summed over the provinces,
    or one province's)."""
    check_range(first, last, now)
    snaps = snapshots(session, first, last, province)
    rows = []
    day = first
    while day <= last:
        per_province = {code: figures for (code, d), (figures, _, _) in snaps.items() if d == day}
        if not per_province:
            start, end = clock.window(day)
            live = province_figures(session, start, min(end, now), now)
            per_province = {code: f for code, f in live.items() if province is None or code == province}
        row: dict[str, Any] = {"date": day.isoformat()}
        for key in FLOWS:
            row[key] = sum(int(f.get(key, 0)) for f in per_province.values())
        rows.append(row)
        day += timedelta(days=1)
    return rows
