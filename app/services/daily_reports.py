"""The daily report as a submission, and the ministry's table of all 31 provinces.

A provincial platform submits a day's report: the figures as they stand (the day's snapshot once
taken, else computed then) with its narrative (活动总结) and highlights. It may resubmit; every
version is kept. A version after the cut-off is accepted and marked late. A day's status is
``on_time`` (some version before the cut-off), ``late`` (only after), ``pending`` (today, before
the cut-off, nothing yet) or ``missing``.

The national table covers a day or a range of up to 92 days: each province's flows summed over
the range and its stocks as at the range's last day, from the snapshots; days without one
(today before 17:00, or a day the worker missed) are computed from the records, one pass per run
of such days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import ValidationFailed, field_error
from app.models import ReportSubmission
from app.normalize import region_by_code

from .campaign import iso, today_in_beijing
from .oversight import provinces
from .province_figures import FIGURES, FLOWS, STOCKS, province_figures
from .report_snapshots import ReportClock, snapshots

MAX_DAYS = 92
FIRST_DAY = date(2000, 1, 1)
STATUS_COLUMNS = ("province_code", "province_name", "from", "to", "days", "status", "days_on_time", "days_late",
                  "days_pending", "days_missing", "versions", "last_submitted_at", "figures_source")
TABLE_COLUMNS = STATUS_COLUMNS + FIGURES + ("narrative",)


@dataclass(frozen=True, slots=True)
class Submitter:
    """The provincial partner, the key it used, and (from the operators' console) the staff user."""

    partner_id: str | None
    key_id: str | None = None
    user_id: str | None = None


def check_range(first: date, last: date, now: datetime, *, from_field: str = "from", to_field: str = "to") -> None:
    """422 for a future day (or one before 2000), a backwards range, or one over 92 days."""
    today = today_in_beijing(now)
    errors = []
    if first < FIRST_DAY:
        errors.append(field_error(from_field if first != last else to_field, "from the year 2000"))
    if last > today:
        errors.append(field_error(to_field, "must be no later than today (Beijing)"))
    if first > last:
        errors.append(field_error(from_field, f"must be on or before {to_field}"))
    elif (last - first).days + 1 > MAX_DAYS:
        errors.append(field_error(to_field, f"a range covers at most {MAX_DAYS} days"))
    if errors:
        raise ValidationFailed("The dates are not a valid report range.", errors=errors)


def _live(session: Session, clock: ReportClock, first: date, last: date, now: datetime) -> dict[str, dict[str, int]]:
    start = clock.window(first)[0]
    return province_figures(session, start, min(clock.window(last)[1], now), now)


def submit(session: Session, province: str, day: date, narrative: str, highlights: list[str], by: Submitter,
           clock: ReportClock, now: datetime) -> dict[str, Any]:
    """Record a new version of a province's report for ``day``."""
    check_range(day, day, now, to_field="date")
    snap = snapshots(session, day, day, province).get((province, day))
    if snap is not None:
        figures, as_of = dict(snap[0]), snap[1]
    else:
        figures, as_of = _live(session, clock, day, day, now)[province], now
    for _ in range(5):  # two submissions at once: the loser takes the next version
        version = int(session.execute(select(func.coalesce(func.max(ReportSubmission.version), 0)).where(
            ReportSubmission.province_code == province, ReportSubmission.day == day)).scalar_one()) + 1
        row = ReportSubmission(province_code=province, day=day, version=version, partner_id=by.partner_id,
                               key_id=by.key_id, user_id=by.user_id, narrative=narrative,
                               highlights=list(highlights), figures=figures, figures_as_of=as_of,
                               submitted_at=now, late=now > clock.deadline(day))
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return submission_document(row)
        except IntegrityError:
            continue
    raise ValidationFailed("Too many submissions at once; try again.", errors=[field_error("date", "busy")])


def submission_document(s: ReportSubmission) -> dict[str, Any]:
    region = region_by_code(s.province_code)
    return {"id": s.id, "province_code": s.province_code, "province_name": region.name if region else None,
            "date": s.day.isoformat(), "version": s.version, "status": "late" if s.late else "on_time",
            "narrative": s.narrative, "highlights": list(s.highlights or []), "figures": dict(s.figures),
            "figures_as_of": iso(s.figures_as_of), "submitted_at": iso(s.submitted_at),
            "partner_id": s.partner_id, "key_id": s.key_id, "user_id": s.user_id}


def submissions(session: Session, province: str | None, first: date, last: date) -> list[dict[str, Any]]:
    """Every version for the days, oldest first (of one province, or all)."""
    stmt = select(ReportSubmission).where(ReportSubmission.day >= first, ReportSubmission.day <= last)
    if province:
        stmt = stmt.where(ReportSubmission.province_code == province)
    rows = session.execute(stmt.order_by(ReportSubmission.day, ReportSubmission.province_code,
                                         ReportSubmission.version)).scalars()
    return [submission_document(s) for s in rows]


def day_status(versions: list[tuple[bool, datetime]], day: date, clock: ReportClock, now: datetime) -> str:
    if any(not late for late, _ in versions):
        return "on_time"
    if versions:
        return "late"
    return "pending" if now <= clock.deadline(day) else "missing"


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days."""
    spans: list[tuple[date, date]] = []
    for d in days:
        if spans and spans[-1][1] + timedelta(days=1) == d:
            spans[-1] = (spans[-1][0], d)
        else:
            spans.append((d, d))
    return spans


def national_table(session: Session, first: date, last: date, clock: ReportClock, now: datetime,
                   province: str | None = None) -> dict[str, Any]:
    """All 31 provinces (or one) for a day or a range: status, figures, and the day's narrative."""
    check_range(first, last, now)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    snaps = snapshots(session, first, last, province)
    snapped_days = {d for _, d in snaps}
    live = {span: _live(session, clock, span[0], span[1], now)
            for span in _spans([d for d in days if d not in snapped_days])}
    versions: dict[tuple[str, date], list[tuple[bool, datetime]]] = {}
    where = [ReportSubmission.day >= first, ReportSubmission.day <= last]
    if province:
        where.append(ReportSubmission.province_code == province)
    for code, day, late, at in session.execute(select(
            ReportSubmission.province_code, ReportSubmission.day, ReportSubmission.late, ReportSubmission.submitted_at)
            .where(*where).order_by(ReportSubmission.version)):
        versions.setdefault((code, day), []).append((late, at))
    latest: dict[str, tuple[str, list[str]]] = {}  # one day: each province's latest words
    if first == last:
        newest = select(ReportSubmission.province_code, func.max(ReportSubmission.version).label("v")) \
            .where(*where).group_by(ReportSubmission.province_code).subquery()
        for code, narrative, highlights in session.execute(select(
                ReportSubmission.province_code, ReportSubmission.narrative, ReportSubmission.highlights).join(
                newest, (newest.c.province_code == ReportSubmission.province_code)
                & (newest.c.v == ReportSubmission.version)).where(*where)):
            latest[code] = (narrative, list(highlights or []))
    rows: list[dict[str, Any]] = []
    for code, name in provinces():
        if province is not None and code != province:
            continue
        figures = dict.fromkeys(FIGURES, 0)
        sources = set()
        for d in days:
            snap = snaps.get((code, d))
            if snap is not None:
                for key in FLOWS:
                    figures[key] += int(snap[0].get(key, 0))
                sources.add("provisional" if snap[2] == "provisional" else "snapshot")
        for by_province in live.values():
            for key in FLOWS:
                figures[key] += by_province[code][key]
            sources.add("live")
        last_snap = snaps.get((code, last))
        stocks = last_snap[0] if last_snap is not None else next(
            v[code] for span, v in live.items() if span[1] == last)
        figures.update({key: int(stocks.get(key, 0)) for key in STOCKS})
        statuses = [day_status(versions.get((code, d), []), d, clock, now) for d in days]
        all_versions = [v for d in days for v in versions.get((code, d), [])]
        worst = next((s for s in ("missing", "late", "pending") if s in statuses), "on_time")
        words = latest.get(code)
        rows.append({
            "province_code": code, "province_name": name, "from": first.isoformat(), "to": last.isoformat(),
            "days": len(days), "status": statuses[0] if len(days) == 1 else worst,
            "days_on_time": statuses.count("on_time"), "days_late": statuses.count("late"),
            "days_pending": statuses.count("pending"), "days_missing": statuses.count("missing"),
            "versions": len(all_versions),
            "last_submitted_at": iso(max((at for _, at in all_versions), default=None)),
            "figures_source": "mixed" if len(sources) > 1 else (sources.pop() if sources else "live"),
            **figures,
            "narrative": words[0] if words else None,
            "highlights": words[1] if words else [],
        })
    totals = {key: sum(r[key] for r in rows) for key in FIGURES}
    window = (clock.window(first)[0], min(clock.window(last)[1], now))
    return {"from": first.isoformat(), "to": last.isoformat(), "days": len(days),
            "window_start": iso(window[0]), "window_end": iso(window[1]), "cutoff": clock.cutoff,
            "snapshot_at": clock.snapshot_at, "rows": rows, "totals": totals}
