"""A province's console: the oversight table of its universities (most behind first, with bars),
the day's report (figures pre-filled, the 活动总结 written and submitted, earlier versions) and its
universities' link-up status. Counts only: no case file reaches these pages."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, Query
from starlette.responses import RedirectResponse, Response

from app.api.deps import DbDep, SettingsDep
from app.errors import Forbidden
from app.models import utcnow
from app.normalize import region_by_code
from app.schemas.oversight import SubmissionIn
from app.services.campaign import today_in_beijing
from app.services.daily_reports import check_range, national_table, submissions, submit
from app.services.oversight import UNIVERSITY_COLUMNS, university_table
from app.services.province_figures import FIGURES
from app.services.report_snapshots import ReportClock
from app.services.roles import overseen_province

from .auth import EditDep, Staff, StaffDep
from .exports import Format, export
from .forms import errors_of
from .render import page
from .routing import console_router

router = console_router()
Sort = Literal["behind", "name", "employers_visited", "cases_uncovered", "last_posting_at"]
LINK_COLUMNS = ("name", "region_name", "linked", "first_posting_at", "last_posting_at", "last_sync_at",
                "open_postings", "sources", "failing_sources")


def province_staff(staff: StaffDep) -> Staff:
    if staff.kind != "provincial_platform":
        raise Forbidden("This part of the console is a provincial platform's.")
    return staff


ProvinceDep = Annotated[Staff, Depends(province_staff)]


def region_name(code: str | None) -> str:
    region = region_by_code(code or "")
    return region.name if region else (code or "全国")


def clock(settings: Any) -> ReportClock:
    return ReportClock(settings.report_snapshot_at, settings.report_cutoff)


@router.get("/province")
def oversight_page(staff: ProvinceDep, db: DbDep, sort: Sort = "behind",
                   order: Literal["desc", "asc"] = "desc", format: Format = None) -> Response:
    scope = overseen_province(staff.caller, None)
    with db.read() as session:
        rows = university_table(session, scope, utcnow(), sort=sort, descending=order == "desc")
    if format:
        return export(format, UNIVERSITY_COLUMNS, rows, f"universities-{scope}")
    return page("oversight.html", staff=staff, rows=rows, sort=sort, order=order, province=region_name(scope),
                base="/console/province")


@router.get("/province/linkup")
def linkup_page(staff: ProvinceDep, db: DbDep, format: Format = None) -> Response:
    scope = overseen_province(staff.caller, None)
    with db.read() as session:
        rows = university_table(session, scope, utcnow(), sort="last_posting_at", descending=False)
    if format:
        return export(format, LINK_COLUMNS, rows, f"linkup-{scope}")
    return page("linkup.html", staff=staff, rows=rows)


def _report_page(staff: Staff, db: Any, settings: Any, day: datetime.date | None, *, status: int = 200,
                 errors: list[tuple[str, str]] | None = None, draft: dict[str, str] | None = None) -> Response:
    now = utcnow()
    day = day or today_in_beijing(now)
    check_range(day, day, now, to_field="date")
    scope = overseen_province(staff.caller, None)
    the_clock = clock(settings)
    with db.read() as session:
        table = national_table(session, day, day, the_clock, now, scope)
        versions = list(reversed(submissions(session, scope, day, day)))
    row = table["rows"][0]
    latest = versions[0] if versions else None
    draft = draft or {"narrative": latest["narrative"] if latest else "",
                      "highlights": "\n".join(latest["highlights"]) if latest else ""}
    return page("report.html", status=status, staff=staff, day=day, row=row, figures=FIGURES, versions=versions,
                deadline=the_clock.deadline(day), past_cutoff=now > the_clock.deadline(day), errors=errors or [],
                draft=draft, today=today_in_beijing(now))


@router.get("/province/report")
def report_page(staff: ProvinceDep, db: DbDep, settings: SettingsDep,
                date: Annotated[datetime.date | None, Query()] = None, format: Format = None) -> Response:
    if format:
        now = utcnow()
        day = date or today_in_beijing(now)
        with db.read() as session:
            versions = submissions(session, overseen_province(staff.caller, None), day, day)
        columns = ("date", "version", "status", "submitted_at", "narrative", "highlights", *FIGURES)
        return export(format, columns, [{**v, **v["figures"]} for v in versions], f"report-{day.isoformat()}")
    return _report_page(staff, db, settings, date)


@router.post("/province/report")
def report_submit(staff: ProvinceDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    draft = {"narrative": form.get("narrative") or "", "highlights": form.get("highlights") or ""}
    day: datetime.date | None = None
    try:
        spec = SubmissionIn.model_validate({"date": form.get("date"), "narrative": form.get("narrative") or "",
                                            "highlights": form.lines("highlights")})
        now = utcnow()
        day = spec.date or today_in_beijing(now)
        scope = overseen_province(staff.caller, None)
        assert scope is not None
        with db.write() as session:
            submit(session, scope, day, spec.narrative, spec.highlights, staff.submitter, clock(settings), now)
    except Exception as exc:  # noqa: BLE001
        return _report_page(staff, db, settings, None, status=422, errors=errors_of(exc), draft=draft)
    return RedirectResponse(f"/console/province/report?date={day.isoformat()}", status_code=303)
