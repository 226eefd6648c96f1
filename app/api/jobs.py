"""The shared job index (public): search jobs, read one job."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import ValidationError

from app.errors import NotFound, ValidationFailed, field_error
from app.jobs.render import get_job
from app.schemas.common import problem_responses
from app.schemas.job import JobList, JobOut
from app.search.service import SearchParams, search_jobs

from .deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

ListParam = Annotated[list[str], Query(description="Repeat the parameter or separate values with commas")]


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@router.get("", response_model=JobList, responses=problem_responses(422), summary="Search the jobs",
            description="Chinese or English full text with filters, facets and cursor paging. `total` stops "
                        "at 10,000 (`total_capped` is then true) and facets then count the newest 10,000 "
                        "matches. Facet counts for a field ignore that field's own filter.")
def get_jobs(
    db: DbDep, settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=200, description="Words to find (Chinese needs no spaces)")] = None,
    region: Annotated[list[str], Query(description="GB/T 2260 code; a province or city matches everything "
                                                   "inside it. Repeatable")] = [],  # noqa: B006
    industry: ListParam = [],  # noqa: B006
    education: ListParam = [],  # noqa: B006
    job_type: ListParam = [],  # noqa: B006
    employer_type: ListParam = [],  # noqa: B006
    salary_min: Annotated[int | None, Query(ge=0, le=10_000_000,
                                            description="Monthly CNY the job's range must reach")] = None,
    posted_since: Annotated[datetime.date | None, Query(description="Posted on or after this day")] = None,
    sort: Literal["relevance", "newest", "salary"] = "relevance",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    facets: Annotated[list[str], Query(description="Comma list among region, industry, education, "
                                                   "job_type, employer_type")] = [],  # noqa: B006
    status: Literal["open", "closed", "any"] = "open",
    employer_id: Annotated[str | None, Query(max_length=64)] = None,
    fair: Annotated[str | None, Query(max_length=64, description="Only the jobs on offer at this fair "
                                                                 "(`GET /api/v1/fairs`)")] = None,
) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "q": q, "region": _split(region), "industry": _split(industry), "education": _split(education),
        "job_type": _split(job_type), "employer_type": _split(employer_type), "salary_min": salary_min,
        "posted_since": posted_since, "sort": sort, "limit": limit, "cursor": cursor,
        "facets": _split(facets), "status": status, "employer_id": employer_id,
        "fair": fair,
    }
    try:
        params = SearchParams.model_validate(raw)
    except ValidationError as exc:
        errors = [field_error(str(e["loc"][0]) if e["loc"] else "query", str(e["msg"])[:300], str(e["type"]))
                  for e in exc.errors(include_url=False)]
        raise ValidationFailed("The search is not valid; see errors.", errors=errors) from None
    with db.read() as session:
        result = search_jobs(session, params, secret=settings.secret_key)
    return {"items": result.items, "next_cursor": result.next_cursor, "total": result.total,
            "total_capped": result.total_capped, "facets": result.facets}


@router.get("/{job_id}", response_model=JobOut, responses=problem_responses(404, 422), summary="One job")
def get_one_job(job_id: Annotated[str, Path(max_length=64)], db: DbDep) -> dict[str, object]:
    with db.read() as session:
        doc = get_job(session, job_id)
    if doc is None:
        raise NotFound("no such job")
    return doc
