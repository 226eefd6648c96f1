"""The daily report (provinces report by 17:00): one Beijing day's figures for a region or all of China.

Jobs count where they are (any of their locations inside the region); postings count
where their job is; fairs where they took place; visits, cases and pushes where the
university that made the effort is (its region as it has it now). "Open at end of day" replays the change log: a job is open if its
last change before midnight was an ``upsert`` (and it had not closed by then; the log
older than the retention window keeps only each job's last upsert).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import Case, CasePush, Change, Fair, FairJob, Job, Partner, Posting, Visit
from app.normalize import ancestors, region_by_code

from .campaign import beijing_day, in_region

COLUMNS = ("date", "region", "region_name", "postings_received", "new_jobs", "open_jobs_end_of_day",
           "jobs_closed", "fairs_held", "fair_jobs_offered", "visits", "visit_jobs_promised", "cases_opened",
           "pushes", "cases_reaching_three_pushes")


def _inside(locations: list[dict[str, Any]] | None, code: str) -> bool:
    return any(code in ancestors(loc.get("region_code") or "") for loc in locations or () if isinstance(loc, dict))


def _count_located(session: Session, stmt: Any, code: str | None) -> int:
    """Count rows of ``stmt`` (selecting job locations); in a region, only those located inside it."""
    if code is None:
        return int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())
    return sum(1 for (locations,) in session.execute(stmt) if _inside(locations, code))


def _jobs(session: Session, start: Any, end: Any, code: str | None) -> dict[str, int]:
    received = _count_located(session, select(Job.locations).join(Posting, Posting.job_id == Job.id)
                              .where(Posting.first_seen_at >= start, Posting.first_seen_at < end), code)
    new = _count_located(session, select(Job.locations).where(Job.first_seen_at >= start, Job.first_seen_at < end),
                         code)
    scoped = [Change.scope.like(f"% r:{code} %")] if code else []
    last = select(func.max(Change.seq)).where(Change.created_at < end).group_by(Change.job_id)
    open_end = session.execute(
        select(func.count()).select_from(Change).join(Job, Job.id == Change.job_id)
        .where(Change.seq.in_(last), Change.op == "upsert", *scoped,
               ~and_(Job.status == "closed", Job.updated_at < end))).scalar_one()
    closed = session.execute(
        select(func.count(Change.job_id.distinct()))
        .where(Change.op == "delete", Change.created_at >= start, Change.created_at < end, *scoped)).scalar_one()
    return {"postings_received": received, "new_jobs": new, "open_jobs_end_of_day": int(open_end),
            "jobs_closed": int(closed)}


def _universities_in(session: Session, code: str | None) -> list[str] | None:
    """Ids of the universities whose region lies inside ``code`` (None: no filter)."""
    if code is None:
        return None
    rows = session.execute(select(Partner.id, Partner.region_code).where(Partner.kind == "university"))
    return [pid for pid, region in rows if region and code in ancestors(region)]


def _campaign(session: Session, start: Any, end: Any, code: str | None) -> dict[str, int]:
    fair_where = [Fair.status != "cancelled", Fair.starts_at < end, Fair.ends_at > start]
    if code:
        fair_where.append(in_region(Fair.region_keys, code))
    fairs = select(Fair.id).where(*fair_where)
    fairs_held = session.execute(select(func.count()).select_from(fairs.subquery())).scalar_one()
    offered = session.execute(select(func.count(FairJob.job_id.distinct()))
                              .where(FairJob.fair_id.in_(fairs))).scalar_one()
    homes = _universities_in(session, code)
    visit_where = [Visit.visited_at >= start, Visit.visited_at < end]
    if homes is not None:
        visit_where.append(Visit.partner_id.in_(homes))
    visits, promised = session.execute(select(func.count(), func.coalesce(func.sum(Visit.jobs_promised), 0))
                                       .where(*visit_where)).one()
    case_region = [Case.partner_id.in_(homes)] if homes is not None else []
    opened = session.execute(select(func.count()).select_from(Case).where(
        Case.created_at >= start, Case.created_at < end, *case_region)).scalar_one()
    push_where = [CasePush.pushed_at >= start, CasePush.pushed_at < end, *case_region]
    pushes = session.execute(select(func.count()).select_from(CasePush).join(Case, Case.id == CasePush.case_id)
                             .where(*push_where)).scalar_one()
    reached = session.execute(select(func.count()).select_from(CasePush).join(Case, Case.id == CasePush.case_id)
                              .where(CasePush.ordinal == 3, *push_where)).scalar_one()
    return {"fairs_held": int(fairs_held), "fair_jobs_offered": int(offered), "visits": int(visits),
            "visit_jobs_promised": int(promised), "cases_opened": int(opened), "pushes": int(pushes),
            "cases_reaching_three_pushes": int(reached)}


def daily_report(session: Session, day: date, code: str | None) -> dict[str, Any]:
    """The figures for one Beijing day; ``code`` a region code (its whole area) or None for all of China."""
    start, end = beijing_day(day)
    region = region_by_code(code) if code else None
    return {"date": day.isoformat(), "region": region.code if region else None,
            "region_name": region.name if region else None,
            **_jobs(session, start, end, region.code if region else None),
            **_campaign(session, start, end, region.code if region else None)}


def report_csv(report: dict[str, Any]) -> bytes:
    """One header row and one data row, UTF-8 with a BOM so spreadsheet programs read the Chinese."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(["" if report[c] is None else report[c] for c in COLUMNS])
    return "\ufeff".encode() + buf.getvalue().encode("utf-8")
