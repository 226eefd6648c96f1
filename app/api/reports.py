"""The daily report (any partner key, or the admin token): one Beijing day's figures, JSON or CSV."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.errors import ValidationFailed, field_error
from app.models import utcnow
from app.schemas.campaign import DailyReport
from app.schemas.common import problem_responses
from app.services.campaign import today_in_beijing
from app.services.reports import daily_report, report_csv

from .campaign_deps import ReaderDep, region_code
from .deps import DbDep

router = APIRouter(prefix="/api/v1/reports", tags=["campaign"])
CSV = "text/csv; charset=utf-8"


@router.get("/daily", response_model=DailyReport,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}},
                             "description": "The figures; CSV (UTF-8 with BOM) with `Accept: text/csv`"},
                       **problem_responses(401, 403, 422)},
            summary="One day's figures for a region (its whole area) or all of China")
def get_daily(request: Request, _caller: ReaderDep, db: DbDep,
              date: Annotated[datetime.date | None, Query(description="A Beijing day; default today")] = None,
              region: Annotated[str | None, Query(max_length=12, description="GB/T 2260 province, city or "
                                                  "district code; none for all of China")] = None) -> Any:
    code = region_code(region)
    day = date or today_in_beijing(utcnow())
    if not datetime.date(2000, 1, 1) <= day <= datetime.date(2999, 12, 31):
        raise ValidationFailed("The date is out of range.", errors=[field_error("date", "between 2000 and 2999")])
    with db.read() as session:
        report = daily_report(session, day, code)
    if "text/csv" in request.headers.get("accept", ""):
        name = f"daily-{day.isoformat()}{'-' + code if code else ''}.csv"
        return Response(report_csv(report), media_type=CSV,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return report
