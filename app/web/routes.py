"""The students' pages: search, a job, an employer, the fairs, and the static files."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pydantic
from fastapi import APIRouter, Request
from starlette.responses import Response

from app.api.deps import CountsDep, DbDep, SettingsDep, read_public
from app.db import Database
from app.errors import HubError
from app.httpcache import http_date
from app.jobs.render import get_job
from app.models import Fair, utcnow
from app.schemas.common import SafeStr
from app.schemas.search import SearchQuery
from app.search.facets import EXACT, CountsPolicy
from app.search.service import SearchResult, query_terms, search_jobs
from app.search.suggest import suggest_index
from app.services.fairs import fairs_of_jobs

from . import filters
from .assets import LONG, SHORT, assets
from .data import get_employer, partner_sites
from .labels import SORT
from .query import PageInvalid, PageQuery, parse_query
from .render import SECURITY_HEADERS, error_page, page
from .similar import similar_jobs
from .view import apply_path, job_posting_ld

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
            facets: tuple[str, ...] = (), counts: CountsPolicy = EXACT
            ) -> tuple[SearchResult, dict[str, list[dict[str, Any]]]]:
    """A page of the search and, for its cards, the upcoming fairs each job is offered at."""
    def read(session: Any) -> tuple[SearchResult, dict[str, list[dict[str, Any]]]]:
        result = search_jobs(session, query, limit=PAGE_SIZE, cursor=cursor, facets=facets, secret=secret,
                             counts=counts)
        return result, fairs_of_jobs(session, [j["id"] for j in result.items], utcnow())
    return read_public(request, db, read)


def _fair_title(request: Request, db: Database, fair_id: str | None) -> str | None:
    """The title of the fair a search is narrowed to ("" for none; None: no such fair)."""
    if not fair_id:
        return ""

    def read(session: Any) -> str | None:
        fair = session.get(Fair, fair_id)
        return fair.title if fair is not None else None
    return read_public(request, db, read)


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


def _hints(db: Database, key: str, q: str) -> list[str]:
    """Real titles and employer names that what was typed begins, or spells in pinyin."""
    with db.read() as session:
        index = suggest_index(session, key)
    return [e.text for e in index.suggest(q, 10)]


def _feeds(query: PageQuery, base: str, fair_title: str | None) -> dict[str, str]:
    """The RSS and Atom feeds of this very search (newest first), and what to call them."""
    params = query.searched().model_dump(mode="json", exclude_defaults=True)
    params.pop("sort", None)
    qs = urlencode(params, doseq=True)
    suffix = f"?{qs}" if qs else ""
    words = [query.search.q] if query.search.q else []
    if fair_title:
        words.append(fair_title)
    title = "、".join(words) + "的新职位" if words else "最新职位"
    return {"rss": f"{base}/api/v1/jobs/feed.rss{suffix}", "atom": f"{base}/api/v1/jobs/feed.atom{suffix}",
            "title": title}


@router.get("/")
def search_page(request: Request, db: DbDep, settings: SettingsDep, counts: CountsDep) -> Response:
    start = time.perf_counter()
    try:
        query = parse_query(request.query_params)
        fair_title = _fair_title(request, db, query.search.fair)
        if fair_title is None:
            return error_page(422, "招聘会不存在", "链接里的招聘会不存在，可能已被删除。可以在招聘会列表里重新选择。",
                              errors=[("fair", "没有这个招聘会")], back="/fairs")
        result, fairs = _search(request, db, settings.secret_key, query.searched(), query.cursor, filters.FACETS,
                                counts)
        typed, hints = None, []
        if query.search.q and not result.items and not query.cursor:
            hints = _hints(db, settings.database_url, query.search.q)
            if hints and query.search.q.isascii():  # pinyin typed on a phone: search the Chinese it spells
                typed, query = query.search.q, replace(query, search=query.search.model_copy(update={"q": hints[0]}))
                result, fairs = _search(request, db, settings.secret_key, query.searched(), None, filters.FACETS,
                                        counts)
    except (PageInvalid, pydantic.ValidationError, HubError) as exc:
        if isinstance(exc, HubError) and exc.status != 422:
            raise
        return _invalid(exc)
    chips = filters.chips(query, fair_title)
    context: dict[str, Any] = {
        "query": query, "result": result, "terms": query_terms(query.search.q) if query.search.q else [],
        "groups": filters.choice_groups(query, result.facets), "picker": filters.region_picker(query, result.facets),
        "chips": chips, "salary_choices": filters.salary_choices(query.search.salary_min),
        "within_choices": filters.posted_within_choices(query.posted_within), "sorts": SORT,
        "next_url": query.next_url(result.next_cursor) if result.next_cursor else None,
        "prev_url": query.prev_url(), "suggestions": _empty_suggestions(query, chips), "fairs": fairs,
        "fair_title": fair_title, "feeds": _feeds(query, settings.base_url, fair_title),
        "canonical": settings.base_url + query.url(), "typed": typed,
        "hints": [(h, query.url(q=h)) for h in hints if h != query.search.q][:5],
    }
    return page("search.html", data_ms=_ms(start), **context)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: SafeStr, db: DbDep, settings: SettingsDep) -> Response:
    job, start = None, time.perf_counter()
    fairs: list[dict[str, Any]] = []
    similar: list[dict[str, Any]] = []
    sites: dict[str, str] = {}
    if len(job_id) <= 64 and job_id.isascii() and job_id.isalnum():

        def read(session: Any) -> tuple[Any, list[dict[str, Any]], dict[str, str], list[dict[str, Any]]]:
            found = get_job(session, job_id)
            if found is None:
                return None, [], {}, []
            return (found, fairs_of_jobs(session, [found["id"]], utcnow()).get(found["id"], []),
                    partner_sites(session, [s["partner_id"] for s in found["sources"]]),
                    similar_jobs(session, dict(found), settings.secret_key) if found["status"] == "open" else [])
        job, fairs, sites, similar = read_public(request, db, read)
    if job is None:
        return error_page(404, "职位不存在", "这个职位不存在，或已被发布方删除。可以回到搜索页看看其他职位。")
    url = f"{settings.base_url}/jobs/{job['id']}"
    answer = page("job.html", data_ms=_ms(start), job=job, ld=job_posting_ld(job, url), canonical=url, fairs=fairs,
                  apply=apply_path(dict(job), sites), similar=similar)
    if job["updated_at"]:
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
        result, fairs = _search(request, db, settings.secret_key, SearchQuery(employer_id=employer.id, sort="newest"),
                                query.cursor)
    except (PageInvalid, pydantic.ValidationError, HubError) as exc:
        if isinstance(exc, HubError) and exc.status != 422:
            raise
        return _invalid(exc)
    return page("employer.html", data_ms=_ms(start), employer=employer, result=result, query=query, terms=[], fairs=fairs,
                next_url=query.next_url(result.next_cursor, path) if result.next_cursor else None,
                prev_url=query.prev_url(path))


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
