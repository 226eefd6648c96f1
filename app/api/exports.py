"""Exports (public, no key): a job as JSON-LD, any search as RSS/Atom or CSV.

The search filters are those of ``GET /api/v1/jobs``; results come from the search
service, so a feed or a spreadsheet lists exactly what the search page shows.
Registered before the jobs router so ``/api/v1/jobs/feed.rss`` is not read as a job id.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

import orjson
import pydantic
from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response, StreamingResponse

from app.db import Database
from app.errors import NotFound, ValidationFailed, pydantic_errors
from app.export import csv as csv_export
from app.export.feeds import atom, rss
from app.export.jsonld import job_posting
from app.jobs.render import get_job
from app.normalize import region_by_code
from app.schemas.common import problem_responses
from app.search.service import SearchParams, search_jobs

from .deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/jobs", tags=["exports"])
Many = Annotated[list[str] | None, Query()]
CSV_PAGE = 100


def search_filters(q: Annotated[str | None, Query(max_length=200)] = None, region: Many = None,
                   industry: Many = None, education: Many = None, job_type: Many = None,
                   employer_type: Many = None, salary_min: Annotated[int | None, Query(ge=0)] = None,
                   posted_since: date | None = None,
                   sort: Annotated[str, Query(pattern="^(relevance|newest|salary)$")] = "newest") -> dict[str, Any]:
    """The search of ``GET /api/v1/jobs`` (newest first unless told otherwise)."""
    params: dict[str, Any] = {"q": q, "region": region or [], "industry": industry or [],
                              "education": education or [], "job_type": job_type or [],
                              "employer_type": employer_type or [], "salary_min": salary_min,
                              "posted_since": posted_since, "sort": sort}
    _params(params, 1, None)  # validate now: a bad filter is a 422 before any bytes are sent
    return params


Filters = Annotated[dict[str, Any], Depends(search_filters)]


def _params(filters: dict[str, Any], limit: int, cursor: str | None) -> SearchParams:
    try:
        return SearchParams(**filters, limit=limit, cursor=cursor)
    except pydantic.ValidationError as exc:
        raise ValidationFailed("The search is not valid; see errors.",
                               errors=pydantic_errors(exc.errors(include_url=False))) from None


def _search(db: Database, secret: str, filters: dict[str, Any], limit: int,
            cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    with db.read() as session:
        result = search_jobs(session, _params(filters, limit, cursor), secret=secret)
    return result.items, result.next_cursor


def _title(filters: dict[str, Any]) -> str:
    words = [filters["q"]] if filters.get("q") else []
    for code in filters.get("region") or []:
        found = region_by_code(code)
        words.append(found.name if found else code)
    for name in ("industry", "education", "job_type", "employer_type"):
        words += filters.get(name) or []
    return "24365 岗位订阅" + ("：" + "，".join(words) if words else "")


def _links(request: Request, filters: dict[str, Any]) -> tuple[str, str, str]:
    base = str(request.base_url).rstrip("/")
    query = urlencode({k: v for k, v in filters.items() if v not in (None, [], "")}, doseq=True)
    return f"{base}/?{query}", str(request.url), base + "/jobs/{id}"


@router.get("/feed.rss", response_class=Response, responses={
    200: {"content": {"application/rss+xml": {}}, "description": "RSS 2.0"}, **problem_responses(422)},
    summary="Any search as an RSS 2.0 feed (newest first)")
def get_rss(request: Request, filters: Filters, db: DbDep, settings: SettingsDep,
            limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    items, _ = _search(db, settings.secret_key, filters, limit)
    link, self_url, page = _links(request, filters)
    return Response(rss(items, title=_title(filters), link=link, self_url=self_url, page_url=page),
                    media_type="application/rss+xml; charset=utf-8")


@router.get("/feed.atom", response_class=Response, responses={
    200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0"}, **problem_responses(422)},
    summary="Any search as an Atom feed (newest first)")
def get_atom(request: Request, filters: Filters, db: DbDep, settings: SettingsDep,
             limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    items, _ = _search(db, settings.secret_key, filters, limit)
    link, self_url, page = _links(request, filters)
    return Response(atom(items, title=_title(filters), link=link, self_url=self_url, page_url=page),
                    media_type="application/atom+xml; charset=utf-8")


@router.get("/export.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a BOM"}, **problem_responses(422)},
    summary="Any search as CSV for Excel (UTF-8 with BOM), streamed")
def get_csv(request: Request, filters: Filters, db: DbDep, settings: SettingsDep,
            max_rows: Annotated[int, Query(ge=1, le=50_000)] = 10_000) -> Response:
    _, _, page = _links(request, filters)

    def pages() -> Iterator[list[dict[str, Any]]]:
        cursor, sent = None, 0
        while sent < max_rows:
            items, cursor = _search(db, settings.secret_key, filters, min(CSV_PAGE, max_rows - sent), cursor)
            yield items
            sent += len(items)
            if not cursor or not items:
                return

    name = f"jobs-{date.today().isoformat()}.csv"
    return StreamingResponse(csv_export.stream(pages(), page), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{job_id}/jsonld", response_class=Response, responses={
    200: {"content": {"application/ld+json": {}}, "description": "schema.org JobPosting"},
    **problem_responses(404, 422)}, summary="One job as schema.org JobPosting JSON-LD")
def get_jsonld(request: Request, job_id: Annotated[str, Path(max_length=64)], db: DbDep) -> Response:
    with db.read() as session:
        doc = get_job(session, job_id)
    if doc is None:
        raise NotFound("no such job")
    page = str(request.base_url).rstrip("/") + f"/jobs/{job_id}"
    return Response(orjson.dumps(job_posting(doc, page_url=page)), media_type="application/ld+json")
