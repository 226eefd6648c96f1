"""The shared job index (public): search jobs, read one job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.errors import NotFound
from app.httpcache import http_date
from app.jobs.render import get_job
from app.jobs.rows import JobDocument
from app.schemas.common import IdPath, problem_responses
from app.schemas.job import JobList, JobOut
from app.schemas.search import JobSearch
from app.search.service import search_jobs

from .deps import CountsDep, DbDep, SettingsDep, read_public

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", response_model=JobList, responses=problem_responses(422), summary="Search the jobs",
            description="Chinese or English full text with filters, facets and cursor paging. `total` stops "
                        "at 10,000 (`total_capped` is then true) and facets then count the newest 10,000 "
                        "matches. Facet counts for a field ignore that field's own filter.")
def get_jobs(request: Request, query: Annotated[JobSearch, Query()], db: DbDep, settings: SettingsDep,
             counts: CountsDep) -> dict[str, Any]:
    result = read_public(request, db, lambda session: search_jobs(
        session, query, limit=query.limit, cursor=query.cursor, facets=query.facets, secret=settings.secret_key,
        counts=counts))
    return {"items": result.items, "next_cursor": result.next_cursor, "total": result.total,
            "total_capped": result.total_capped, "facets": result.facets,
            "counts_as_of": None if result.counts_as_of is None
            else datetime.fromtimestamp(result.counts_as_of, UTC).isoformat(timespec="milliseconds")}


@router.get("/{job_id}", response_model=JobOut, responses=problem_responses(404, 422), summary="One job")
def get_one_job(request: Request, response: Response, job_id: IdPath, db: DbDep) -> JobDocument:
    doc = read_public(request, db, lambda session: get_job(session, job_id))
    if doc is None:
        raise NotFound("no such job")
    if doc["updated_at"]:
        response.headers["Last-Modified"] = http_date(doc["updated_at"])
    return doc
