"""Reading jobs: the Job document of the public contract, built in bulk."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Employer, Job, Partner, Posting


def _iso(v: Any) -> str | None:
    return v.isoformat() if v is not None else None


def render_jobs(session: Session, jobs: list[Job]) -> list[dict[str, Any]]:
    """Job documents for ``jobs``, with employers and sources loaded in two queries."""
    if not jobs:
        return []
    ids = [j.id for j in jobs]
    employers = {e.id: e for e in session.execute(
        select(Employer).where(Employer.id.in_({j.employer_id for j in jobs}))).scalars()}
    sources: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    rows = session.execute(
        select(Posting.job_id, Posting.partner_id, Posting.external_id, Posting.url, Posting.status,
               Posting.first_seen_at, Posting.last_seen_at, Partner.name, Partner.kind)
        .join(Partner, Partner.id == Posting.partner_id)
        .where(Posting.job_id.in_(ids)).order_by(Posting.first_seen_at, Posting.id)
    )
    for r in rows:
        sources[r.job_id].append({
            "partner_id": r.partner_id, "partner_name": r.name, "partner_kind": r.kind,
            "external_id": r.external_id, "url": r.url, "status": r.status,
            "first_seen_at": _iso(r.first_seen_at), "last_seen_at": _iso(r.last_seen_at),
        })
    return [job_document(j, employers[j.employer_id], sources[j.id]) for j in jobs]


def job_document(job: Job, employer: Employer, sources: list[dict[str, Any]]) -> dict[str, Any]:
    salary = job.salary
    return {
        "id": job.id, "title": job.title,
        "employer": {"id": employer.id, "name": employer.name, "credit_code": employer.credit_code,
                     "credit_code_verified": employer.credit_code_verified, "type": job.employer_type},
        "locations": [{k: loc.get(k) for k in ("region_code", "province", "city", "district", "address")}
                      for loc in job.locations],
        "description": job.description, "job_type": job.job_type, "education": job.education,
        "majors": job.majors, "industry": job.industry, "salary": salary, "headcount": job.headcount,
        "posted_at": _iso(job.posted_at), "valid_through": _iso(job.valid_through),
        "apply_url": job.apply_url, "status": job.status,
        "first_seen_at": _iso(job.first_seen_at), "updated_at": _iso(job.updated_at),
        "sources": sources, "field_sources": job.field_sources,
    }


def get_job(session: Session, job_id: str) -> dict[str, Any] | None:
    job = session.get(Job, job_id)
    return render_jobs(session, [job])[0] if job else None
