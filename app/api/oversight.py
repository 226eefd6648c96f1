"""Oversight (provincial and national keys, and the admin token): one row per university of a
province, or one per province; counts only. JSON, or CSV / xlsx for the spreadsheet the office keeps."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from app.models import utcnow
from app.schemas.common import problem_responses
from app.schemas.oversight import ProvinceTable, UniversityPatch, UniversityRow, UniversityTable
from app.services.oversight import (
    PROVINCE_COLUMNS,
    UNIVERSITY_COLUMNS,
    province_table,
    university_rows,
    university_table,
)
from app.services.roles import overseen_province, overseen_university, require_role
from app.services.rules import set_flag, set_rules

from .campaign_deps import (
    CallerDep,
    Id,
    province_param,
    table_response,
    table_responses,
    wanted_format,
)
from .deps import DbDep

router = APIRouter(prefix="/api/v1/oversight", tags=["campaign"])
Format = Annotated[Literal["json", "csv", "xlsx"] | None, Query(description="Else by the Accept header")]
Order = Literal["desc", "asc"]
Province = Annotated[str | None, Query(max_length=12, description="A province code (national keys; a "
                                       "provincial key sees its own)")]


@router.get("/universities", response_model=UniversityTable, responses={
    **table_responses(UniversityTable), **problem_responses(401, 403, 404, 422)},
    summary="Every university of a province: visits, new employers, cases (counts), fairs, link-up")
def get_university_oversight(request: Request, caller: CallerDep, db: DbDep, province: Province = None,
                     sort: Literal["behind", "name", "employers_visited", "cases_uncovered",
                                   "last_posting_at"] = "behind",
                     order: Order = "desc", format: Format = None) -> Any:
    """One row per university of a province: visits against the rule that applies, new employers, cases
    open/covered/uncovered (counts only), fairs held and link-up status, most behind first. JSON, CSV
    (UTF-8 with BOM) or xlsx."""
    scope = overseen_province(caller, province_param(request, province))
    with db.read() as session:
        rows = university_table(session, scope, utcnow(), sort=sort, descending=order == "desc")
    fmt = wanted_format(request, format)
    if fmt != "json":
        return table_response(fmt, UNIVERSITY_COLUMNS, rows, f"universities-{scope or 'china'}")
    return {"province_code": scope, "rows": rows}


@router.get("/universities/{university_id}", response_model=UniversityRow,
            responses=problem_responses(401, 403, 404, 422), summary="One university of your oversight")
def get_university(university_id: Id, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """One university's oversight row (its province's platform or the ministry); another province's
    university is a 404."""
    with db.read() as session:
        return university_rows(session, [overseen_university(session, caller, university_id)], utcnow())[0]


@router.patch("/universities/{university_id}", response_model=UniversityRow,
              responses=problem_responses(401, 403, 404, 422),
              summary="A province flags a university below the local placement rate, or raises its rules")
def patch_university(university_id: Id, spec: UniversityPatch, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """Flag a university of your province as below the local placement rate, or raise its rules
    (provincial platform key)."""
    require_role(caller, "provincial_platform", what="set rules and flags for a university")
    assert caller.partner is not None
    now = utcnow()
    with db.write() as session:
        university = overseen_university(session, caller, university_id)
        if spec.below_placement_rate is not None:
            set_flag(session, university.id, spec.below_placement_rate, by_partner_id=caller.partner.id, now=now)
        if spec.rules is not None:
            set_rules(session, "province_university", university.id, spec.rules.model_dump(exclude_unset=True),
                      province=caller.province, by_partner_id=caller.partner.id, now=now,
                      field_names={r: f"rules.{r}" for r in ("visit_employers", "new_employers", "case_pushes")})
        session.flush()
        return university_rows(session, [university], now)[0]


@router.get("/provinces", response_model=ProvinceTable, responses={
    **table_responses(ProvinceTable), **problem_responses(401, 403, 422)},
    summary="All 31 provinces (a provincial key: its own row): universities at target, cases, link-up")
def get_province_oversight(request: Request, caller: CallerDep, db: DbDep,
                  sort: Literal["behind", "province_code", "universities_below_visit_target",
                                "cases_uncovered"] = "behind",
                  order: Order = "desc", format: Format = None) -> Any:
    """One row per province (the ministry): universities linked up, at target and below, flagged,
    summed visits and cases (counts only), fairs held and the platform's link-up, most behind first."""
    scope = overseen_province(caller, None)
    with db.read() as session:
        rows = province_table(session, utcnow(), province=scope, sort=sort, descending=order == "desc")
    fmt = wanted_format(request, format)
    if fmt != "json":
        return table_response(fmt, PROVINCE_COLUMNS, rows, "provinces")
    return {"rows": rows}
