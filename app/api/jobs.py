"""The shared job index (public): list and read deduplicated jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.cursor import decode_cursor, encode_cursor
from app.errors import NotFound, ValidationFailed, field_error
from app.schemas.common import problem_responses
from app.schemas.job import JobList, JobOut
from app.services.jobs import get_job, list_jobs, render_jobs

from .deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", response_model=JobList, responses=problem_responses(422), summary="List open jobs, newest first")
def get_jobs(db: DbDep, settings: SettingsDep,
             cursor: Annotated[str | None, Query(max_length=2000)] = None,
             limit: Annotated[int, Query(ge=1, le=100)] = 20) -> dict[str, object]:
    after = decode_cursor(cursor, settings.secret_key) if cursor else None
    if after is not None and not (isinstance(after, list) and len(after) == 2 and all(isinstance(x, str) for x in after)):
        raise ValidationFailed("bad cursor", errors=[field_error("cursor", "invalid cursor")])
    with db.read() as session:
        jobs = list_jobs(session, after=tuple(after) if after else None, limit=limit + 1)
        docs = render_jobs(session, jobs[:limit])
    nxt = None
    if len(jobs) > limit:
        last = jobs[limit - 1]
        nxt = encode_cursor([last.first_seen_at.isoformat(), last.id], settings.secret_key)
    return {"items": docs, "next_cursor": nxt, "total": None, "facets": {}}


@router.get("/{job_id}", response_model=JobOut, responses=problem_responses(404, 422), summary="One job")
def get_one_job(job_id: Annotated[str, Path(max_length=64)], db: DbDep) -> dict[str, object]:
    with db.read() as session:
        doc = get_job(session, job_id)
    if doc is None:
        raise NotFound("no such job")
    return doc
