"""Exports (public, no key): a job as JSON-LD, any search as RSS/Atom or CSV.

The query string is ``GET /api/v1/jobs``'s search (``app.schemas.search.FeedQuery``, newest
first unless told otherwise); results come from the search service, so a feed or a
spreadsheet lists exactly what the search page shows.
Registered before the jobs router so ``/api/v1/jobs/feed.rss`` is not read as a job id.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Query, Request
from starlette.responses import Response, StreamingResponse

from app.db import Database
from app.errors import NotFound
from app.export import csv as csv_export
from app.export.feeds import atom, rss
from app.export.jsonld import job_posting
from app.httpcache import http_date
from app.jobs.render import get_job
from app.jobs.rows import JobDocument
from app.normalize import region_by_code
from app.schemas.common import IdPath, problem_responses
from app.schemas.search import FeedQuery
from app.search.service import search_jobs

from .deps import DbDep, SettingsDep, read_public

router = APIRouter(prefix="/api/v1/jobs", tags=["exports"])
Filters = Annotated[FeedQuery, Query()]
CSV_PAGE = 100


def _search(request: Request, db: Database, secret: str, query: FeedQuery, limit: int,
            cursor: str | None = None) -> tuple[list[JobDocument], str | None]:
    result = read_public(request, db, lambda session: search_jobs(session, query, limit=limit, cursor=cursor,
                                                                  secret=secret))
    return result.items, result.next_cursor


def _title(query: FeedQuery) -> str:
    words = [query.q] if query.q else []
    for code in query.region:
        found = region_by_code(code)
        words.append(found.name if found else code)
    for name in ("industry", "education", "job_type", "employer_type"):
        words += getattr(query, name)
    return "24365 岗位订阅" + ("：" + "，".join(words) if words else "")


def _links(request: Request, base: str, query: FeedQuery) -> tuple[str, str, str]:
    """The search page, this feed and a job's page, under the configured public URL (never Host)."""
    filters = {**query.model_dump(exclude_defaults=True), "sort": query.sort}
    qs = urlencode({k: v for k, v in filters.items() if v not in (None, [], "")}, doseq=True)
    self_url = base + request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{base}/?{qs}", self_url, base + "/jobs/{id}"


@router.get("/feed.rss", response_class=Response, responses={
    200: {"content": {"application/rss+xml": {}}, "description": "RSS 2.0"}, **problem_responses(422)},
    summary="Any search as an RSS 2.0 feed (newest first)")
def get_rss(request: Request, query: Filters, db: DbDep, settings: SettingsDep,
            limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    items, _ = _search(request, db, settings.secret_key, query, limit)
    link, self_url, page = _links(request, settings.base_url, query)
    return Response(rss(items, title=_title(query), link=link, self_url=self_url, page_url=page),
                    media_type="application/rss+xml; charset=utf-8")


@router.get("/feed.atom", response_class=Response, responses={
    200: {"content": {"application/atom+xml": {}}, "description": "Atom 1.0"}, **problem_responses(422)},
    summary="Any search as an Atom feed (newest first)")
def get_atom(request: Request, query: Filters, db: DbDep, settings: SettingsDep,
             limit: Annotated[int, Query(ge=1, le=100)] = 50) -> Response:
    items, _ = _search(request, db, settings.secret_key, query, limit)
    link, self_url, page = _links(request, settings.base_url, query)
    return Response(atom(items, title=_title(query), link=link, self_url=self_url, page_url=page),
                    media_type="application/atom+xml; charset=utf-8")


@router.get("/export.csv", response_class=Response, responses={
    200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a BOM"}, **problem_responses(422)},
    summary="Any search as CSV for Excel (UTF-8 with BOM), streamed")
def get_csv(request: Request, query: Filters, db: DbDep, settings: SettingsDep,
            max_rows: Annotated[int, Query(ge=1, le=50_000)] = 10_000) -> Response:
    _, _, page = _links(request, settings.base_url, query)
    # The first page is read now: a search that cannot run (an unknown fair) is a 422, not a
    # stream that breaks after its first bytes.
    first = _search(request, db, settings.secret_key, query, min(CSV_PAGE, max_rows))

    def pages() -> Iterator[list[JobDocument]]:
        (items, cursor), sent = first, 0
        while True:
            yield items
            sent += len(items)
            if not cursor or not items or sent >= max_rows:
                return
            items, cursor = _search(request, db, settings.secret_key, query, min(CSV_PAGE, max_rows - sent), cursor)

    name = f"jobs-{date.today().isoformat()}.csv"
    return StreamingResponse(csv_export.stream(pages(), page), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/{job_id}/jsonld", response_class=Response, responses={
    200: {"content": {"application/ld+json": {}}, "description": "schema.org JobPosting"},
    **problem_responses(404, 422)}, summary="One job as schema.org JobPosting JSON-LD")
def get_jsonld(request: Request, job_id: IdPath, db: DbDep, settings: SettingsDep) -> Response:
    doc = read_public(request, db, lambda session: get_job(session, job_id))
    if doc is None:
        raise NotFound("no such job")
    page = f"{settings.base_url}/jobs/{job_id}"
    return Response(orjson.dumps(job_posting(doc, page_url=page)), media_type="application/ld+json",
                    headers={"Last-Modified": http_date(doc["updated_at"])} if doc["updated_at"] else None)
