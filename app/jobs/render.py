"""Render jobs: the Job document of the public contract, built in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import RowMapping, Table, select
from sqlalchemy.orm import Session

from app.db import among
from app.models import Job, Partner, Posting

from .batch import Batch, EmployerRow, employers, partners
from .rows import JobDocument, SourceOut

JOBS = cast(Table, Job.__table__)
# A job as rendering reads it: a ``JobRow`` the road just wrote, or a row read from ``jobs``.
JobLike = Mapping[str, Any] | RowMapping


def _iso(v: datetime | None) -> str | None:
    return v.isoformat() if v is not None else None


def render_jobs(session: Session, jobs: Sequence[JobLike], batch: Batch | None = None) -> list[JobDocument]:
    """Job documents for ``jobs``, with employers and sources loaded in two queries.

    ``batch``: the write batch that just recomputed some of these jobs; their members (all of
    each such job's postings) and its employers and partners are not read back."""
    if not jobs:
        return []
    members = batch.members if batch is not None else {}
    ids = [j["id"] for j in jobs]
    found = employers(session, {j["employer_id"] for j in jobs}, batch)
    sources: dict[str, list[SourceOut]] = {i: [] for i in ids}
    held = [m for i in ids for m in members.get(i, ())]
    if held:
        names = partners(session, {m["partner_id"] for m in held}, batch)
        for m in sorted(held, key=lambda m: (m["first_seen_at"], m["id"])):
            p = names[m["partner_id"]]
            sources[m["job_id"]].append(_source(m["partner_id"], p.name, p.kind, m["external_id"], m["url"],
                                                m["status"], m["first_seen_at"], m["last_seen_at"]))
    rest = [i for i in ids if i not in members]
    if rest:
        rows = session.execute(
            select(Posting.job_id, Posting.partner_id, Posting.external_id, Posting.url, Posting.status,
                   Posting.first_seen_at, Posting.last_seen_at, Partner.name, Partner.kind)
            .join(Partner, Partner.id == Posting.partner_id)
            .where(among(session, Posting.job_id, rest)).order_by(Posting.first_seen_at, Posting.id)
        )
        for r in rows:
            sources[r.job_id].append(_source(r.partner_id, r.name, r.kind, r.external_id, r.url, r.status,
                                             r.first_seen_at, r.last_seen_at))
    return [job_document(j, found[j["employer_id"]], sources[j["id"]]) for j in jobs]


def _source(partner_id: str, name: str, kind: str, external_id: str, url: str | None, status: str,
            first_seen_at: datetime | None, last_seen_at: datetime | None) -> SourceOut:
    return {"partner_id": partner_id, "partner_name": name, "partner_kind": kind, "external_id": external_id,
            "url": url, "status": status, "first_seen_at": _iso(first_seen_at), "last_seen_at": _iso(last_seen_at)}


def job_document(job: JobLike, employer: EmployerRow, sources: list[SourceOut]) -> JobDocument:
    return {
        "id": job["id"], "title": job["title"],
        "employer": {"id": employer.id, "name": employer.name, "credit_code": employer.credit_code,
                     "credit_code_verified": employer.credit_code_verified, "type": job["employer_type"]},
        "locations": [{k: loc.get(k) for k in ("region_code", "province", "city", "district", "address")}
                      for loc in job["locations"]],
        "description": job["description"], "job_type": job["job_type"], "education": job["education"],
        "majors": job["majors"], "industry": job["industry"], "salary": job["salary"],
        "headcount": job["headcount"],
        "posted_at": _iso(job["posted_at"]), "valid_through": _iso(job["valid_through"]),
        "apply_url": job["apply_url"], "status": job["status"],
        "first_seen_at": _iso(job["first_seen_at"]), "updated_at": _iso(job["updated_at"]),
        "sources": sources, "field_sources": job["field_sources"],
    }


def get_job(session: Session, job_id: str) -> JobDocument | None:
    """One job's document, or None."""
    row = session.execute(select(JOBS).where(JOBS.c.id == job_id)).mappings().first()
    return render_jobs(session, [row])[0] if row is not None else None
