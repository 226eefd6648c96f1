"""The students' pages: search, a job, an employer, the fairs, and the static files."""

from __future__ import annotations

import time
from typing import Any

import pydantic
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import CountsDep, DbDep, SettingsDep, read_public
from app.db import Database
from app.errors import HubError
from app.httpcache import http_date
from app.jobs.render import get_job
from app.schemas.common import SafeStr
from app.schemas.search import SearchQuery
from app.search.facets import EXACT, CountsPolicy
from app.search.service import SearchResult, query_terms, search_jobs

from . import filters
from .assets import LONG, SHORT, assets
from .data import get_employer
from .labels import SORT
from .query import PageInvalid, PageQuery, parse_query
from .render import SECURITY_HEADERS, error_page, page
from .view import job_posting_ld

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20


def _invalid(exc: Exception) -> Response:
    if isinstance(exc, PageInvalid):
        errors = exc.errors
    elif isinstance(exc, pydantic.ValidationError):
        errors = [(".".join(map(str, e["loc"])) or "query", e["msg"]) for e in exc.errors()]
    else:
        errors = [(e.get("field", "query"), e.get("message", "")) for e in getattr(exc, "errors", None) or []]
    return error_page(422, "搜索条件有误", "链接里有无法识别的搜索条件，请检查后重试，或重新开始搜索。",
                      errors=errors)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _search(request: Request, db: Database, secret: str, query: SearchQuery, cursor: str | None,
            facets: tuple[str, ...] = (), counts: CountsPolicy = EXACT) -> SearchResult:
    return read_public(request, db, lambda session: search_jobs(
        session, query, limit=PAGE_SIZE, cursor=cursor, facets=facets, secret=secret, counts=counts))


def _empty_suggestions(query: PageQuery, chips: list[filters.Chip]) -> list[tuple[str, str]]:
    """Ways to loosen a search that found nothing, most specific first."""
    q = query.search.q
    out = [(f"去掉「{c.label}」", c.remove_url) for c in chips]
    if q and query.has_filters():
        out.append((f"只搜索「{q}」，不加筛选", PageQuery(SearchQuery(q=q, sort=query.search.sort)).url()))
    if q:
        out.append(("不用关键词，只按筛选条件查看", query.url(q=None)))
    if len(chips) > 1:
        out.append(("清除所有筛选", PageQuery(SearchQuery(q=q)).url()))
    return out


@router.get("/")
def search_page(request: Request, db: DbDep, settings: SettingsDep, counts: CountsDep) -> Response:
    start = time.perf_counter()
    try:
        query = parse_query(request.query_params)
        result = _search(request, db, settings.secret_key, query.searched(), query.cursor, filters.FACETS, counts)
    except (PageInvalid, pydantic.ValidationError, HubError) as exc:
        if isinstance(exc, HubError) and exc.status != 422:
            raise
        return _invalid(exc)
    chips = filters.chips(query)
    context: dict[str, Any] = {
        "query": query, "result": result, "terms": query_terms(query.search.q) if query.search.q else [],
        "groups": filters.choice_groups(query, result.facets), "picker": filters.region_picker(query, result.facets),
        "chips": chips, "salary_choices": filters.salary_choices(query.search.salary_min),
        "within_choices": filters.posted_within_choices(query.posted_within), "sorts": SORT,
        "next_url": query.next_url(result.next_cursor) if result.next_cursor else None,
        "prev_url": query.prev_url(), "suggestions": _empty_suggestions(query, chips),
    }
    return page("search.html", data_ms=_ms(start), **context)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: SafeStr, db: DbDep, settings: SettingsDep) -> Response:
    job, start = None, time.perf_counter()
    if len(job_id) <= 64 and job_id.isascii() and job_id.isalnum():
        job = read_public(request, db, lambda session: get_job(session, job_id))
    if job is None:
        return error_page(404, "职位不存在", "这个职位不存在，或已被发布方删除。可以回到搜索页看看其他职位。")
    answer = page("job.html", data_ms=_ms(start), job=job, ld=job_posting_ld(job, f"{settings.base_url}/jobs/{job['id']}"))
    answer.headers["Last-Modified"] = http_date(job["updated_at"])
    return answer


@router.get("/employers/{employer_id}")
def employer_page(employer_id: SafeStr, request: Request, db: DbDep, settings: SettingsDep) -> Response:
    employer, start = None, time.perf_counter()
    if len(employer_id) <= 64 and employer_id.isascii() and employer_id.isalnum():
        employer = read_public(request, db, lambda session: get_employer(session, employer_id))
    if employer is None:
        return error_page(404, "单位不存在", "没有找到这个用人单位。")
    path = f"/employers/{employer.id}"
    try:
        query = parse_query(request.query_params, paging_only=True)
        result = _search(request, db, settings.secret_key, SearchQuery(employer_id=employer.id, sort="newest"),
                         query.cursor)
    except (PageInvalid, pydantic.ValidationError, HubError) as exc:
        if isinstance(exc, HubError) and exc.status != 422:
            raise
        return _invalid(exc)
    return page("employer.html", data_ms=_ms(start), employer=employer, result=result, query=query, terms=[],
                next_url=query.next_url(result.next_cursor, path) if result.next_cursor else None,
                prev_url=query.prev_url(path))


@router.get("/fairs")
def fairs_page() -> Response:
    return page("fairs.html")


@router.get("/static/{name}")
def static_file(name: SafeStr, request: Request) -> Response:
    asset = assets().get(name)
    if asset is None:
        return Response(b"not found", status_code=404, media_type="text/plain",
                        headers={"X-Content-Type-Options": "nosniff"})
    headers = {**SECURITY_HEADERS, "Cache-Control": LONG if name == asset.hashed else SHORT,
               "ETag": asset.etag, "Vary": "Accept-Encoding"}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    body = asset.body
    if asset.gzipped and "gzip" in request.headers.get("accept-encoding", ""):
        body, headers["Content-Encoding"] = asset.gzipped, "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)
