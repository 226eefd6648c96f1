"""The daily report: a calendar day's live figures for any region (any key); the provinces'
submissions (每日17:00前报送); the ministry's table of all 31 provinces for a day or a range."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from app.errors import ValidationFailed, field_error
from app.models import utcnow
from app.schemas.campaign import DailyReport
from app.schemas.common import problem_responses
from app.schemas.oversight import (
    NationalReport,
    SnapshotTaken,
    SubmissionIn,
    SubmissionList,
    SubmissionOut,
)
from app.services.campaign import check_not_future, today_in_beijing
from app.services.daily_reports import (
    TABLE_COLUMNS,
    Submitter,
    check_range,
    national_table,
    submissions,
    submit,
)
from app.services.report_snapshots import ReportClock, take_snapshot
from app.services.reports import daily_report, report_csv
from app.services.roles import overseen_province, require_role

from .campaign_deps import (
    CallerDep,
    province_param,
    region_code,
    single,
    table_response,
    table_responses,
    wanted_format,
)
from .deps import AdminDep, DbDep, SettingsDep

router = APIRouter(prefix="/api/v1/reports", tags=["campaign"])
CSV = "text/csv; charset=utf-8"
Day = Annotated[datetime.date | None, Query(description="A Beijing day; default today; not in the future")]
Format = Annotated[Literal["json", "csv", "xlsx"] | None, Query(description="Else by the Accept header")]


def clock(settings: Any) -> ReportClock:
    return ReportClock(settings.report_snapshot_at, settings.report_cutoff)


def _days(request: Request, date: datetime.date | None, first: datetime.date | None,
          last: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """One day (``date``, default today) or a range (``from`` and ``to``), checked: 422 otherwise."""
    single(request, "date", "from", "to", "province")
    if date is not None and (first is not None or last is not None):
        raise ValidationFailed("Give a date or a range, not both.", errors=[field_error("date", "or from/to")])
    if (first is None) != (last is None):
        raise ValidationFailed("A range needs both ends.", errors=[field_error("to" if last is None else "from",
                                                                               "required with the other end")])
    now = utcnow()
    if first is not None and last is not None:
        check_range(first, last, now)
        return first, last
    day = date or today_in_beijing(now)
    check_range(day, day, now, to_field="date")
    return day, day


@router.get("/daily", response_model=DailyReport,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "The figures; CSV (UTF-8 with BOM) with `Accept: text/csv`"},
                       **problem_responses(401, 403, 422)},
            summary="One calendar day's live figures for a region (its whole area) or all of China")
def get_daily(request: Request, _caller: CallerDep, db: DbDep,
              date: Annotated[datetime.date | None, Query(description="A Beijing day; default today")] = None,
              region: Annotated[str | None, Query(max_length=12, description="GB/T 2260 province, city or "
                                                  "district code; none for all of China")] = None) -> Any:
    single(request, "date", "region")
    code = region_code(region)
    day = date or today_in_beijing(utcnow())
    if day < datetime.date(2000, 1, 1):
        raise ValidationFailed("The date is out of range.", errors=[field_error("date", "from the year 2000")])
    check_not_future(day, utcnow(), "date")
    with db.read() as session:
        report = daily_report(session, day, code)
    if "text/csv" in request.headers.get("accept", ""):
        name = f"daily-{day.isoformat()}{'-' + code if code else ''}.csv"
        return Response(report_csv(report), media_type=CSV,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return report


@router.post("/daily/submissions", status_code=201, response_model=SubmissionOut,
             responses=problem_responses(401, 403, 422),
             summary="A province submits (or resubmits) a day's report: the figures plus its narrative")
def post_submission(spec: SubmissionIn, caller: CallerDep, db: DbDep, settings: SettingsDep) -> dict[str, Any]:
    """Submit (or resubmit) your province's daily report: the day's figures as snapshotted plus the
    narrative (活动总结) and highlights. Every version is kept; one after the cut-off is accepted and
    marked late. Provincial platform keys only."""
    require_role(caller, "provincial_platform", what="submit a province's daily report")
    assert caller.partner is not None
    province = caller.province
    if province is None:
        raise ValidationFailed("This platform has no province.", errors=[field_error("region_code", "missing")])
    now = utcnow()
    day = spec.date or today_in_beijing(now)
    with db.write() as session:
        return submit(session, province, day, spec.narrative, spec.highlights,
                      Submitter(caller.partner.id, caller.key_id, caller.user_id), clock(settings), now)


@router.get("/daily/submissions", response_model=SubmissionList, responses=problem_responses(401, 403, 404, 422),
            summary="Every version submitted for a day or a range (a provincial key: its own)")
def get_submissions(request: Request, caller: CallerDep, db: DbDep, date: Day = None,
                    from_: Annotated[datetime.date | None, Query(alias="from")] = None,
                    to: datetime.date | None = None,
                    province: Annotated[str | None, Query(max_length=12)] = None) -> dict[str, Any]:
    """The submitted versions of a province's daily reports for a day or a range, newest first (a
    provincial key reads its own province)."""
    first, last = _days(request, date, from_, to)
    scope = overseen_province(caller, province_param(request, province))
    with db.read() as session:
        return {"items": submissions(session, scope, first, last)}


@router.get("/provinces", response_model=NationalReport, responses={
    **table_responses(NationalReport), **problem_responses(401, 403, 404, 422)},
    summary="The ministry's table: all 31 provinces for a day or a range (≤ 92 days), status and figures")
def get_province_reports(request: Request, caller: CallerDep, db: DbDep, settings: SettingsDep, date: Day = None,
                  from_: Annotated[datetime.date | None, Query(alias="from", description="First day of a range")]
                  = None,
                  to: Annotated[datetime.date | None, Query(description="Last day of a range (inclusive)")] = None,
                  province: Annotated[str | None, Query(max_length=12)] = None,
                  format: Format = None) -> Any:
    """The ministry's table: every province for a day or a range of up to 92 days, flows summed and
    stocks from the last day, with each province's status (on_time, late, missing, pending) and latest
    narrative. JSON, CSV (UTF-8 with BOM) or xlsx."""
    first, last = _days(request, date, from_, to)
    scope = overseen_province(caller, province_param(request, province))
    with db.read() as session:
        table = national_table(session, first, last, clock(settings), utcnow(), scope)
    fmt = wanted_format(request, format)
    if fmt != "json":
        name = f"report-{first.isoformat()}" + (f"-{last.isoformat()}" if last != first else "")
        return table_response(fmt, TABLE_COLUMNS, table["rows"], name)
    return table


@router.post("/daily/snapshots", response_model=SnapshotTaken, responses=problem_responses(401, 403, 422),
             summary="Take (or retake) a day's snapshot of every province now (admin)")
def post_snapshot(_: AdminDep, db: DbDep, settings: SettingsDep, date: Day = None) -> dict[str, Any]:
    """Take (or retake) a reporting day's snapshot of every province now (admin); the worker does this
    at the snapshot time each day, and a rerun replaces the same snapshot."""
    now = utcnow()
    day = date or today_in_beijing(now)
    check_range(day, day, now, to_field="date")
    with db.write() as session:
        n = take_snapshot(session, day, clock(settings), now, trigger="manual")
    return {"date": day.isoformat(), "provinces": n}
