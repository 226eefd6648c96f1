"""The fairs for students: the list (upcoming or past, filtered), one fair with its employers
and jobs, and "add to calendar" (``.ics``) for one fair or a filtered list."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from app.api.deps import DbDep, SettingsDep
from app.errors import HubError
from app.export.ics import calendar
from app.models import utcnow
from app.normalize import children, region_by_code
from app.schemas.common import SafeStr
from app.schemas.search import SearchQuery
from app.search.service import search_jobs
from app.services.campaign import FIRST_DAY, LAST_DAY, check_days
from app.services.fairs import fair_documents, get_fair, list_fairs, series_fairs

from .labels import FAIR_KIND, FAIR_MODE, INDUSTRY
from .query import CHINA
from .render import SECURITY_HEADERS, error_page, page

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
FAIR_JOBS = 20
ICS_MAX = 200
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class FairQuery:
    """The fair list's filters, read from and written back to the query string."""

    when: str = "upcoming"
    province: str | None = None
    region: str | None = None
    kind: str | None = None
    mode: str | None = None
    industry: str | None = None
    date_from: datetime.date | None = None
    cursor: str | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = [("when", self.when)] if self.when != "upcoming" else []
        for name in ("province", "region", "kind", "mode", "industry", "date_from", "cursor"):
            value = getattr(self, name)
            if value:
                out.append((name, value.isoformat() if isinstance(value, datetime.date) else value))
        return out

    def url(self, path: str = "/fairs", **changes: Any) -> str:
        q = replace(self, **{"cursor": None, **changes})
        qs = urlencode(q.pairs())
        return f"{path}?{qs}" if qs else path

    def area(self) -> str | None:
        """The region the list is narrowed to: the city if one is chosen, else the province."""
        return self.region or self.province


def _one(qp: QueryParams, name: str) -> str | None:
    values = [v.strip() for v in qp.getlist(name) if v.strip()]
    return values[-1] if values else None


def parse_fair_query(qp: QueryParams) -> tuple[FairQuery, list[tuple[str, str]]]:
    """The filters, and (field, message) for each one that cannot be understood."""
    errors: list[tuple[str, str]] = []
    when = _one(qp, "when") or "upcoming"
    if when not in ("upcoming", "past"):
        errors.append(("when", "应为 upcoming 或 past"))
    choices = {"kind": FAIR_KIND, "mode": FAIR_MODE, "industry": INDUSTRY}
    picked: dict[str, str | None] = {}
    for name, table in choices.items():
        value = _one(qp, name)
        value = value.upper() if value and name == "industry" else value
        if value and value not in table:
            errors.append((name, "不支持的取值"))
            value = None
        picked[name] = value
    province, region = _one(qp, "province"), _one(qp, "region")
    for name, code in (("province", province), ("region", region)):
        if code and (len(code) != 6 or not code.isdigit() or region_by_code(code) is None):
            errors.append((name, "未知的地区代码"))
    if province and region and region_by_code(region) and region_by_code(region).province_code != province:  # type: ignore[union-attr]
        region = None  # a city of another province: the province decides
    day = None
    if raw := _one(qp, "date_from"):
        try:
            day = datetime.date.fromisoformat(raw)
            check_days(date_from=day)
        except ValueError:
            errors.append(("date_from", "日期格式应为 YYYY-MM-DD"))
        except HubError:
            errors.append(("date_from", f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间"))
    cursor = _one(qp, "cursor")
    if cursor and (len(cursor) > 2000 or not cursor.replace("-", "").replace("_", "").replace("=", "").isalnum()):
        errors.append(("cursor", "翻页参数无效"))
    return FairQuery(when, province, region, picked["kind"], picked["mode"], picked["industry"], day, cursor), errors


def beijing(ts: str | None) -> datetime.datetime | None:
    if not ts:
        return None
    value = datetime.datetime.fromisoformat(ts)
    return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).astimezone(CHINA)


def fair_time(starts: str, ends: str) -> str:
    """``2026年5月9日（周六）09:00–15:00`` in Beijing time (both days when it spans several)."""
    a, b = beijing(starts), beijing(ends)
    assert a is not None and b is not None

    def day(d: datetime.datetime) -> str:
        return f"{d.year}年{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"

    if a.date() == b.date():
        return f"{day(a)} {a:%H:%M}–{b:%H:%M}"
    return f"{day(a)} {a:%H:%M} 至 {day(b)} {b:%H:%M}"


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _provinces() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in children(None)]


@router.get("/fairs")
def fairs_page(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    start = time.perf_counter()
    query, errors = parse_fair_query(request.query_params)
    if errors:
        return error_page(422, "筛选条件有误", "链接里有无法识别的筛选条件，请检查后重试。", errors=errors, back="/fairs")
    try:
        with db.read() as session:
            rows, nxt = list_fairs(session, region=query.area(), kind=query.kind, mode=query.mode, when=query.when,  # type: ignore[arg-type]
                                   now=utcnow(), cursor=query.cursor, limit=PAGE_SIZE, secret=settings.secret_key,
                                   industry=query.industry, date_from=query.date_from)
            fairs = fair_documents(session, rows)
    except HubError as exc:
        if exc.status != 422:
            raise
        return error_page(422, "筛选条件有误", "翻页参数无效，请回到第一页。", back=query.url(cursor=None))
    cities = [(c.code, c.name) for c in children(query.province)] if query.province else []
    return page("fairs.html", data_ms=_ms(start), fairs=fairs, query=query, provinces=_provinces(), cities=cities,
                next_url=query.url(cursor=nxt) if nxt else None, fair_time=fair_time,
                ics_url=query.url("/fairs.ics"), canonical=f"{settings.base_url}{query.url()}")


@router.get("/fairs.ics")
def fairs_calendar(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """The filtered list (up to 200 fairs) as one calendar."""
    query, errors = parse_fair_query(request.query_params)
    if errors:
        return error_page(422, "筛选条件有误", "链接里有无法识别的筛选条件。", errors=errors, back="/fairs")
    with db.read() as session:
        rows, _ = list_fairs(session, region=query.area(), kind=query.kind, mode=query.mode, when=query.when,  # type: ignore[arg-type]
                             now=utcnow(), cursor=None, limit=ICS_MAX, secret=settings.secret_key,
                             industry=query.industry, date_from=query.date_from)
        fairs = fair_documents(session, rows)
    return _ics(fairs, settings.base_url, "fairs.ics")


def _ics(fairs: list[dict[str, Any]], base_url: str, name: str) -> Response:
    host = urlsplit(base_url).hostname or "hub24365"
    body = calendar(fairs, base_url, host, utcnow())
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


def _fair_or_none(db: Any, fair_id: str) -> dict[str, Any] | None:
    if not (len(fair_id) <= 64 and fair_id.isascii() and fair_id.isalnum()):
        return None
    with db.read() as session:
        try:
            fair = get_fair(session, fair_id)
        except HubError:
            return None
        doc = fair_documents(session, [fair])[0]
        doc["series"] = fair_documents(session, series_fairs(session, fair.series_id)) if fair.series_id else []
        return doc


def _not_found() -> Response:
    return error_page(404, "招聘会不存在", "没有找到这场招聘会，可能链接有误或已被删除。可以回到招聘会列表看看其他招聘会。",
                      back="/fairs")


@router.get("/fairs/{fair_id}.ics")
def fair_calendar(fair_id: SafeStr, db: DbDep, settings: SettingsDep) -> Response:
    fair = _fair_or_none(db, fair_id)
    if fair is None:
        return _not_found()
    return _ics([fair], settings.base_url, f"fair-{fair['id']}.ics")


@router.get("/fairs/{fair_id}")
def fair_page(fair_id: SafeStr, db: DbDep, settings: SettingsDep) -> Response:
    start = time.perf_counter()
    fair = _fair_or_none(db, fair_id)
    if fair is None:
        return _not_found()
    with db.read() as session:
        jobs = search_jobs(session, SearchQuery(fair=fair["id"], sort="newest"), limit=FAIR_JOBS,
                           secret=settings.secret_key)
    ends = beijing(fair["ends_at"])
    over = ends is not None and ends < datetime.datetime.now(CHINA)
    return page("fair.html", data_ms=_ms(start), fair=fair, jobs=jobs, over=over, fair_time=fair_time,
                jobs_url=f"/?{urlencode({'fair': fair['id']})}", canonical=f"{settings.base_url}/fairs/{fair['id']}")
