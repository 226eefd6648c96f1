"""Every province's report figures for a window of time, computed in one pass over each table.

Flows (what happened in the window; a range of days sums them): jobs by where they are, fairs by
where they are held, visits, cases, pushes and assistance records by the province of the
university that made the effort. Stocks (how things stood at the window's end; a range takes the
last day's): open jobs (replayed from the change log), universities linked and at target, distinct
employers visited, open cases and their coverage.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, func, select
from sqlalchemy.orm import Session

from app.models import (
    SME_CLASSES,
    Case,
    CasePush,
    CaseRecord,
    Change,
    Employer,
    Fair,
    FairJob,
    Job,
    Partner,
    Posting,
    Visit,
)

from .campaign import province_of
from .oversight import province_rows, provinces
from .rules import applied_rules
from .visits import sme_key

FLOWS = ("postings_received", "new_jobs", "jobs_closed", "fairs_held", "fair_jobs_offered", "fair_employers",
         "fair_sme_employers", "visits", "visit_jobs_promised", "new_employer_visits", "sme_visits",
         "cases_opened", "pushes", "cases_newly_covered", "assistance_records", "training_records")
STOCKS = ("open_jobs", "universities", "universities_linked", "universities_at_visit_target",
          "employers_visited", "new_employers", "sme_employers", "cases_open", "cases_covered", "cases_uncovered")
FIGURES = FLOWS + STOCKS
Figures = dict[str, dict[str, int]]


def _provinces_of_locations(locations: Any) -> set[str]:
    return {p for loc in locations or () if isinstance(loc, dict)
            for p in [province_of(loc.get("region_code"))] if p}


def _provinces_of_scope(scope: str | None) -> set[str]:
    """``r:440000`` keys of a change's scope (a job's regions with their ancestors)."""
    return {k[2:] for k in (scope or "").split() if k.startswith("r:") and k.endswith("0000")}


def _add(out: Figures, province: str | None, figure: str, n: int = 1) -> None:
    if province in out:
        out[province][figure] += n


def _by_locations(session: Session, out: Figures, stmt: Any, figure: str) -> None:
    """Count ``stmt``'s rows (selecting a job's locations) per province: grouped by the locations'
    text in the database, each distinct set parsed once."""
    text = cast(Job.locations, String)
    for locations, n in session.execute(stmt.with_only_columns(text, func.count()).group_by(text)):
        for p in _provinces_of_locations(json.loads(locations) if locations else None):
            _add(out, p, figure, int(n))


def _by_scope(session: Session, out: Figures, stmt: Any, figure: str) -> None:
    """Count ``stmt``'s rows (a scope and a count) per province, each distinct scope parsed once."""
    for scope, n in session.execute(stmt):
        for p in _provinces_of_scope(scope):
            _add(out, p, figure, int(n))


def _jobs(session: Session, out: Figures, start: datetime, end: datetime) -> None:
    _by_locations(session, out, select(Job.locations).join(Posting, Posting.job_id == Job.id).where(
        Posting.first_seen_at >= start, Posting.first_seen_at < end), "postings_received")
    _by_locations(session, out, select(Job.locations).where(Job.first_seen_at >= start, Job.first_seen_at < end),
                  "new_jobs")
    _by_scope(session, out, select(Change.scope, func.count(Change.job_id.distinct())).where(
        Change.op == "delete", Change.created_at >= start, Change.created_at < end).group_by(Change.scope),
        "jobs_closed")
    # Open at the end: each job's last change before it, if an upsert (and the job had not closed
    # by then: a compacted log keeps only a job's last upsert).
    last = select(Change.job_id, func.max(Change.seq).label("seq")).where(Change.created_at < end) \
        .group_by(Change.job_id).subquery()
    _by_scope(session, out, select(Change.scope, func.count()).join(last, last.c.seq == Change.seq)
              .join(Job, Job.id == Change.job_id)
              .where(Change.op == "upsert", ~and_(Job.status == "closed", Job.updated_at < end))
              .group_by(Change.scope), "open_jobs")


def _fairs(session: Session, out: Figures, start: datetime, end: datetime) -> None:
    fairs = session.execute(select(Fair.id, Fair.region_code, Fair.employers).where(
        Fair.status != "cancelled", Fair.starts_at >= start, Fair.starts_at < end)).all()
    if not fairs:
        return
    province = {fid: province_of(code) for fid, code, _ in fairs}
    jobs: dict[str | None, set[str]] = {}
    for fid, job_id in session.execute(select(FairJob.fair_id, FairJob.job_id).where(
            FairJob.fair_id.in_(list(province)))):
        jobs.setdefault(province[fid], set()).add(job_id)
    codes = {e.get("credit_code") for _, _, emps in fairs for e in emps or () if e.get("credit_code")}
    sizes = dict(session.execute(select(Employer.credit_code, Employer.size_class).where(
        Employer.credit_code.in_(list(codes)), Employer.size_class.is_not(None))).all()) if codes else {}
    for _fid, code, employers in fairs:
        p = province_of(code)
        _add(out, p, "fairs_held")
        for e in employers or ():
            _add(out, p, "fair_employers")
            if (e.get("size") or sizes.get(e.get("credit_code"))) in SME_CLASSES:
                _add(out, p, "fair_sme_employers")
    for p, ids in jobs.items():
        _add(out, p, "fair_jobs_offered", len(ids))


def _campaign(session: Session, out: Figures, start: datetime, end: datetime, home: dict[str, str | None],
              required: dict[str, int]) -> None:
    new_visits = func.sum(case((Visit.new_employer.is_(True), 1), else_=0))
    for pid, n, promised, new, smes in session.execute(
            select(Visit.partner_id, func.count(), func.coalesce(func.sum(Visit.jobs_promised), 0), new_visits,
                   func.count(sme_key()))
            .where(Visit.visited_at >= start, Visit.visited_at < end).group_by(Visit.partner_id)):
        p = home.get(pid)
        _add(out, p, "visits", int(n))
        _add(out, p, "visit_jobs_promised", int(promised))
        _add(out, p, "new_employer_visits", int(new or 0))
        _add(out, p, "sme_visits", int(smes or 0))
    for pid, n in session.execute(select(Case.partner_id, func.count()).where(
            Case.created_at >= start, Case.created_at < end).group_by(Case.partner_id)):
        _add(out, home.get(pid), "cases_opened", int(n))
    for pid, ordinal in session.execute(select(Case.partner_id, CasePush.ordinal).join(
            Case, Case.id == CasePush.case_id).where(CasePush.pushed_at >= start, CasePush.pushed_at < end)):
        _add(out, home.get(pid), "pushes")
        if ordinal == required.get(pid, 3):
            _add(out, home.get(pid), "cases_newly_covered")
    for pid, kind, n in session.execute(select(Case.partner_id, CaseRecord.kind, func.count()).join(
            Case, Case.id == CaseRecord.case_id).where(CaseRecord.created_at >= start, CaseRecord.created_at < end)
            .group_by(Case.partner_id, CaseRecord.kind)):
        _add(out, home.get(pid), "assistance_records", int(n))
        if kind == "training":
            _add(out, home.get(pid), "training_records", int(n))


def province_figures(session: Session, start: datetime, end: datetime, now: datetime) -> Figures:
    """province code → every figure, for the window ``[start, end)``; stocks as at ``end``."""
    out: Figures = {code: dict.fromkeys(FIGURES, 0) for code, _ in provinces()}
    unis = list(session.execute(select(Partner).where(Partner.kind == "university")).scalars())
    home = {p.id: province_of(p.region_code) for p in unis}
    required = {pid: r["case_pushes"].value for pid, r in applied_rules(session, unis).items()}
    _jobs(session, out, start, end)
    _fairs(session, out, start, end)
    _campaign(session, out, start, end, home, required)
    for row in province_rows(session, now, before=end):
        figures = out[row["province_code"]]
        for key in ("universities", "universities_linked", "universities_at_visit_target", "employers_visited",
                    "new_employers", "sme_employers", "cases_open", "cases_covered", "cases_uncovered"):
            figures[key] = int(row[key])
    return out
