"""The shared job index (public): search jobs, read one job."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.errors import NotFound
from app.jobs.render import get_job
from app.jobs.rows import JobDocument
from app.schemas.common import IdPath, problem_responses
from app.schemas.job import JobList, JobOut
from app.schemas.search import JobSearch
from app.search.service import search_jobs

from .deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", response_model=JobList, responses=problem_responses(422), summary="Search the jobs",
            description="Chinese or English full text with filters, facets and cursor paging. `total` stops "
                        "at 10,000 (`total_capped` is then true) and facets then count the newest 10,000 "
                        "matches. Facet counts for a field ignore that field's own filter.")
def get_jobs(query: Annotated[JobSearch, Query()], db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    with db.read() as session:
        result = search_jobs(session, query, limit=query.limit, cursor=query.cursor, facets=query.facets,
                             secret=settings.secret_key)
    return {"items": result.items, "next_cursor": result.next_cursor, "total": result.total,
            "total_capped": result.total_capped, "facets": result.facets}


@router.get("/{job_id}", response_model=JobOut, responses=problem_responses(404, 422), summary="One job")
def get_one_job(job_id: IdPath, db: DbDep) -> JobDocument:
    with db.read() as session:
        doc = get_job(session, job_id)
    if doc is None:
        raise NotFound("no such job")
    return doc
