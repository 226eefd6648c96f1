"""The ministry's console: the national table of 31 provinces for a day or a range (on time / late /
missing, figures, narratives), the campaign's trend charts and the tile map of the provinces.
Counts only: no case file reaches these pages."""

from __future__ import annotations

import datetime
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import Depends, Path, Query, Request
from starlette.responses import Response

from app.api.deps import DbDep, SettingsDep
from app.errors import Forbidden, ValidationFailed, field_error
from app.models import utcnow
from app.schemas.common import SafeStr
from app.services.campaign import province_of, today_in_beijing
from app.services.daily_reports import TABLE_COLUMNS, national_table
from app.services.oversight import (
    PROVINCE_COLUMNS,
    UNIVERSITY_COLUMNS,
    province_table,
    university_table,
)
from app.services.trends import TREND_SERIES, daily_series

from . import labels
from .auth import Staff, StaffDep
from .charts import bar_chart, short_name, tiles
from .exports import Format, export
from .province import clock, region_name
from .render import page
from .routing import console_router

router = console_router()
Day = Annotated[datetime.date | None, Query()]
TREND_DAYS = 14


def ministry_staff(staff: StaffDep) -> Staff:
    if staff.kind != "national":
        raise Forbidden("This part of the console is the ministry's.")
    return staff


MinistryDep = Annotated[Staff, Depends(ministry_staff)]


def _days(date: datetime.date | None, first: datetime.date | None, last: datetime.date | None
          ) -> tuple[datetime.date, datetime.date]:
    if date is not None and (first or last):
        raise ValidationFailed("Give a date or a range, not both.", errors=[field_error("date", "or from/to")])
    if (first is None) != (last is None):
        raise ValidationFailed("A range needs both ends.", errors=[field_error("to" if last is None else "from",
                                                                               "required with the other end")])
    if first and last:
        return first, last
    day = date or today_in_beijing(utcnow())
    return day, day


@router.get("/ministry")
def national_page(request: Request, staff: MinistryDep, db: DbDep, settings: SettingsDep, date: Day = None,
                  from_: Annotated[datetime.date | None, Query(alias="from")] = None, to: Day = None,
                  format: Format = None) -> Response:
    first, last = _days(date, from_, to)
    with db.read() as session:
        table = national_table(session, first, last, clock(settings), utcnow())
    if format:
        name = f"report-{first.isoformat()}" + (f"-{last.isoformat()}" if last != first else "")
        return export(format, TABLE_COLUMNS, table["rows"], name)
    counts = {s: sum(1 for r in table["rows"] if r["status"] == s) for s in labels.REPORT_STATUS}
    return page("national.html", staff=staff, table=table, first=first, last=last, counts=counts,
                query=request.url.query)


@router.get("/ministry/trends")
def trends_page(staff: MinistryDep, db: DbDep, settings: SettingsDep,
                from_: Annotated[datetime.date | None, Query(alias="from")] = None, to: Day = None) -> Response:
    last = to or today_in_beijing(utcnow())
    first = from_ or last - timedelta(days=TREND_DAYS - 1)
    with db.read() as session:
        rows = daily_series(session, first, last, clock(settings), utcnow())
    charts = [(key, labels.SERIES[key], bar_chart(rows, key)) for key in TREND_SERIES]
    return page("trends.html", staff=staff, rows=rows, charts=charts, first=first, last=last, series=TREND_SERIES)


def _map_values(by: str, rows: list[dict[str, Any]], report: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if by == "progress":
        for r in rows:
            done = round((1 - r["behind"]) * 100)
            band = "none" if r["universities"] == 0 else "high" if done >= 80 else "mid" if done >= 40 else "low"
            out[r["province_code"]] = {"name": short_name(r["province_name"]), "text": f"{done}%" if r["universities"]
                                       else "无高校", "cls": f"tile--{band}",
                                       "title": f"{r['province_name']}：完成 {done}%，高校 {r['universities']} 所"}
    else:
        for r in report:
            words, symbol = labels.REPORT_STATUS[r["status"]]
            out[r["province_code"]] = {"name": short_name(r["province_name"]), "text": f"{symbol} {words}",
                                       "cls": f"tile--{r['status']}", "title": f"{r['province_name']}：{words}"}
    return out


@router.get("/ministry/map")
def map_page(staff: MinistryDep, db: DbDep, settings: SettingsDep,
             by: Literal["progress", "report"] = "progress", date: Day = None, format: Format = None) -> Response:
    now = utcnow()
    day = date or today_in_beijing(now)
    with db.read() as session:
        rows = province_table(session, now, sort="province_code", descending=False)
        report = national_table(session, day, day, clock(settings), now)["rows"]
    if format:
        return export(format, PROVINCE_COLUMNS, rows, "provinces")
    return page("map.html", staff=staff, by=by, day=day, rows=rows, grid=tiles(_map_values(by, rows, report)))


@router.get("/ministry/provinces/{code}")
def province_page(code: Annotated[SafeStr, Path(max_length=6)], staff: MinistryDep, db: DbDep,
                  sort: Literal["behind", "name", "employers_visited", "cases_uncovered", "last_posting_at"] = "behind",
                  order: Literal["desc", "asc"] = "desc", format: Format = None) -> Response:
    if not code.isdigit() or province_of(code) != code:
        raise ValidationFailed("Not a province.", errors=[field_error("code", "a province code, e.g. 440000")])
    with db.read() as session:
        rows = university_table(session, code, utcnow(), sort=sort, descending=order == "desc")
    if format:
        return export(format, UNIVERSITY_COLUMNS, rows, f"universities-{code}")
    return page("oversight.html", staff=staff, rows=rows, sort=sort, order=order, province=region_name(code),
                base=f"/console/ministry/provinces/{code}")
